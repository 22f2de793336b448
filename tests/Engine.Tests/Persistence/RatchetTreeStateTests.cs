using Sim.Engine.Codec;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Tree;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Persistence;

/// <summary>Saved <see cref="RatchetTree"/>: the §12.4.3.3 wire form drops trailing blank nodes, so
/// the saved form adds the leaf count; trees with trailing blank leaves, untruncated trees and an
/// all-blank tree load back identical (same leaf count, same tree hash, same bytes).</summary>
public sealed class RatchetTreeStateTests
{
    public static IEnumerable<object[]> Suites => Saved.AllSuites;

    private static RatchetTree RoundTrip(RatchetTree tree)
    {
        var loaded = Saved.RoundTrip(StateKind.RatchetTree, tree.Save, RatchetTree.Load, t => t.Save);
        Assert.Equal(tree.LeafCount, loaded.LeafCount);
        Assert.Equal(tree.TreeHash(), loaded.TreeHash());
        Assert.Equal(tree, loaded);
        Assert.Equal(tree.Encode(), loaded.Encode());
        for (uint n = 0; n < tree.NodeCount; n++)
            Assert.Equal(tree.GetNode(n) is null ? null : Tls.Serialize(tree.GetNode(n)!), loaded.GetNode(n) is null ? null : Tls.Serialize(loaded.GetNode(n)!));
        return loaded;
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void GroupTreeWithATrailingBlankLeafRoundTrips(ushort suiteId)
    {
        var kit = new TreeTestKit(suiteId, seed: 70UL + suiteId);
        var (tree, _, _) = kit.Group(3); // 4 leaves, leaf 3 blank: the wire form ends at node 4
        Assert.Null(tree.GetNode(6));
        var loaded = RoundTrip(tree);
        loaded.VerifyParentHashes();
        loaded.Validate(TreeValidationOptions.For(kit.Suite, kit.GroupId));
    }

    [Fact]
    public void UntruncatedTreeKeepsItsLeafCount()
    {
        var kit = new TreeTestKit();
        var (tree, _, _) = kit.Group(3);
        var diff = tree.Stage();
        diff.Extend(); // 8 leaves, 5 of them blank
        var extended = diff.ToTree();
        Assert.Equal(8u, extended.LeafCount);
        // The wire form alone loses the blank half ...
        Assert.Equal(4u, RatchetTree.Import(kit.Suite, extended.ToWire(), TreeValidationOptions.For(kit.Suite, kit.GroupId)).LeafCount);
        // ... the saved form keeps it.
        RoundTrip(extended);
    }

    [Fact]
    public void AllBlankTreeRoundTrips()
    {
        var kit = new TreeTestKit();
        var diff = RatchetTree.CreateOneMember(kit.Suite, kit.NewMember("a").Leaf).Stage();
        diff.SetNode(0, null);
        var blank = diff.ToTree();
        Assert.Empty(blank.ToWire().Nodes);
        RoundTrip(blank);
        diff.Extend();
        RoundTrip(diff.ToTree());
    }

    private static byte[] SavedWith(uint leafCount, RatchetTree tree) => Saved.Save(StateKind.RatchetTree, w =>
    {
        w.WriteUInt16(tree.Suite.Id);
        w.WriteUInt32(leafCount);
        tree.ToWire().Encode(w);
    });

    [Fact]
    public void LeafCountMustBeAPowerOfTwoThatFitsTheNodes()
    {
        var kit = new TreeTestKit();
        var (tree, _, _) = kit.Group(3);
        RatchetTree Load(uint leaves) => Saved.Load(SavedWith(leaves, tree), StateKind.RatchetTree, RatchetTree.Load);
        Assert.Equal(16u, Load(16).LeafCount);
        foreach (uint bad in new uint[] { 0, 2, 3, 6, 4u << 9, 0x80000000u, uint.MaxValue })
            Assert.Throws<MlsDecodeException>(() => Load(bad));
    }

    [Fact]
    public void MisplacedNodeTypeIsADecodeError()
    {
        var kit = new TreeTestKit();
        var leaf = Node.FromLeaf(kit.NewMember("a").Leaf);
        var bytes = Saved.Save(StateKind.RatchetTree, w =>
        {
            w.WriteUInt16(1);
            w.WriteUInt32(2);
            new RatchetTreeWire([leaf, leaf]).Encode(w); // a leaf at parent position 1
        });
        Assert.Throws<MlsDecodeException>(() => Saved.Load(bytes, StateKind.RatchetTree, RatchetTree.Load));
    }
}
