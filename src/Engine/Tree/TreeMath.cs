namespace Sim.Engine.Tree;

/// <summary>
/// Array-based tree arithmetic of RFC 9420 Appendix C over node indices. Leaves sit at even node
/// indices (leaf i is node 2i), parents at odd ones; the level of a node is the number of trailing
/// one bits of its index. RFC 9420 trees are always full (§7.8: the leaf count is a power of two),
/// but every function here also accepts any leaf count ≥ 1, exactly as Appendix C defines them.
/// Misuse (a leaf's child, the root's parent, an index outside the tree) is an
/// <see cref="ArgumentException"/>: these are programming errors, not bad network input.
/// </summary>
internal static class TreeMath
{
    /// <summary>The exponent of the largest power of 2 not above <paramref name="x"/>; 0 for 0.</summary>
    public static int Log2(uint x) => x == 0 ? 0 : 31 - System.Numerics.BitOperations.LeadingZeroCount(x);

    /// <summary>The level of a node: 0 for leaves, the number of trailing 1 bits otherwise.</summary>
    public static int Level(uint x) => System.Numerics.BitOperations.TrailingZeroCount(~x);

    public static bool IsLeaf(uint x) => (x & 1) == 0;

    /// <summary>The number of nodes of a tree with <paramref name="nLeaves"/> leaves: 2(n−1)+1.</summary>
    public static uint NodeWidth(uint nLeaves)
    {
        if (nLeaves == 0) return 0;
        if (nLeaves > 0x80000000u) throw new ArgumentOutOfRangeException(nameof(nLeaves), "tree too large for uint node indices");
        return 2 * (nLeaves - 1) + 1;
    }

    /// <summary>The root node index of a tree with <paramref name="nLeaves"/> leaves.</summary>
    public static uint Root(uint nLeaves)
    {
        RequireLeaves(nLeaves);
        return (1u << Log2(NodeWidth(nLeaves))) - 1;
    }

    public static uint LeafToNode(uint leafIndex)
    {
        if (leafIndex > 0x7FFFFFFFu) throw new ArgumentOutOfRangeException(nameof(leafIndex));
        return 2 * leafIndex;
    }

    public static uint NodeToLeaf(uint node)
    {
        if (!IsLeaf(node)) throw new ArgumentException($"node {node} is not a leaf", nameof(node));
        return node / 2;
    }

    public static uint Left(uint x)
    {
        int k = Level(x);
        if (k == 0) throw new ArgumentException($"leaf node {x} has no children", nameof(x));
        return x ^ (1u << (k - 1));
    }

    public static uint Right(uint x)
    {
        int k = Level(x);
        if (k == 0) throw new ArgumentException($"leaf node {x} has no children", nameof(x));
        return x ^ (3u << (k - 1));
    }

    /// <summary>The right child of <paramref name="x"/> within a tree of <paramref name="nLeaves"/> leaves:
    /// for a non-full tree, descends left past nodes beyond the tree's width (Appendix C's right(x, n)
    /// of earlier drafts). Equals <see cref="Right(uint)"/> in full trees.</summary>
    public static uint Right(uint x, uint nLeaves)
    {
        uint r = Right(x);
        uint w = NodeWidth(nLeaves);
        while (r >= w) r = Left(r);
        return r;
    }

    /// <summary>The parent of <paramref name="x"/>; in a non-full tree, skips parents beyond the width.</summary>
    public static uint Parent(uint x, uint nLeaves)
    {
        RequireNode(x, nLeaves);
        uint root = Root(nLeaves);
        if (x == root) throw new ArgumentException($"root node {x} has no parent", nameof(x));
        uint w = NodeWidth(nLeaves);
        uint p = ParentStep(x);
        while (p >= w) p = ParentStep(p);
        return p;
    }

    private static uint ParentStep(uint x)
    {
        int k = Level(x);
        uint b = (x >> (k + 1)) & 1;
        return (x | (1u << k)) ^ (b << (k + 1));
    }

    public static uint Sibling(uint x, uint nLeaves)
    {
        uint p = Parent(x, nLeaves);
        return x < p ? Right(p, nLeaves) : Left(p);
    }

