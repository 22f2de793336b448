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
    void ITlsCodec<PrivateMessage>.Encode(TlsWriter writer) => Encode(writer);
    static PrivateMessage ITlsCodec<PrivateMessage>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteUInt8((byte)ContentType);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteOpaque(EncryptedSenderData);
        writer.WriteOpaque(Ciphertext);
    }

    internal static PrivateMessage Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(),
        reader.ReadUInt64(),
        ContentBody.ReadContentType(ref reader, "PrivateMessage.content_type"),
        reader.ReadOpaque(),
        reader.ReadOpaque(),
        reader.ReadOpaque());
}
