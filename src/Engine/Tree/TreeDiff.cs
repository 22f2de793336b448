using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// A staged, mutable copy of a <see cref="RatchetTree"/> (OpenMLS's TreeSyncDiff): proposals and
/// update paths are applied here, and <see cref="ToTree"/> yields the new immutable tree only once
/// every check has passed. Dropping a diff discards the change. Tree-hash cache entries of every
/// untouched subtree are carried over.
/// </summary>
internal sealed class TreeDiff
{
    private readonly Crypto.CipherSuite _suite;
    private Node?[] _nodes;
    private byte[]?[] _hashes;

    internal TreeDiff(RatchetTree tree)
    {
        _suite = tree.Suite;
        _nodes = (Node?[])tree.NodesView.Clone();
        lock (tree.HashCache) _hashes = (byte[]?[])tree.HashCache.Clone();
    }

    public uint LeafCount => ((uint)_nodes.Length + 1) / 2;

    public Node? GetNode(uint node) => node < _nodes.Length ? _nodes[node] : throw new ArgumentOutOfRangeException(nameof(node));
    public LeafNode? TryGetLeaf(uint leafIndex) => leafIndex < LeafCount ? _nodes[2 * leafIndex]?.Leaf : null;

    /// <summary>The new tree: a snapshot, the diff may go on changing afterwards.</summary>
    public RatchetTree ToTree() => new(_suite, (Node?[])_nodes.Clone(), (byte[]?[])_hashes.Clone());

    /// <summary>Sets a node (null blanks it) and forgets the cached tree hashes of it and its ancestors.</summary>
    public void SetNode(uint node, Node? value)
    {
        if (node >= _nodes.Length) throw new ArgumentOutOfRangeException(nameof(node));
        if (value is not null && (value.NodeType == NodeType.Leaf) != TreeMath.IsLeaf(node))
            throw new ArgumentException($"node {node} cannot hold a {value.NodeType} node");
        _nodes[node] = value;
        Invalidate(node);
    }

    private void Invalidate(uint node)
    {
        _hashes[node] = null;
        uint root = TreeMath.Root(LeafCount);
        for (uint x = node; x != root;)
        {
            x = TreeMath.Parent(x, LeafCount);
            _hashes[x] = null;
        }
    }

    /// <summary>RFC 9420 §7.7 extend: a new blank root whose left subtree is the tree and right subtree all blank.</summary>
    public void Extend()
    {
        if (LeafCount >= 0x40000000u) throw new InvalidOperationException("tree too large to extend");
        int width = 2 * _nodes.Length + 1;
        Array.Resize(ref _nodes, width);
        Array.Resize(ref _hashes, width);
    }

    /// <summary>
    /// RFC 9420 §7.7, §12.1.3 truncate: while the right subtree of the root holds no non-blank leaf,
    /// drop the root and the right subtree.
    /// </summary>
    public void Truncate()
    {
        while (LeafCount > 1)
        {
            uint half = LeafCount / 2;
            bool rightBlank = true;
            for (uint i = half; i < LeafCount && rightBlank; i++) rightBlank = _nodes[2 * i] is null;
            if (!rightBlank) return;
            int width = (int)TreeMath.NodeWidth(half);
            Array.Resize(ref _nodes, width);
            Array.Resize(ref _hashes, width);
        }
    }

    /// <summary>Blanks every node on the direct path of <paramref name="leafIndex"/> (not the leaf).</summary>
    public void BlankDirectPath(uint leafIndex)
    {
        RequireLeaf(leafIndex);
        foreach (var x in TreeMath.DirectPath(2 * leafIndex, LeafCount)) SetNode(x, null);
    }

    /// <summary>The leftmost blank leaf; the tree is extended first if every leaf is occupied (§12.1.1, §12.4.3.2).</summary>
    public uint LeftmostBlankLeafOrExtend()
    {
        for (uint i = 0; i < LeafCount; i++)
            if (_nodes[2 * i] is null) return i;
        uint first = LeafCount;
        Extend();
        return first;
    }

    /// <summary>
    /// RFC 9420 §12.1.1 Add: places <paramref name="leaf"/> in the leftmost blank leaf (extending if
    /// needed) and lists it as unmerged at every non-blank parent on its direct path. Returns its index.
    /// </summary>
    public uint AddLeaf(LeafNode leaf)
    {
        uint index = LeftmostBlankLeafOrExtend();
        foreach (var x in TreeMath.DirectPath(2 * index, LeafCount))
        {
            if (_nodes[x]?.Parent is not { } p) continue;
            var unmerged = p.UnmergedLeaves.Append(index).Order().ToArray();
            SetNode(x, Node.FromParent(p with { UnmergedLeaves = unmerged }));
        }
        SetNode(2 * index, Node.FromLeaf(leaf));
        return index;
    }

    /// <summary>RFC 9420 §12.1.2 Update: replaces the sender's leaf and blanks its direct path.</summary>
    public void UpdateLeaf(uint leafIndex, LeafNode leaf)
    {
        RequireLeaf(leafIndex);
        if (_nodes[2 * leafIndex] is null)
            // ProposalList's rule ProposalUpdateSender refused such an Update before it is applied.
            throw new MlsInternalException($"update of blank leaf {leafIndex}");
        SetNode(2 * leafIndex, Node.FromLeaf(leaf));
        BlankDirectPath(leafIndex);
    }

    /// <summary>
    /// RFC 9420 §12.1.3 Remove: blanks the leaf and its direct path, then truncates. The leaf is a
    /// member: a Remove of a blank or absent leaf was refused before (rule ProposalRemoveTarget), so
    /// one reaching here is an engine bug.
    /// </summary>
    public void RemoveLeaf(uint leafIndex)
    {
        if (leafIndex >= LeafCount || _nodes[2 * leafIndex] is null)
            throw new MlsInternalException($"remove of blank or absent leaf {leafIndex}");
        SetNode(2 * leafIndex, null);
        BlankDirectPath(leafIndex);
        Truncate();
    }

    private void RequireLeaf(uint leafIndex)
    {
        if (leafIndex >= LeafCount) throw new ArgumentOutOfRangeException(nameof(leafIndex), $"leaf {leafIndex} outside a tree of {LeafCount}");
    }
}
