using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §7 the public ratchet tree: an immutable value holding an array of optional nodes
/// (leaf i at node 2i, parents at odd indices) whose leaf count is always a power of two (§7.7).
/// Copying is free and safe: nothing mutates a tree. A change is made on a <see cref="TreeDiff"/>
/// from <see cref="Stage"/> and becomes a tree again with <see cref="TreeDiff.ToTree"/>, so a
/// rejected change leaves the original untouched. A tree from the network (<see cref="RatchetTreeWire"/>)
/// becomes a <see cref="RatchetTree"/> only through <see cref="Import"/>, which validates it.
/// Tree hashes are cached per node; a diff keeps the cache of every subtree it did not touch.
/// Two trees are equal when their suite, size and root tree hash are equal (the tree hash covers
/// every node's full contents and position).
/// </summary>
internal sealed class RatchetTree : IEquatable<RatchetTree>
{
    private readonly Node?[] _nodes;
    private readonly byte[]?[] _hashes;

    internal RatchetTree(CipherSuite suite, Node?[] nodes, byte[]?[]? hashes)
    {
        if (!TreeMath.IsFullTreeSize(((uint)nodes.Length + 1) / 2) || nodes.Length % 2 == 0)
            throw new ArgumentException($"a ratchet tree has 2^(d+1)-1 nodes, not {nodes.Length}");
        Suite = suite;
        _nodes = nodes;
        _hashes = hashes ?? new byte[]?[nodes.Length];
        LeafCount = ((uint)nodes.Length + 1) / 2;
    }

    public CipherSuite Suite { get; }

    /// <summary>The number of leaves (blank or not): a power of two.</summary>
    public uint LeafCount { get; }

    public uint NodeCount => (uint)_nodes.Length;
    public uint Root => TreeMath.Root(LeafCount);

    internal Node?[] NodesView => _nodes;
    internal byte[]?[] HashCache => _hashes;

    /// <summary>RFC 9420 §11: the one-leaf tree of a group's creator.</summary>
    public static RatchetTree CreateOneMember(CipherSuite suite, LeafNode leaf) => new(suite, [Node.FromLeaf(leaf)], null);

    /// <summary>
    /// RFC 9420 §12.4.3.3 + §12.4.3.1: the tree a joiner receives, checked for shape (last node
    /// non-blank, leaves at even and parents at odd indices) then validated in full by
    /// <see cref="Validate"/>. Throws <see cref="MlsProtocolException"/> (InvalidTree,
    /// InvalidParentHash, InvalidLeafNode) on any failure.
    /// </summary>
    internal static RatchetTree Import(CipherSuite suite, RatchetTreeWire wire, TreeValidationOptions options)
    {
        var tree = FromWireUnchecked(suite, wire);
        tree.Validate(options);
        return tree;
    }

    /// <summary>Shape checks only (no signatures, no parent hashes): for known-answer tests and trusted local state.</summary>
    internal static RatchetTree FromWireUnchecked(CipherSuite suite, RatchetTreeWire wire)
    {
        var list = wire.Nodes;
        if (list.Count == 0) throw new MlsProtocolException(MlsError.InvalidTree, "ratchet_tree is empty");
        if (list[^1] is null) throw new MlsProtocolException(MlsError.InvalidTree, "ratchet_tree ends with a blank node");
        uint leaves = 1;
        while (TreeMath.NodeWidth(leaves) < list.Count)
        {
            if (leaves >= 0x40000000u) throw new MlsProtocolException(MlsError.InvalidTree, "ratchet_tree too large");
            leaves *= 2;
        }
        var nodes = new Node?[TreeMath.NodeWidth(leaves)];
        for (int i = 0; i < list.Count; i++)
        {
            var n = list[i];
            if (n is null) continue;
            var expected = i % 2 == 0 ? NodeType.Leaf : NodeType.Parent;
            bool ok = expected == NodeType.Leaf ? n.NodeType == NodeType.Leaf && n.Leaf is not null
                                                : n.NodeType == NodeType.Parent && n.Parent is not null;
            if (!ok) throw new MlsProtocolException(MlsError.InvalidTree, $"node {i} must be a {expected} node");
            nodes[i] = n;
        }
        return new RatchetTree(suite, nodes, null);
    }

