using System.Text.Json;
using Sim.Engine.Tests.Support;
using Sim.Engine.Tree;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Tree;

/// <summary>
/// tree-math.json: each case is a tree of <c>n_leaves</c> leaves with its node count, its root, and
/// for every node index the left child, right child, parent and sibling (null where the node has
/// none: leaves have no children, the root has no parent or sibling). Checks RFC 9420 Appendix C.
/// </summary>
public sealed class TreeMathVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void TreeMathJson(string provider) => VectorFile.RunAll(output, provider, "tree-math.json", (c, _) =>
    {
        uint n = c.U32("n_leaves");
        uint width = TreeMath.NodeWidth(n);
        Assert.Equal(c.U32("n_nodes"), width);
        uint root = TreeMath.Root(n);
        Assert.Equal(c.U32("root"), root);

        var left = c.GetProperty("left");
        var right = c.GetProperty("right");
        var parent = c.GetProperty("parent");
        var sibling = c.GetProperty("sibling");
        Assert.Equal((int)width, left.GetArrayLength());
        for (uint x = 0; x < width; x++)
        {
            bool leaf = TreeMath.IsLeaf(x);
            Assert.Equal(Expected(left, x), leaf ? null : TreeMath.Left(x));
            Assert.Equal(Expected(right, x), leaf ? null : TreeMath.Right(x, n));
            Assert.Equal(Expected(parent, x), x == root ? null : TreeMath.Parent(x, n));
            Assert.Equal(Expected(sibling, x), x == root ? null : TreeMath.Sibling(x, n));
        }
    });

    private static uint? Expected(JsonElement array, uint i)
    {
        var e = array[(int)i];
        return e.ValueKind == JsonValueKind.Null ? null : e.GetUInt32();
    }
}
