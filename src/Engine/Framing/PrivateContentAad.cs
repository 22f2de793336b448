using Sim.Engine.Codec;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6.3.1 PrivateContentAAD: the associated data of the content encryption.</summary>
internal sealed record PrivateContentAad(byte[] GroupId, ulong Epoch, ContentType ContentType, byte[] AuthenticatedData)
    : ITlsCodec<PrivateContentAad>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteUInt8((byte)ContentType);
        writer.WriteOpaque(AuthenticatedData);
    }

    public static PrivateContentAad Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(),
        reader.ReadUInt64(),
        ContentBody.ReadContentType(ref reader, "PrivateContentAAD.content_type"),
        reader.ReadOpaque());
}