    /// <summary>RFC 9420 §12.4.3.3: the ratchet_tree extension form, trailing blank nodes omitted.</summary>
    public RatchetTreeWire ToWire()
    {
        int end = _nodes.Length;
        while (end > 0 && _nodes[end - 1] is null) end--;
        return new RatchetTreeWire(_nodes.AsSpan(0, end).ToArray());
    }

    /// <summary>The serialized <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>.</summary>
    public byte[] Encode() => Tls.Serialize(ToWire());

    /// <summary>§7.9.2 + §7.3 + §12.4.3.1 checks; see <see cref="TreeValidator"/>.</summary>
    internal void Validate(TreeValidationOptions options) => TreeValidator.Validate(this, options);

    /// <summary>§7.9.2: throws <see cref="MlsError.InvalidParentHash"/> unless every non-blank parent is parent-hash valid.</summary>
    public void VerifyParentHashes() => TreeValidator.VerifyParentHashes(this);

    /// <summary>A mutable staged copy of this tree.</summary>
    internal TreeDiff Stage() => new(this);

    /// <summary>A copy sharing no mutable state (nodes are re-decoded from their encoding). Rarely needed: trees are immutable.</summary>
    public RatchetTree DeepClone()
    {
        var nodes = _nodes.Select(n => n is null ? null : Tls.Deserialize<Node>(Tls.Serialize(n))).ToArray();
        return new RatchetTree(Suite, nodes, _hashes.Select(h => h?.ToArray()).ToArray());
    }

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>Bound on how many times larger than its wire form's minimal tree a loaded tree may be
    /// (so a corrupt leaf count cannot allocate gigabytes). An RFC tree is truncated (§7.7, §12.1.3),
    /// so its leaf count is the minimal one; a staged, untruncated tree may carry a few blank halves.</summary>
    private const uint MaxLoadedGrowth = 1u << 8;

    /// <summary>
    /// Saves the tree: <c>uint16 cipher_suite; uint32 leaf_count; optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>
    /// (the §12.4.3.3 form of <see cref="ToWire"/>). The wire form drops trailing blank nodes, which
    /// loses the leaf count of a tree with blank trailing leaves; leaf_count restores it. A public
    /// tree holds no secrets, but it is saved alongside state that does.
    /// </summary>
    public void Save(TlsWriter writer)
    {
        writer.WriteUInt16(Suite.Id);
        writer.WriteUInt32(LeafCount);
        ToWire().Encode(writer);
    }

    /// <summary>
    /// Loads what <see cref="Save"/> wrote, with the shape checks of <see cref="FromWireUnchecked"/>
    /// (local state is trusted: signatures and parent hashes are not re-verified) and the exact leaf
    /// count. <see cref="MlsDecodeException"/> if malformed: unknown suite, a node of the wrong type
    /// for its position, a trailing blank node, or a leaf count that is not a power of two, is
    /// smaller than the nodes need, or exceeds <see cref="MaxLoadedGrowth"/> times that.
    /// </summary>
    public static RatchetTree Load(ref TlsReader reader)
    {
        var suite = StateCodec.ReadSuite(ref reader);
        uint leafCount = reader.ReadUInt32();
        var wire = RatchetTreeWire.Decode(ref reader);
        if (!TreeMath.IsFullTreeSize(leafCount) || leafCount > 0x40000000u)
            throw new MlsDecodeException($"saved ratchet tree: leaf count {leafCount} is not a power of two up to 2^30");
        RatchetTree tree;
        if (wire.Nodes.Count == 0)
        {
            tree = new RatchetTree(suite, [null], null);
        }
        else
        {
            try { tree = FromWireUnchecked(suite, wire); }
            catch (MlsProtocolException e) { throw new MlsDecodeException($"saved ratchet tree: {e.Message}", e); }
        }
        if (leafCount < tree.LeafCount || leafCount / tree.LeafCount > MaxLoadedGrowth)
            throw new MlsDecodeException($"saved ratchet tree: leaf count {leafCount} does not fit {wire.Nodes.Count} nodes");
        if (leafCount == tree.LeafCount) return tree;
        // RFC 9420 §7.7 extend: the left subtree keeps its node indices, the new right part is blank.
        var nodes = tree._nodes;
        Array.Resize(ref nodes, (int)TreeMath.NodeWidth(leafCount));
        return new RatchetTree(suite, nodes, null);
    }

