using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.6 UpdatePath: the committer's new leaf and one node per filtered direct-path node.</summary>
public sealed record UpdatePath(LeafNode LeafNode, IReadOnlyList<UpdatePathNode> Nodes) : ITlsCodec<UpdatePath>
{
    void ITlsCodec<UpdatePath>.Encode(TlsWriter writer) => Encode(writer);
    static UpdatePath ITlsCodec<UpdatePath>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        LeafNode.Encode(writer);
        writer.WriteVector(Nodes, (w, n) => n.Encode(w));
    }

    internal static UpdatePath Decode(ref TlsReader reader) =>
        new(LeafNode.Decode(ref reader), reader.ReadVector(UpdatePathNode.Decode));
}
