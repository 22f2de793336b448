using Sim.Engine.Codec;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6.3 PrivateMessage: the encrypted form of a FramedContent.</summary>
public sealed record PrivateMessage(
    byte[] GroupId,
    ulong Epoch,
    ContentType ContentType,
    byte[] AuthenticatedData,
    byte[] EncryptedSenderData,
    byte[] Ciphertext) : ITlsCodec<PrivateMessage>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteUInt8((byte)ContentType);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteOpaque(EncryptedSenderData);
        writer.WriteOpaque(Ciphertext);
    }

    public static PrivateMessage Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(),
        reader.ReadUInt64(),
        ContentBody.ReadContentType(ref reader, "PrivateMessage.content_type"),
        reader.ReadOpaque(),
        reader.ReadOpaque(),
        reader.ReadOpaque());
}
