using Sim.Engine.Codec;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6.3.2 SenderDataAAD: the associated data of the sender data encryption.</summary>
internal sealed record SenderDataAad(byte[] GroupId, ulong Epoch, ContentType ContentType) : ITlsCodec<SenderDataAad>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteUInt8((byte)ContentType);
    }

    public static SenderDataAad Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(), reader.ReadUInt64(), ContentBody.ReadContentType(ref reader, "SenderDataAAD.content_type"));
}
