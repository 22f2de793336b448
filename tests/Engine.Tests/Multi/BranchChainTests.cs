using Sim.Engine.Multi;

namespace Sim.Engine.Tests.Multi;

/// <summary>The canonical-branch rule: at the fork point the lower commit hash wins, for every member alike.</summary>
public sealed class BranchChainTests
{
    private static byte[] H(byte b) => [b, 0, 0];

    [Fact]
    public void Prefixes_are_the_same_branch_behind_or_ahead()
    {
        var a = new BranchChain([H(1), H(2)]);
        var b = a.Extend(H(3));
        Assert.Equal(ChainRelation.Behind, a.Compare(b));
        Assert.Equal(ChainRelation.Ahead, b.Compare(a));
        Assert.Equal(ChainRelation.Same, a.Compare(new BranchChain([H(1), H(2)])));
        Assert.Equal(2UL, a.ForkPoint(b));
    }

    [Fact]
    public void At_the_fork_point_the_lower_hash_wins_whatever_comes_after()
    {
        var low = new BranchChain([H(1), H(5)]);
        var high = new BranchChain([H(1), H(9), H(0), H(0), H(0)]);
        Assert.Equal(ChainRelation.ForkWeWin, low.Compare(high));
        Assert.Equal(ChainRelation.ForkTheyWin, high.Compare(low));
        Assert.Equal(1UL, low.ForkPoint(high));
        // The winner keeps winning as it grows.
        Assert.Equal(ChainRelation.ForkWeWin, low.Extend(H(255)).Compare(high));
    }

    [Fact]
    public void Every_pair_of_chains_is_ordered_alike_from_both_sides()
    {
        var random = new Sim.Engine.Crypto.DeterministicRandomSource(3, "chains");
        var chains = Enumerable.Range(0, 30).Select(_ => new BranchChain(Enumerable.Range(0, 1 + (int)Sim.Engine.Crypto.RandomSourceExtensions.NextUInt64(random, 4))
            .Select(_ => new[] { (byte)Sim.Engine.Crypto.RandomSourceExtensions.NextUInt64(random, 3) }))).ToList();
        foreach (var a in chains)
            foreach (var b in chains)
            {
                var ab = a.Compare(b);
                var ba = b.Compare(a);
                var mirror = ab switch
                {
                    ChainRelation.Same => ChainRelation.Same,
                    ChainRelation.Behind => ChainRelation.Ahead,
                    ChainRelation.Ahead => ChainRelation.Behind,
                    ChainRelation.ForkWeWin => ChainRelation.ForkTheyWin,
                    _ => ChainRelation.ForkWeWin,
                };
                Assert.Equal(mirror, ba);
            }
    }
}