    /// <summary>The direct path of <paramref name="x"/>: its ancestors from its parent up to the root (§4.1.2).</summary>
    public static List<uint> DirectPath(uint x, uint nLeaves)
    {
        RequireNode(x, nLeaves);
        uint root = Root(nLeaves);
        var path = new List<uint>();
        while (x != root)
        {
            x = Parent(x, nLeaves);
            path.Add(x);
        }
        return path;
    }

    /// <summary>The copath of <paramref name="x"/>: the sibling of <paramref name="x"/> and of each node of
    /// its direct path except the root (§4.1.2).</summary>
    public static List<uint> Copath(uint x, uint nLeaves)
    {
        RequireNode(x, nLeaves);
        uint root = Root(nLeaves);
        var copath = new List<uint>();
        while (x != root)
        {
            copath.Add(Sibling(x, nLeaves));
            x = Parent(x, nLeaves);
        }
        return copath;
    }

    /// <summary>True if <paramref name="ancestor"/> is <paramref name="x"/> or lies above it (its subtree contains x).</summary>
    public static bool IsInSubtree(uint x, uint ancestor)
    {
        var (first, last) = SubtreeNodeRange(ancestor);
        return x >= first && x <= last;
    }

    /// <summary>The lowest common ancestor of two nodes in the (infinite) array tree: the node whose
    /// subtree contains both. For nodes of a full tree this is their common ancestor within it (§4.1.1).</summary>
    public static uint CommonAncestor(uint x, uint y)
    {
        // Both indices share their bits above the level of the ancestor; the ancestor keeps those
        // high bits, then a 0 bit, then k one bits (Appendix C, common_ancestor_direct).
        int lx = Level(x) + 1, ly = Level(y) + 1;
        if (lx <= ly && (x >> ly) == (y >> ly)) return y;
        if (ly <= lx && (x >> lx) == (y >> lx)) return x;
        uint xn = x, yn = y;
        int k = 0;
        while (xn != yn)
        {
            xn >>= 1;
            yn >>= 1;
            k++;
        }
        return (xn << k) + (1u << (k - 1)) - 1;
    }

    /// <summary>The first and last node index (inclusive) of the subtree rooted at <paramref name="x"/>.</summary>
    public static (uint First, uint Last) SubtreeNodeRange(uint x)
    {
        int k = Level(x);
        uint half = (1u << k) - 1;
        return (x - half, x + half);
    }

    /// <summary>The leaf indices [First, First+Count) under node <paramref name="x"/>, clipped to the tree.</summary>
    public static (uint First, uint Count) SubtreeLeafRange(uint x, uint nLeaves)
    {
        RequireNode(x, nLeaves);
        var (firstNode, lastNode) = SubtreeNodeRange(x);
        uint first = firstNode / 2;
        uint last = Math.Min(lastNode / 2, nLeaves - 1);
        return (first, last - first + 1);
    }

    /// <summary>Every leaf index under node <paramref name="x"/> (the "resolution" walk of §4.1.1 starts here).</summary>
    public static IEnumerable<uint> SubtreeLeaves(uint x, uint nLeaves)
    {
        var (first, count) = SubtreeLeafRange(x, nLeaves);
        for (uint i = 0; i < count; i++) yield return first + i;
    }

    /// <summary>True if <paramref name="n"/> is a power of two (the leaf count of an RFC 9420 tree, §7.8).</summary>
    public static bool IsFullTreeSize(uint n) => n != 0 && (n & (n - 1)) == 0;

    private static void RequireLeaves(uint nLeaves)
    {
        if (nLeaves == 0) throw new ArgumentOutOfRangeException(nameof(nLeaves), "a tree has at least one leaf");
    }

    private static void RequireNode(uint x, uint nLeaves)
    {
        RequireLeaves(nLeaves);
        if (x >= NodeWidth(nLeaves)) throw new ArgumentOutOfRangeException(nameof(x), $"node {x} is outside a tree of {nLeaves} leaves");
    }
}
