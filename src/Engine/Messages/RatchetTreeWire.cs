using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §12.4.3.3 the ratchet_tree extension body, <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>:
/// the tree's nodes in array order, null for a blank node. This is the unverified wire form only;
/// the tree's shape and contents are checked when a ratchet tree is built from it.
/// </summary>
public sealed record RatchetTreeWire(IReadOnlyList<Node?> Nodes) : ITlsCodec<RatchetTreeWire>
{
    void ITlsCodec<RatchetTreeWire>.Encode(TlsWriter writer) => Encode(writer);
    static RatchetTreeWire ITlsCodec<RatchetTreeWire>.Decode(ref TlsReader reader) => Decode(ref reader);

    /// <summary>The ratchet_tree extension body's bytes (for sending the tree out of band, RFC 9420 §12.4.3.3).</summary>
    public byte[] Encode() => Tls.Serialize(this);

    /// <summary>Reads a ratchet tree that occupies all of <paramref name="bytes"/>; <see cref="MlsDecodeException"/> if malformed.
    /// The tree itself is verified when a group is joined with it.</summary>
    public static RatchetTreeWire Decode(ReadOnlySpan<byte> bytes) => Tls.Deserialize<RatchetTreeWire>(bytes);

    internal void Encode(TlsWriter writer) =>
        writer.WriteVector(Nodes, (w, n) => w.WriteOptional(n, (w2, node) => node.Encode(w2)));

    internal static RatchetTreeWire Decode(ref TlsReader reader) =>
        new(reader.ReadVector<Node?>((ref TlsReader r) => r.ReadOptional(Node.Decode)));
}
