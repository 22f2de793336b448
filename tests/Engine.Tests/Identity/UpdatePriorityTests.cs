using Sim.Engine.Identity;

namespace Sim.Engine.Tests.Identity;

/// <summary>PAIRMLS.md: identity update &gt; agent update &gt; leaf update; among one rank the newest wins.</summary>
public sealed class UpdatePriorityTests
{
    [Fact]
    public void RankOrdersIdentityOverAgentOverLeaf()
    {
        Assert.True(UpdateKind.Identity.Rank() > UpdateKind.Agent.Rank());
        Assert.True(UpdateKind.Agent.Rank() > UpdateKind.Leaf.Rank());
        // Rank beats recency: an old identity update wins over a newer agent or leaf update.
        var ordered = new[] { new UpdatePriority(UpdateKind.Leaf, 9), new UpdatePriority(UpdateKind.Identity, 1), new UpdatePriority(UpdateKind.Agent, 5) }
            .Order(UpdatePriority.BestFirst).Select(p => p.Kind);
        Assert.Equal([UpdateKind.Identity, UpdateKind.Agent, UpdateKind.Leaf], ordered);
    }

    [Fact]
    public void NewestWinsWithinARank()
    {
        var ordered = new[] { new UpdatePriority(UpdateKind.Identity, 3), new UpdatePriority(UpdateKind.Identity, 7), new UpdatePriority(UpdateKind.Identity, 5) }
            .Order(UpdatePriority.BestFirst).Select(p => p.Sequence);
        Assert.Equal([7ul, 5ul, 3ul], ordered);
        Assert.True(new UpdatePriority(UpdateKind.Leaf, 2).Beats(new UpdatePriority(UpdateKind.Leaf, 1)));
        Assert.False(new UpdatePriority(UpdateKind.Leaf, 1).Beats(new UpdatePriority(UpdateKind.Leaf, 1)));
    }

    [Fact]
    public void BestPicksTheWinningProposal()
    {
        var proposals = new[] { ("leaf", UpdateKind.Leaf, 4ul), ("card-1", UpdateKind.Identity, 1ul), ("card-2", UpdateKind.Identity, 2ul), ("agent", UpdateKind.Agent, 3ul) };
        Assert.Equal("card-2", UpdatePriority.Best(proposals, p => new UpdatePriority(p.Item2, p.Item3)).Item1);
        Assert.Null(UpdatePriority.Best(Array.Empty<string>(), _ => default));
    }
}
