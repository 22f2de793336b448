using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §12.4.3.3 the ratchet_tree extension body, <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>:
/// the tree's nodes in array order, null for a blank node. This is the unverified wire form only;
/// the tree's shape and contents are checked when a ratchet tree is built from it.
/// </summary>
public sealed record RatchetTreeWire(IReadOnlyList<Node?> Nodes) : ITlsCodec<RatchetTreeWire>
{
    public void Encode(TlsWriter writer) =>
        writer.WriteVector(Nodes, (w, n) => w.WriteOptional(n, (w2, node) => node.Encode(w2)));

    public static RatchetTreeWire Decode(ref TlsReader reader) =>
        new(reader.ReadVector<Node?>((ref TlsReader r) => r.ReadOptional(Node.Decode)));
}
