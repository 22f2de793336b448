using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.6 UpdatePathNode: a new public key and its path secret sealed to each resolution node.</summary>
public sealed record UpdatePathNode(byte[] EncryptionKey, IReadOnlyList<HpkeCiphertext> EncryptedPathSecret)
    : ITlsCodec<UpdatePathNode>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteVector(EncryptedPathSecret, (w, c) => c.Encode(w));
    }

    public static UpdatePathNode Decode(ref TlsReader reader) =>
        new(reader.ReadOpaque(), reader.ReadVector(HpkeCiphertext.Decode));
}
