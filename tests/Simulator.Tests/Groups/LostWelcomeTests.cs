using Sim.Engine.Multi;
using Sim.Simulator.Groups;

namespace Sim.Simulator.Tests.Groups;

/// <summary>
/// A joiner whose Welcome is lost (the network drops it by rule): with the recovery it gets in and every
/// checker holds; without it, one_state names the joiner and its leaf. Send groups lose every Welcome of
/// the safety phase (one owner's alone is made good by the others', whose groups show the joiner that owner).
/// </summary>
public sealed class LostWelcomeTests
{
    private static GroupWorldOptions World(MultiStrategy strategy, bool recover = true)
    {
        var options = GroupWorldKit.LostWelcome(strategy, welcomes: strategy == MultiStrategy.SendGroups ? 1_000 : 1);
        return options with { Member = options.Member with { RecoverLostWelcome = recover } };
    }

    private static GroupTraceEvent FinalState(GroupWorldResult result, string member) =>
        GroupChecks.FinalStates(result.Trace).Single(s => s.Member == member);

    [Theory]
    [InlineData(MultiStrategy.Sequenced)]
    [InlineData(MultiStrategy.Uncoordinated)]
    [InlineData(MultiStrategy.SendGroups)]
    [InlineData(MultiStrategy.Retention)]
    public void A_joiner_whose_welcome_was_lost_gets_in_and_the_group_ends_in_one_state(MultiStrategy strategy)
    {
        var result = GroupWorld.Run(World(strategy));
        Assert.Contains(result.Trace.Events, e => e.Kind == GroupTraceKind.Fault && e.Peer == "x" && e.Detail?.StartsWith("rule=", StringComparison.Ordinal) == true);
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, v.ToString()));
        Assert.True(result.Converged);
        Assert.True(GroupChecks.IsMemberAtEnd(FinalState(result, "x")));
        Assert.Contains("x", FinalState(result, "m0").MemberList);
        // How it got in: the external commit resyncing its unused leaf, or a Welcome it asked for (a re-add, or the sequencer's log).
        string how = strategy is MultiStrategy.Uncoordinated or MultiStrategy.Retention ? "external:x" : "welcome:";
        Assert.Contains(result.Trace.Events, e => e.Kind == GroupTraceKind.Epoch && e.Member == "x" && e.Detail?.StartsWith(how, StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData(MultiStrategy.Sequenced)]
    [InlineData(MultiStrategy.Uncoordinated)]
    [InlineData(MultiStrategy.SendGroups)]
    [InlineData(MultiStrategy.Retention)]
    public void Without_the_recovery_one_state_names_the_joiner_and_its_leaf(MultiStrategy strategy)
    {
        var result = GroupWorld.Run(World(strategy, recover: false));
        var v = new OneStateChecker().Check(result.Trace);
        Assert.False(v.Passed);
        Assert.Contains(v.Violations, x => x.StartsWith("x has leaf ", StringComparison.Ordinal) && x.Contains("holds no state of it", StringComparison.Ordinal));
        Assert.False(result.Converged);
        Assert.False(GroupChecks.IsMemberAtEnd(FinalState(result, "x")));
    }
}
