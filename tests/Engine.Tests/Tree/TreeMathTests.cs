using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Tree;

/// <summary>Tree math beyond the vectors: paths, copaths, ancestors and subtree ranges (RFC 9420 §4.1, Appendix C).</summary>
public sealed class TreeMathTests
{
    [Fact]
    public void DirectPathAndCopathOfEightLeaves()
    {
        // Leaf 2 (node 4) in an 8-leaf tree: parents 5, 3, 7; siblings 6, 1, 11.
        Assert.Equal(new uint[] { 5, 3, 7 }, TreeMath.DirectPath(4, 8));
        Assert.Equal(new uint[] { 6, 1, 11 }, TreeMath.Copath(4, 8));
        Assert.Empty(TreeMath.DirectPath(7, 8));
        Assert.Empty(TreeMath.Copath(7, 8));
        Assert.Empty(TreeMath.DirectPath(0, 1));
    }

    [Fact]
    public void LevelsAndLeafConversion()
    {
        Assert.Equal(0, TreeMath.Level(6));
        Assert.Equal(1, TreeMath.Level(5));
        Assert.Equal(3, TreeMath.Level(7));
        Assert.Equal(6u, TreeMath.LeafToNode(3));
        Assert.Equal(3u, TreeMath.NodeToLeaf(6));
        Assert.Throws<ArgumentException>(() => TreeMath.NodeToLeaf(5));
        Assert.Throws<ArgumentException>(() => TreeMath.Left(4));
        Assert.Throws<ArgumentException>(() => TreeMath.Parent(7, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => TreeMath.Parent(15, 8));
    }

    [Fact]
    public void CommonAncestorMatchesDirectPaths()
    {
        const uint n = 16;
        uint width = TreeMath.NodeWidth(n);
        for (uint x = 0; x < width; x++)
        for (uint y = 0; y < width; y++)
        {
            var px = new List<uint> { x }; px.AddRange(TreeMath.DirectPath(x, n));
            var py = new HashSet<uint> { y }; py.UnionWith(TreeMath.DirectPath(y, n));
            uint expected = px.First(py.Contains);
            Assert.Equal(expected, TreeMath.CommonAncestor(x, y));
        }
    }

    [Fact]
    public void SubtreeLeafRanges()
    {
        Assert.Equal((0u, 8u), TreeMath.SubtreeLeafRange(7, 8));
        Assert.Equal((4u, 2u), TreeMath.SubtreeLeafRange(9, 8));
        Assert.Equal((5u, 1u), TreeMath.SubtreeLeafRange(10, 8));
        Assert.Equal(new uint[] { 2, 3 }, TreeMath.SubtreeLeaves(5, 8));
        Assert.True(TreeMath.IsInSubtree(4, 3));
        Assert.False(TreeMath.IsInSubtree(8, 3));
    }
}
