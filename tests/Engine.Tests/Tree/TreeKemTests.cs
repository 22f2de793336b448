using Sim.Engine.Codec;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Tree;

/// <summary>RFC 9420 §7.4–§7.6 TreeKEM: creating and processing UpdatePaths, joiners, and rejection without side effects.</summary>
public sealed class TreeKemTests
{
    private readonly TreeTestKit _kit = new();

    private UpdatePathCreated Commit(RatchetTree tree, TreeTestKit.Member m, uint leaf, IReadOnlyCollection<uint>? excluded = null) =>
        TreeKem.CreateUpdatePath(tree, leaf, LeafNodeTemplate.From(tree.GetLeaf(leaf) ?? m.Leaf), m.Signature.PrivateKey,
            _kit.Context(tree), excluded ?? [], _kit.Random);

    [Fact]
    public void EveryMemberDerivesTheCommittersSecretAndTree()
    {
        var (tree, members, privates) = _kit.Group(6);
        foreach (var p in privates) p.CheckConsistentWith(tree);
        var created = Commit(tree, members[3], 3);
        for (uint j = 0; j < 6; j++)
        {
            if (j == 3) continue;
            var result = TreeKem.ProcessUpdatePath(tree, privates[j], 3, created.UpdatePath, _kit.Context(tree), []);
            Assert.Equal(created.CommitSecret, result.CommitSecret);
            Assert.Equal(created.Tree, result.Tree);
            Assert.Equal(Tls.Serialize(created.ProvisionalContext), Tls.Serialize(result.ProvisionalContext));
            result.Private.CheckConsistentWith(result.Tree);
            Assert.Equal(created.PathSecrets[TreeMath.CommonAncestor(2 * j, 6)], result.PathSecret);
        }
        created.Tree.VerifyParentHashes();
        created.Tree.Validate(TreeValidationOptions.For(_kit.Suite, _kit.GroupId));
    }

    [Fact]
    public void NewMembersAreExcludedFromTheResolutionAndJoinWithTheirPathSecret()
    {
        var (tree, members, privates) = _kit.Group(3);
        var joiner = _kit.NewMember("joiner");
        var diff = tree.Stage();
        uint added = diff.AddLeaf(joiner.Leaf);
        var withAdd = diff.ToTree();
        var created = Commit(withAdd, members[1], 1, [added]);
        // Leaf 1's copath at the root is node 5 (blank): resolution leaf 2 and leaf 3; leaf 3 is new.
        Assert.Single(created.UpdatePath.Nodes[^1].EncryptedPathSecret);
        var joined = TreeKemPrivate.ForLeaf(added, joiner.Encryption.PrivateKey)
            .WithJoinerPathSecret(created.Tree, 1, created.PathSecretForJoiner(added).Span);
        joined.CheckConsistentWith(created.Tree);
        Assert.Contains(created.Tree.Root, joined.ParentNodesWithKeys);
        var result = TreeKem.ProcessUpdatePath(withAdd, privates[2], 1, created.UpdatePath, _kit.Context(withAdd), [added]);
        Assert.Equal(created.CommitSecret, result.CommitSecret);
    }

