using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.1 ParentNode: a parent's public key, its parent hash and its unmerged leaves.</summary>
public sealed record ParentNode(byte[] EncryptionKey, byte[] ParentHash, IReadOnlyList<uint> UnmergedLeaves)
    : ITlsCodec<ParentNode>
{
    void ITlsCodec<ParentNode>.Encode(TlsWriter writer) => Encode(writer);
    static ParentNode ITlsCodec<ParentNode>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(ParentHash);
        writer.WriteVector(UnmergedLeaves, (w, i) => w.WriteUInt32(i));
    }

    internal static ParentNode Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(),
        reader.ReadOpaque(),
        reader.ReadVector((ref TlsReader r) => r.ReadUInt32()));
}
