using Sim.Engine.Codec;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Tree;

/// <summary>RFC 9420 §7 ratchet tree: extension, truncation, blanking, resolution, wire import, parent hashes, leaf validation.</summary>
public sealed class RatchetTreeTests
{
    private readonly TreeTestKit _kit = new();

    [Fact]
    public void AddExtendsByDoublingIntoTheLeftmostBlankLeaf()
    {
        var tree = RatchetTree.CreateOneMember(_kit.Suite, _kit.NewMember("a").Leaf);
        Assert.Equal(1u, tree.LeafCount);
        var diff = tree.Stage();
        Assert.Equal(1u, diff.AddLeaf(_kit.NewMember("b").Leaf));
        Assert.Equal(2u, diff.LeafCount);
        Assert.Equal(2u, diff.AddLeaf(_kit.NewMember("c").Leaf));
        Assert.Equal(4u, diff.LeafCount);
        Assert.Equal(3u, diff.AddLeaf(_kit.NewMember("d").Leaf));
        Assert.Equal(4u, diff.LeafCount);
        diff.RemoveLeaf(1);
        Assert.Equal(1u, diff.AddLeaf(_kit.NewMember("e").Leaf)); // leftmost blank, no extension
        Assert.Equal(4u, diff.LeafCount);
        Assert.Equal(1u, tree.LeafCount); // the original is untouched
    }

    [Fact]
    public void RemoveBlanksTheDirectPathAndTruncatesTrailingBlankHalves()
    {
        var (tree, _, _) = _kit.Group(5); // 8 leaves, 5 members, parents on member 0's path set
        Assert.Equal(8u, tree.LeafCount);
        Assert.NotNull(tree.GetNode(7)); // root set by the UpdatePath
        var diff = tree.Stage();
        diff.RemoveLeaf(4);
        var after = diff.ToTree();
        Assert.Equal(4u, after.LeafCount); // leaves 4..7 all blank: halved
        Assert.Equal(7u, after.NodeCount);
        Assert.NotNull(after.GetNode(3)); // node 3 (member 0's path) is not on leaf 4's direct path (9, 11, 7) and is the new root
        diff = after.Stage();
        diff.RemoveLeaf(3);
        diff.RemoveLeaf(2);
        Assert.Equal(2u, diff.LeafCount);
        diff.RemoveLeaf(1);
        Assert.Equal(1u, diff.LeafCount);
        Assert.Throws<MlsInternalException>(() => diff.RemoveLeaf(1));   // a Remove of a blank leaf is refused before it is applied
    }

    [Fact]
    public void UpdateReplacesTheLeafAndBlanksItsDirectPath()
    {
        var (tree, members, _) = _kit.Group(4);
        var (leaf, _) = _kit.UpdateLeaf(members[2], 2);
        var diff = tree.Stage();
        diff.UpdateLeaf(2, leaf);
        var after = diff.ToTree();
        Assert.Same(leaf, after.GetLeaf(2));
        Assert.Null(after.GetNode(5));
        Assert.Null(after.GetNode(3));
        Assert.NotNull(after.GetNode(1));
        Assert.NotEqual(tree, after);
        Assert.NotEqual(tree.TreeHash(), after.TreeHash());
    }

    [Fact]
    public void ResolutionFollowsTheRfcFigure()
    {
        // RFC 9420 §4.1.1 figure: X (node 3) non-blank with unmerged B; Y (node 9) non-blank; leaves 2 and 6 blank.
        var leaves = Enumerable.Range(0, 8).Select(i => _kit.NewMember($"l{i}").Leaf).ToArray();
        var nodes = new Node?[15];
        foreach (var i in new[] { 0, 1, 3, 4, 5, 7 }) nodes[2 * i] = Node.FromLeaf(leaves[i]);
        nodes[3] = Node.FromParent(new ParentNode(_kit.Suite.Kem.GenerateKeyPair(_kit.Random).PublicKey, [], [1]));
        nodes[9] = Node.FromParent(new ParentNode(_kit.Suite.Kem.GenerateKeyPair(_kit.Random).PublicKey, [], []));
        var tree = RatchetTree.FromWireUnchecked(_kit.Suite, new RatchetTreeWire(nodes));
        Assert.Equal([3u, 2u], tree.Resolution(3));           // [X, B]
        Assert.Empty(tree.Resolution(4));                     // leaf 2
        Assert.Empty(tree.Resolution(12));                    // leaf 6
        Assert.Equal([3u, 2u, 9u, 14u], tree.Resolution(7));  // [X, B, Y, H]
        Assert.Equal([3u, 9u, 14u], tree.Resolution(7, [1u])); // B excluded as a new member
        // Filtered direct path of A (leaf 0): copath B, _(5: leaves 2,3 → D), 11 (Y…): all non-empty.
        Assert.Equal([1u, 3u, 7u], tree.FilteredDirectPath(0));
        // Leaf 7 (H): sibling leaf 6 is blank, so node 13 is filtered out.
        Assert.Equal([11u, 7u], tree.FilteredDirectPath(7));
    }

    [Fact]
    public void WireFormOmitsTrailingBlanksAndImportRestoresTheFullTree()
    {
        var (tree, _, _) = _kit.Group(5);
        var wire = tree.ToWire();
        Assert.Equal(9, wire.Nodes.Count); // leaf 4 is node 8, the last non-blank
        var back = RatchetTree.Import(_kit.Suite, Tls.Deserialize<RatchetTreeWire>(tree.Encode()),
            TreeValidationOptions.For(_kit.Suite, _kit.GroupId, currentTime: 1000) with { ExpectedTreeHash = tree.TreeHash() });
        Assert.Equal(tree, back);
        Assert.Equal(15u, back.NodeCount);
        Assert.Equal(tree.Encode(), back.DeepClone().Encode());
    }

