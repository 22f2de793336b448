using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Persistence;

/// <summary>
/// Saved <see cref="SecretTree"/>: a tree driven through a seeded mix of sends, in-order, late,
/// reused, too-old and too-far receives is saved at several points; the loaded tree must save to
/// the same bytes, and from then on hand out the same key and nonce for every generation of every
/// leaf and raise the same GenerationReused/TooOld/TooFar errors as the original. All 7 suites.
/// </summary>
public sealed class SecretTreeStateTests
{
    private const uint Leaves = 8;
    private static readonly SecretTreeOptions Options = new(OutOfOrderTolerance: 5, MaximumForwardDistance: 12);
    private static readonly RatchetKind[] Kinds = [RatchetKind.Handshake, RatchetKind.Application];

    public static IEnumerable<object[]> Suites => Saved.AllSuites;

    private sealed record Op(uint Leaf, RatchetKind Kind, long Generation); // Generation < 0: send

    private static string Apply(SecretTree tree, Op op)
    {
        try
        {
            using var key = op.Generation < 0
                ? tree.NextForEncryption(op.Leaf, op.Kind)
                : tree.ForDecryption(op.Leaf, op.Kind, (uint)op.Generation);
            return $"{key.Generation}:{Convert.ToHexString(key.Key)}:{Convert.ToHexString(key.Nonce)}";
        }
        catch (MlsProtocolException e)
        {
            return e.Error.ToString();
        }
    }

    /// <summary>Runs <paramref name="count"/> random operations on <paramref name="tree"/>, each near
    /// the highest generation seen for its ratchet, and returns them with their outcomes.</summary>
    private static List<(Op Op, string Outcome)> Drive(SecretTree tree, Random random, Dictionary<(uint, RatchetKind), long> high, int count)
    {
        var log = new List<(Op, string)>();
        for (int i = 0; i < count; i++)
        {
            uint leaf = (uint)random.Next((int)Leaves / 2 + 1); // leave some leaves untouched for a while
            var kind = Kinds[random.Next(2)];
            high.TryGetValue((leaf, kind), out long h);
            var op = random.Next(5) == 0 ? new Op(leaf, kind, -1) : new Op(leaf, kind, Math.Max(0, h + random.Next(-9, 16)));
            var outcome = Apply(tree, op);
            if (outcome.IndexOf(':') is > 0 and var colon) high[(leaf, kind)] = Math.Max(h, long.Parse(outcome[..colon]));
            log.Add((op, outcome));
        }
        return log;
    }

    private static byte[] Save(SecretTree tree) => Saved.Save(StateKind.SecretTree, tree.Save);

    private static SecretTree Load(byte[] bytes) => Saved.Load(bytes, StateKind.SecretTree, SecretTree.Load);

