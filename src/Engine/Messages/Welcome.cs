using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4.3.1 Welcome.</summary>
public sealed record Welcome(ushort CipherSuite, IReadOnlyList<EncryptedGroupSecrets> Secrets, byte[] EncryptedGroupInfo)
    : ITlsCodec<Welcome>
{
    void ITlsCodec<Welcome>.Encode(TlsWriter writer) => Encode(writer);
    static Welcome ITlsCodec<Welcome>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(CipherSuite);
        writer.WriteVector(Secrets, (w, s) => s.Encode(w));
        writer.WriteOpaque(EncryptedGroupInfo);
    }

    internal static Welcome Decode(ref TlsReader reader) =>
        new(reader.ReadUInt16(), reader.ReadVector(EncryptedGroupSecrets.Decode), reader.ReadOpaque());
}
