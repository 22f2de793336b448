using Sim.Engine.Codec;
using Sim.Engine.Tests.Tree;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Persistence;

/// <summary>Saved <see cref="TreeKemPrivate"/>: every member of a real group (leaf key and path
/// keys) round-trips, stays consistent with the tree, and decrypts the next commit's path secret
/// exactly as the original does. All 7 suites.</summary>
public sealed class TreeKemPrivateStateTests
{
    public static IEnumerable<object[]> Suites => Saved.AllSuites;

    private static TreeKemPrivate RoundTrip(TreeKemPrivate p) =>
        Saved.RoundTrip(StateKind.TreeKemPrivate, p.Save, TreeKemPrivate.Load, l => l.Save);

    [Theory]
    [MemberData(nameof(Suites))]
    public void LoadedPrivateStateDecryptsTheSamePathSecrets(ushort suiteId)
    {
        var kit = new TreeTestKit(suiteId, seed: 40UL + suiteId);
        var (tree, members, privates) = kit.Group(5);
        var loaded = privates.Select(RoundTrip).ToArray();
        for (int i = 0; i < privates.Length; i++)
        {
            Assert.Equal(privates[i].LeafIndex, loaded[i].LeafIndex);
            Assert.Equal(privates[i].LeafPrivateKey.ToArray(), loaded[i].LeafPrivateKey.ToArray());
            Assert.Equal(privates[i].ParentNodesWithKeys, loaded[i].ParentNodesWithKeys);
            loaded[i].CheckConsistentWith(tree);
        }
        Assert.Contains(privates, p => p.ParentNodesWithKeys.Count > 0);

        var created = TreeKem.CreateUpdatePath(tree, 4, LeafNodeTemplate.From(tree.GetLeaf(4)!), members[4].Signature.PrivateKey,
            kit.Context(tree), [], kit.Random);
        for (int j = 0; j < 4; j++)
        {
            var fromOriginal = TreeKem.ProcessUpdatePath(tree, privates[j], 4, created.UpdatePath, kit.Context(tree), []);
            var fromLoaded = TreeKem.ProcessUpdatePath(tree, loaded[j], 4, created.UpdatePath, kit.Context(tree), []);
            Assert.Equal(created.CommitSecret, fromLoaded.CommitSecret);
            Assert.Equal(fromOriginal.PathSecretNode, fromLoaded.PathSecretNode);
            Assert.Equal(fromOriginal.PathSecret, fromLoaded.PathSecret);
            // The next private state, saved, is the same bytes whichever copy produced it.
            Assert.Equal(Saved.Save(StateKind.TreeKemPrivate, fromOriginal.Private.Save),
                Saved.Save(StateKind.TreeKemPrivate, fromLoaded.Private.Save));
        }
    }

    [Fact]
    public void NodeKeysMustBeParentsInAscendingOrder()
    {
        static byte[] With(params uint[] nodes) => Saved.Save(StateKind.TreeKemPrivate, w =>
        {
            w.WriteUInt32(0);
            w.WriteOpaque(new byte[32]);
            w.WriteVector(nodes, (w2, n) => { w2.WriteUInt32(n); w2.WriteOpaque(new byte[32]); });
        });
        var ok = Saved.Load(With(1, 3), StateKind.TreeKemPrivate, TreeKemPrivate.Load);
        Assert.Equal([1u, 3u], ok.ParentNodesWithKeys);
        Assert.Throws<MlsDecodeException>(() => Saved.Load(With(3, 1), StateKind.TreeKemPrivate, TreeKemPrivate.Load));
        Assert.Throws<MlsDecodeException>(() => Saved.Load(With(1, 1), StateKind.TreeKemPrivate, TreeKemPrivate.Load));
        Assert.Throws<MlsDecodeException>(() => Saved.Load(With(2), StateKind.TreeKemPrivate, TreeKemPrivate.Load));
    }
}
