using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.6 UpdatePathNode: a new public key and its path secret sealed to each resolution node.</summary>
public sealed record UpdatePathNode(byte[] EncryptionKey, IReadOnlyList<HpkeCiphertext> EncryptedPathSecret)
    : ITlsCodec<UpdatePathNode>
{
    void ITlsCodec<UpdatePathNode>.Encode(TlsWriter writer) => Encode(writer);
    static UpdatePathNode ITlsCodec<UpdatePathNode>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteVector(EncryptedPathSecret, (w, c) => c.Encode(w));
    }

    internal static UpdatePathNode Decode(ref TlsReader reader) =>
        new(reader.ReadOpaque(), reader.ReadVector(HpkeCiphertext.Decode));
}
