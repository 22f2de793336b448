using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.8 NodeType (uint8).</summary>
public enum NodeType : byte
{
    Leaf = 1,
    Parent = 2,
}

/// <summary>
/// RFC 9420 §7.8 Node: a leaf or a parent, as carried in the ratchet_tree extension.
/// <see cref="Leaf"/> is set exactly when the type is leaf, <see cref="Parent"/> when it is parent.
/// </summary>
public sealed record Node(NodeType NodeType, LeafNode? Leaf, ParentNode? Parent) : ITlsCodec<Node>
{
    void ITlsCodec<Node>.Encode(TlsWriter writer) => Encode(writer);
    static Node ITlsCodec<Node>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static Node FromLeaf(LeafNode leaf) => new(NodeType.Leaf, leaf, null);
    public static Node FromParent(ParentNode parent) => new(NodeType.Parent, null, parent);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)NodeType);
        switch (NodeType)
        {
            case NodeType.Leaf:
                (Leaf ?? throw WireEnum.Missing(nameof(Node), nameof(Leaf), NodeType)).Encode(writer);
                break;
            case NodeType.Parent:
                (Parent ?? throw WireEnum.Missing(nameof(Node), nameof(Parent), NodeType)).Encode(writer);
                break;
            default:
                throw new InvalidOperationException($"Node: cannot encode node_type {(byte)NodeType}");
        }
    }

    internal static Node Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((NodeType)reader.ReadUInt8(), "Node.node_type");
        return type == NodeType.Leaf ? FromLeaf(LeafNode.Decode(ref reader)) : FromParent(ParentNode.Decode(ref reader));
    }
}