    // ---- node access ----

    public Node? GetNode(uint node) => node < _nodes.Length ? _nodes[node] : throw new ArgumentOutOfRangeException(nameof(node));
    public bool IsBlank(uint node) => GetNode(node) is null;

    public LeafNode? GetLeaf(uint leafIndex) =>
        leafIndex < LeafCount ? _nodes[2 * leafIndex]?.Leaf : throw new ArgumentOutOfRangeException(nameof(leafIndex));

    /// <summary>The leaf at <paramref name="leafIndex"/>, or null when the index is outside the tree or blank (for indices from the network).</summary>
    public LeafNode? TryGetLeaf(uint leafIndex) => leafIndex < LeafCount ? _nodes[2 * leafIndex]?.Leaf : null;

    public ParentNode? GetParent(uint node)
    {
        if (TreeMath.IsLeaf(node)) throw new ArgumentException($"node {node} is a leaf", nameof(node));
        return GetNode(node)?.Parent;
    }

    /// <summary>The HPKE public key of a non-blank node, null for a blank one.</summary>
    public byte[]? EncryptionKeyOf(uint node) => GetNode(node) switch
    {
        { Leaf: { } l } => l.EncryptionKey,
        { Parent: { } p } => p.EncryptionKey,
        _ => null,
    };

    /// <summary>The non-blank leaves in index order.</summary>
    public IEnumerable<(uint LeafIndex, LeafNode Leaf)> Leaves
    {
        get
        {
            for (uint i = 0; i < LeafCount; i++)
                if (_nodes[2 * i]?.Leaf is { } leaf) yield return (i, leaf);
        }
    }

    public int MemberCount => Leaves.Count();

    /// <summary>The index of the leaf whose encoding equals <paramref name="leaf"/>'s (§12.4.3.1 "identify a leaf identical to the KeyPackage's").</summary>
    public uint? FindLeaf(LeafNode leaf)
    {
        var target = Tls.Serialize(leaf);
        foreach (var (i, l) in Leaves)
            if (Tls.Serialize(l).AsSpan().SequenceEqual(target)) return i;
        return null;
    }

    /// <summary>The leftmost blank leaf, or null if every leaf is occupied.</summary>
    public uint? LeftmostBlankLeaf()
    {
        for (uint i = 0; i < LeafCount; i++)
            if (_nodes[2 * i] is null) return i;
        return null;
    }

    // ---- paths ----

    /// <summary>
    /// RFC 9420 §4.1.1 resolution of <paramref name="node"/> as node indices: a non-blank node and its
    /// unmerged leaves; nothing for a blank leaf; left then right resolution for a blank parent.
    /// Leaves in <paramref name="excludedLeaves"/> (members added by the current Commit, §7.6) are left out.
    /// </summary>
    public IReadOnlyList<uint> Resolution(uint node, IReadOnlyCollection<uint>? excludedLeaves = null)
    {
        var result = new List<uint>();
        AddResolution(node, excludedLeaves, result);
        return result;
    }

    private void AddResolution(uint x, IReadOnlyCollection<uint>? excluded, List<uint> result)
    {
        var n = GetNode(x);
        if (n is not null)
        {
            if (TreeMath.IsLeaf(x))
            {
                if (excluded is null || !excluded.Contains(x / 2)) result.Add(x);
                return;
            }
            result.Add(x);
            foreach (var leaf in n.Parent!.UnmergedLeaves)
                if (excluded is null || !excluded.Contains(leaf)) result.Add(2 * leaf);
            return;
        }
        if (TreeMath.IsLeaf(x)) return;
        AddResolution(TreeMath.Left(x), excluded, result);
        AddResolution(TreeMath.Right(x), excluded, result);
    }

