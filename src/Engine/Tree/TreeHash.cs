using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §7.8 tree hashes over an array of nodes: TreeHashInput { node_type; LeafNodeHashInput
/// { leaf_index; optional&lt;LeafNode&gt; } or ParentNodeHashInput { optional&lt;ParentNode&gt;;
/// left_hash&lt;V&gt;; right_hash&lt;V&gt; } }. The array is always a full tree.
/// </summary>
internal static class TreeHash
{
    /// <summary>The tree hash of node <paramref name="x"/>; fills <paramref name="cache"/> (one slot per node) on the way.</summary>
    public static byte[] Compute(CipherSuite suite, Node?[] nodes, uint x, byte[]?[] cache)
    {
        if (cache[x] is { } cached) return cached;
        byte[] hash;
        if (TreeMath.IsLeaf(x))
            hash = LeafHash(suite, x / 2, nodes[x]?.Leaf);
        else
            hash = ParentHash(suite, nodes[x]?.Parent,
                Compute(suite, nodes, TreeMath.Left(x), cache), Compute(suite, nodes, TreeMath.Right(x), cache));
        cache[x] = hash;
        return hash;
    }

    /// <summary>
    /// The tree hash of <paramref name="x"/> in the tree where every leaf of <paramref name="blanked"/> is blank
    /// and removed from every unmerged_leaves list: the original_sibling_tree_hash of RFC 9420 §7.9.
    /// Falls back to the cached hash for subtrees that contain no blanked leaf.
    /// </summary>
    public static byte[] ComputeExcluding(CipherSuite suite, Node?[] nodes, uint x, IReadOnlyCollection<uint> blanked, byte[]?[] cache)
    {
        var (first, last) = TreeMath.SubtreeNodeRange(x);
        if (!blanked.Any(l => 2 * l >= first && 2 * l <= last)) return Compute(suite, nodes, x, cache);
        if (TreeMath.IsLeaf(x))
            return LeafHash(suite, x / 2, blanked.Contains(x / 2) ? null : nodes[x]?.Leaf);
        var parent = nodes[x]?.Parent;
        if (parent is not null)
            parent = parent with { UnmergedLeaves = parent.UnmergedLeaves.Where(l => !blanked.Contains(l)).ToArray() };
        return ParentHash(suite, parent,
            ComputeExcluding(suite, nodes, TreeMath.Left(x), blanked, cache),
            ComputeExcluding(suite, nodes, TreeMath.Right(x), blanked, cache));
    }

    private static byte[] LeafHash(CipherSuite suite, uint leafIndex, LeafNode? leaf)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteUInt8((byte)NodeType.Leaf);
            w.WriteUInt32(leafIndex);
            w.WriteOptional(leaf, (w2, l) => l.Encode(w2));
            return suite.Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }

    private static byte[] ParentHash(CipherSuite suite, ParentNode? parent, byte[] leftHash, byte[] rightHash)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteUInt8((byte)NodeType.Parent);
            w.WriteOptional(parent, (w2, p) => p.Encode(w2));
            w.WriteOpaque(leftHash);
            w.WriteOpaque(rightHash);
            return suite.Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }

    /// <summary>RFC 9420 §7.9 ParentHashInput { encryption_key&lt;V&gt;; parent_hash&lt;V&gt;; original_sibling_tree_hash&lt;V&gt; }, hashed.</summary>
    public static byte[] ParentHashOf(CipherSuite suite, ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> parentHash,
        ReadOnlySpan<byte> originalSiblingTreeHash)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteOpaque(encryptionKey);
            w.WriteOpaque(parentHash);
            w.WriteOpaque(originalSiblingTreeHash);
            return suite.Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }
}