    [Fact]
    public void ImportRejectsMalformedShapes()
    {
        var leaf = Node.FromLeaf(_kit.NewMember("a").Leaf);
        var parent = Node.FromParent(new ParentNode([1, 2, 3], [], []));
        var options = TreeValidationOptions.For(_kit.Suite, _kit.GroupId);
        void Rejects(MlsError error, params Node?[] nodes) =>
            Assert.Equal(error, Assert.Throws<MlsProtocolException>(() => RatchetTree.Import(_kit.Suite, new RatchetTreeWire(nodes), options)).Error);
        Rejects(MlsError.InvalidTree);
        Rejects(MlsError.InvalidTree, leaf, null);
        Rejects(MlsError.InvalidTree, parent);
        Rejects(MlsError.InvalidTree, leaf, leaf, leaf);
        Rejects(MlsError.InvalidTree, leaf, null, leaf); // duplicate keys
        var wrongHash = TreeValidationOptions.For(_kit.Suite, _kit.GroupId) with { ExpectedTreeHash = new byte[32] };
        Assert.Equal(MlsError.InvalidTree, Assert.Throws<MlsProtocolException>(() =>
            RatchetTree.Import(_kit.Suite, new RatchetTreeWire([leaf]), wrongHash)).Error);
    }

    [Fact]
    public void TamperedParentHashIsRejected()
    {
        var (tree, _, _) = _kit.Group(4);
        tree.VerifyParentHashes();
        var root = tree.GetParent(3)!;
        var nodes = tree.ToWire().Nodes.ToArray();
        var tampered = root.ParentHash.Length == 0 ? [0x01] : root.ParentHash.Select(b => (byte)(b ^ 1)).ToArray();
        // Node 1 is on member 0's path: corrupt its parent_hash, which links it to the root.
        var node1 = tree.GetParent(1)!;
        nodes[1] = Node.FromParent(node1 with { ParentHash = node1.ParentHash.Select(b => (byte)(b ^ 0x80)).ToArray() });
        var e = Assert.Throws<MlsProtocolException>(() =>
            RatchetTree.Import(_kit.Suite, new RatchetTreeWire(nodes), TreeValidationOptions.For(_kit.Suite, _kit.GroupId)));
        Assert.Equal(MlsError.InvalidParentHash, e.Error);
        // A parent key swapped for another breaks the chain as well.
        nodes = tree.ToWire().Nodes.ToArray();
        nodes[3] = Node.FromParent(root with { EncryptionKey = _kit.Suite.Kem.GenerateKeyPair(_kit.Random).PublicKey, ParentHash = tampered });
        Assert.Equal(MlsError.InvalidParentHash, Assert.Throws<MlsProtocolException>(() =>
            RatchetTree.FromWireUnchecked(_kit.Suite, new RatchetTreeWire(nodes)).VerifyParentHashes()).Error);
    }

    [Fact]
    public void AddListsTheNewLeafAsUnmergedAndImportChecksTheLists()
    {
        var (tree, _, _) = _kit.Group(3);
        var diff = tree.Stage();
        uint added = diff.AddLeaf(_kit.NewMember("new").Leaf);
        var withAdd = diff.ToTree();
        Assert.Equal(3u, added);
        Assert.Equal([3u], withAdd.GetParent(3)!.UnmergedLeaves);
        Assert.Null(withAdd.GetNode(5)); // blank parents get no unmerged leaves
        Assert.Equal([3u, 6u], withAdd.Resolution(3)); // the root, then its unmerged leaf 3 (node 6)
        withAdd.Validate(TreeValidationOptions.For(_kit.Suite, _kit.GroupId));
        var nodes = withAdd.ToWire().Nodes.ToArray();
        nodes[3] = Node.FromParent(withAdd.GetParent(3)! with { UnmergedLeaves = [3, 3] });
        Assert.Equal(MlsError.InvalidTree, Assert.Throws<MlsProtocolException>(() =>
            RatchetTree.Import(_kit.Suite, new RatchetTreeWire(nodes), TreeValidationOptions.For(_kit.Suite, _kit.GroupId))).Error);
    }

    [Fact]
    public void LeafValidationChecksSignatureSourceLifetimeAndUniqueness()
    {
        var (tree, members, _) = _kit.Group(2);
        var ctx = new LeafNodeValidationContext(_kit.Suite, _kit.GroupId) { CurrentTime = 1000 };
        var fresh = _kit.NewMember("new", new Lifetime(500, 2000));
        LeafNodeValidator.Validate(fresh.Leaf, null, ctx, tree, LeafNodeSource.KeyPackage);

        MlsError Error(Action a) => Assert.Throws<MlsProtocolException>(a).Error;
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(fresh.Leaf, null, ctx with { CurrentTime = 3000 }, tree)));
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(fresh.Leaf, null, ctx, tree, LeafNodeSource.Update)));
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(fresh.Leaf with { Signature = [.. fresh.Leaf.Signature[..^1], (byte)(fresh.Leaf.Signature[^1] ^ 1)] }, null, ctx, tree)));
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(members[1].Leaf, null, ctx, tree))); // keys already in the tree
        // Lifetime is skipped without a clock.
        LeafNodeValidator.Validate(fresh.Leaf, null, ctx with { CurrentTime = null }, tree);
        // An update leaf signs over group_id and leaf index.
        var (update, _) = _kit.UpdateLeaf(members[1], 1);
        LeafNodeValidator.Validate(update, 1, ctx, tree, LeafNodeSource.Update);
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(update, 0, ctx, tree)));
        Assert.Equal(MlsError.InvalidLeafNode, Error(() => LeafNodeValidator.Validate(update, 1, ctx with { GroupId = [9] }, tree)));
    }
}