    /// <summary>RFC 9420 §4.1.2 direct path of a leaf (node indices, leaf to root, root included).</summary>
    public IReadOnlyList<uint> DirectPath(uint leafIndex) => TreeMath.DirectPath(NodeOfLeaf(leafIndex), LeafCount);

    /// <summary>
    /// RFC 9420 §4.1.2 filtered direct path: the direct path without the nodes whose copath child
    /// has an empty resolution (unmerged leaves count), each with that copath child.
    /// </summary>
    public IReadOnlyList<(uint Node, uint CopathChild)> FilteredDirectPathWithCopath(uint leafIndex)
    {
        var result = new List<(uint, uint)>();
        uint x = NodeOfLeaf(leafIndex);
        uint root = Root;
        while (x != root)
        {
            uint sibling = TreeMath.Sibling(x, LeafCount);
            uint parent = TreeMath.Parent(x, LeafCount);
            if (Resolution(sibling).Count > 0) result.Add((parent, sibling));
            x = parent;
        }
        return result;
    }

    public IReadOnlyList<uint> FilteredDirectPath(uint leafIndex) => FilteredDirectPathWithCopath(leafIndex).Select(p => p.Node).ToList();

    private uint NodeOfLeaf(uint leafIndex) =>
        leafIndex < LeafCount ? 2 * leafIndex : throw new ArgumentOutOfRangeException(nameof(leafIndex), $"leaf {leafIndex} outside a tree of {LeafCount}");

    // ---- hashes ----

    /// <summary>RFC 9420 §7.8 the tree hash of the root.</summary>
    public byte[] TreeHash() => TreeHash(Root);

    /// <summary>RFC 9420 §7.8 the tree hash of <paramref name="node"/> (cached).</summary>
    public byte[] TreeHash(uint node)
    {
        if (node >= _nodes.Length) throw new ArgumentOutOfRangeException(nameof(node));
        lock (_hashes) return Tree.TreeHash.Compute(Suite, _nodes, node, _hashes).ToArray();
    }

    /// <summary>
    /// RFC 9420 §7.9 the parent hash of non-blank <paramref name="parent"/> with copath child
    /// <paramref name="copathChild"/>: Hash(ParentHashInput) over the parent's key, its parent_hash
    /// field and the original sibling tree hash (the copath child's tree hash with the parent's
    /// unmerged leaves blanked).
    /// </summary>
    public byte[] ParentHash(uint parent, uint copathChild)
    {
        var p = GetParent(parent) ?? throw new ArgumentException($"node {parent} is blank", nameof(parent));
        if (TreeMath.IsLeaf(parent) || (TreeMath.Left(parent) != copathChild && TreeMath.Right(parent) != copathChild))
            throw new ArgumentException($"node {copathChild} is not a child of {parent}");
        byte[] siblingHash;
        lock (_hashes) siblingHash = Tree.TreeHash.ComputeExcluding(Suite, _nodes, copathChild, p.UnmergedLeaves, _hashes);
        return Tree.TreeHash.ParentHashOf(Suite, p.EncryptionKey, p.ParentHash, siblingHash);
    }

    // ---- equality ----

    public bool Equals(RatchetTree? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (Suite.Id == other.Suite.Id && LeafCount == other.LeafCount && TreeHash().AsSpan().SequenceEqual(other.TreeHash())));

    public override bool Equals(object? obj) => obj is RatchetTree t && Equals(t);
    public override int GetHashCode() => HashCode.Combine(Suite.Id, LeafCount, BitConverter.ToInt32(TreeHash(), 0));
    public override string ToString() => $"RatchetTree({LeafCount} leaves, {MemberCount} members, hash {Convert.ToHexString(TreeHash().AsSpan(0, 8))}…)";
}