    [Theory]
    [MemberData(nameof(Suites))]
    public void LoadedTreeBehavesLikeTheOriginalFromEveryCheckpoint(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var encryptionSecret = new DeterministicRandomSource(suiteId, "secret-tree-state").NextBytes(suite.HashLength);
        using var tree = new SecretTree(suite, encryptionSecret, Leaves, Options);
        var random = new Random(1000 + suiteId);
        var high = new Dictionary<(uint, RatchetKind), long>();
        var outcomes = new HashSet<string>();

        for (int checkpoint = 0; checkpoint < 6; checkpoint++)
        {
            var bytes = Save(tree);
            using var loaded = Load(bytes);
            Assert.Equal(bytes, Save(loaded));
            Assert.Equal(tree.LeafCount, loaded.LeafCount);
            Assert.Equal(tree.Options, loaded.Options);
            Assert.Equal(tree.RetainedNodeSecretCount, loaded.RetainedNodeSecretCount);

            // The same random continuation on both gives the same keys and errors.
            using (var a = tree.Clone())
            using (var b = loaded.Clone())
            {
                var expected = Drive(a, new Random(checkpoint), new Dictionary<(uint, RatchetKind), long>(high), 60);
                foreach (var (op, outcome) in expected) Assert.Equal(outcome, Apply(b, op));
                Assert.Equal(Save(a), Save(b));
            }

            // Every generation of every ratchet, swept upwards, then sends.
            foreach (var kind in Kinds)
                for (uint leaf = 0; leaf < Leaves; leaf++)
                {
                    using var a = tree.Clone();
                    using var b = loaded.Clone();
                    Assert.Equal(a.SkippedKeyCount(leaf, kind), b.SkippedKeyCount(leaf, kind));
                    Assert.Equal(a.NextGeneration(leaf, kind), b.NextGeneration(leaf, kind));
                    long next = (long)a.NextGeneration(leaf, kind);
                    // Below next: too old, reused or a retained skipped key; then fresh generations;
                    // then one beyond the forward distance.
                    var sweep = Enumerable.Range(0, (int)next + 4).Select(g => (long)g).ToList();
                    sweep.Add(next + 4 + Options.MaximumForwardDistance + 1);
                    foreach (long g in sweep)
                    {
                        var op = new Op(leaf, kind, g);
                        var outcome = Apply(a, op);
                        outcomes.Add(outcome.Contains(':') ? "key" : outcome);
                        Assert.Equal(outcome, Apply(b, op));
                    }
                    for (int i = 0; i < 3; i++) Assert.Equal(Apply(a, new Op(leaf, kind, -1)), Apply(b, new Op(leaf, kind, -1)));
                }

            Drive(tree, random, high, 50);
        }
        // The sweeps met every kind of outcome, so the comparison above covered each of them.
        Assert.Equal(["GenerationReused", "GenerationTooFar", "GenerationTooOld", "key"], outcomes.Order());
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(16u)]
    public void FreshTreeOfAnySizeRoundTrips(uint leaves)
    {
        var suite = CipherSuite.Get(1);
        using var tree = new SecretTree(suite, new byte[32], leaves);
        using var loaded = Saved.RoundTrip(StateKind.SecretTree, tree.Save, SecretTree.Load, t => t.Save);
        Assert.Equal(1, loaded.RetainedNodeSecretCount);
        for (uint leaf = 0; leaf < leaves; leaf++)
            Assert.Equal(Apply(tree, new Op(leaf, RatchetKind.Application, 3)), Apply(loaded, new Op(leaf, RatchetKind.Application, 3)));
    }

    [Fact]
    public void SavingAClearedTreeIsAProgrammingError()
    {
        var tree = new SecretTree(CipherSuite.Get(1), new byte[32], 4);
        tree.Clear();
        Assert.Throws<InvalidOperationException>(() => Save(tree));
    }

    /// <summary>A hand-written two-leaf tree: header, then the given node-secret presence per node and no ratchets.</summary>
    private static byte[] TwoLeafTree(params bool[] present) => Saved.Save(StateKind.SecretTree, w =>
    {
        w.WriteUInt16(1);
        w.WriteUInt32(2);
        SecretTreeOptions.Default.Save(w);
        w.WriteVector(present, (w2, p) => w2.WriteOptional(p ? Secret.Zero(32) : null, (w3, s) => s.Save(w3)));
        w.WriteVector([false, false], (w2, _) => w2.WriteUInt8(0));
    });

    [Fact]
    public void InconsistentNodeSecretsAreRejected()
    {
        Assert.Equal(2, Load(TwoLeafTree(true, false, true)).RetainedNodeSecretCount); // both children derived: fine
        Assert.Throws<MlsDecodeException>(() => Load(TwoLeafTree(false, false, false))); // nothing to derive from
        Assert.Throws<MlsDecodeException>(() => Load(TwoLeafTree(true, true, false)));   // a parent and its child
        Assert.Throws<MlsDecodeException>(() => Load(TwoLeafTree(false, true)));         // wrong node count
    }
}