    [Fact]
    public void TamperedCiphertextIsRejectedAndChangesNothing()
    {
        var (tree, members, privates) = _kit.Group(4);
        var treeBytes = tree.Encode();
        var created = Commit(tree, members[0], 0);
        var root = created.UpdatePath.Nodes[^1];
        var ct = root.EncryptedPathSecret[0];
        var badCt = ct with { Ciphertext = ct.Ciphertext.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b).ToArray() };
        var tampered = created.UpdatePath with
        {
            Nodes = [.. created.UpdatePath.Nodes.SkipLast(1), root with { EncryptedPathSecret = [badCt, .. root.EncryptedPathSecret.Skip(1)] }],
        };
        var before = privates[2].Clone();
        var e = Assert.Throws<MlsProtocolException>(() => TreeKem.ProcessUpdatePath(tree, privates[2], 0, tampered, _kit.Context(tree), []));
        Assert.Equal(MlsError.DecryptionFailed, e.Error);
        Assert.Equal(treeBytes, tree.Encode());
        Assert.Equal(before.ParentNodesWithKeys, privates[2].ParentNodesWithKeys);
        foreach (var n in before.ParentNodesWithKeys) Assert.Equal(before.PrivateKeyOf(n), privates[2].PrivateKeyOf(n));
        privates[2].CheckConsistentWith(tree);
        // The untampered path still processes with the same inputs.
        TreeKem.ProcessUpdatePath(tree, privates[2], 0, created.UpdatePath, _kit.Context(tree), []);
    }

    [Fact]
    public void MalformedUpdatePathsAreRejected()
    {
        var (tree, members, privates) = _kit.Group(4);
        var created = Commit(tree, members[0], 0);
        var path = created.UpdatePath;
        var context = _kit.Context(tree);
        MlsError Error(UpdatePath p, uint sender = 0) =>
            Assert.Throws<MlsProtocolException>(() => TreeKem.ProcessUpdatePath(tree, privates[3], sender, p, context, [])).Error;

        Assert.Equal(MlsError.InvalidUpdatePath, Error(path with { Nodes = path.Nodes.Skip(1).ToArray() }));
        // A node key swapped for another changes the parent-hash chain the leaf signed.
        var swapped = path.Nodes[0] with { EncryptionKey = _kit.Suite.Kem.GenerateKeyPair(_kit.Random).PublicKey };
        Assert.Equal(MlsError.InvalidParentHash, Error(path with { Nodes = [swapped, .. path.Nodes.Skip(1)] }));
        // A key already in the tree.
        var reused = path.Nodes[0] with { EncryptionKey = tree.GetParent(3)!.EncryptionKey };
        Assert.Equal(MlsError.InvalidUpdatePath, Error(path with { Nodes = [reused, .. path.Nodes.Skip(1)] }));
        // The leaf is signed for leaf 0, not leaf 1; and a changed leaf no longer verifies.
        Assert.Equal(MlsError.InvalidLeafNode, Error(path, sender: 1));
        Assert.Equal(MlsError.InvalidLeafNode, Error(path with { LeafNode = path.LeafNode with { Extensions = [new Extension(1, [1])] } }));
        // The wrong group context: decryption fails.
        Assert.Equal(MlsError.DecryptionFailed, Assert.Throws<MlsProtocolException>(() =>
            TreeKem.ProcessUpdatePath(tree, privates[3], 0, path, context with { Epoch = 99 }, [])).Error);
    }

    [Fact]
    public void UpdatePathRoundTripsAndCommitSecretIsHashLength()
    {
        var (tree, members, _) = _kit.Group(2);
        var created = Commit(tree, members[1], 1);
        Assert.Equal(Tls.Serialize(created.UpdatePath), Tls.Serialize(Tls.Deserialize<UpdatePath>(Tls.Serialize(created.UpdatePath))));
        Assert.Equal(_kit.Suite.HashLength, created.CommitSecret.Length);
        Assert.Equal(LeafNodeSource.Commit, created.UpdatePath.LeafNode.LeafNodeSource);
        Assert.DoesNotContain("PrivateKey", created.Private.ToString());
    }

    [Fact]
    public void ExternalCommitterTakesTheLeftmostBlankLeaf()
    {
        var (tree, _, privates) = _kit.Group(4);
        var joiner = _kit.NewMember("external");
        var diff = tree.Stage();
        uint leaf = diff.LeftmostBlankLeafOrExtend();
        Assert.Equal(4u, leaf);
        var extended = diff.ToTree();
        Assert.Equal(8u, extended.LeafCount);
        var created = TreeKem.CreateUpdatePath(extended, leaf, LeafNodeTemplate.From(joiner.Leaf), joiner.Signature.PrivateKey,
            _kit.Context(extended), [], _kit.Random);
        for (uint j = 0; j < 4; j++)
        {
            var result = TreeKem.ProcessUpdatePath(extended, privates[j], leaf, created.UpdatePath, _kit.Context(extended), []);
            Assert.Equal(created.CommitSecret, result.CommitSecret);
            Assert.Equal(created.Tree, result.Tree);
        }
        created.Tree.Validate(TreeValidationOptions.For(_kit.Suite, _kit.GroupId));
    }

    [Fact]
    public void UpdateLeafMustChangeItsEncryptionKey()
    {
        var (tree, members, _) = _kit.Group(2);
        var ctx = new LeafNodeValidationContext(_kit.Suite, _kit.GroupId);
        var (update, _) = _kit.UpdateLeaf(members[1], 1);
        LeafNodeValidator.Validate(update, 1, ctx, tree, LeafNodeSource.Update);
        var same = update with { EncryptionKey = tree.GetLeaf(1)!.EncryptionKey, Signature = [] };
        same = same with { Signature = _kit.Suite.SignWithLabel(members[1].Signature.PrivateKey, "LeafNodeTBS", same.ToBeSigned(_kit.GroupId, 1)) };
        Assert.Equal(MlsError.InvalidLeafNode,
            Assert.Throws<MlsProtocolException>(() => LeafNodeValidator.Validate(same, 1, ctx, tree, LeafNodeSource.Update)).Error);
    }

    [Fact]
    public void OneMemberGroupCommitsWithAnEmptyPath()
    {
        var m = _kit.NewMember("solo");
        var tree = RatchetTree.CreateOneMember(_kit.Suite, m.Leaf);
        var created = Commit(tree, m, 0);
        Assert.Empty(created.UpdatePath.Nodes);
        Assert.Empty(created.UpdatePath.LeafNode.ParentHash!);
        Assert.Equal(_kit.Suite.HashLength, created.CommitSecret.Length);
        created.Tree.Validate(TreeValidationOptions.For(_kit.Suite, _kit.GroupId));
    }
}
