using Sim.Engine.Multi;
using Sim.Simulator.Groups;

namespace Sim.Simulator.Tests.Groups;

/// <summary>A joiner whose Welcome is lost: one_state judges every leaf of the converged tree, and the joiner gets in.</summary>
public sealed class LostWelcomeTests
{
    [Theory]
    [InlineData(MultiStrategy.Sequenced)]
    [InlineData(MultiStrategy.Uncoordinated)]
    [InlineData(MultiStrategy.SendGroups)]
    [InlineData(MultiStrategy.Retention)]
    public void Lost_welcome_world(MultiStrategy strategy)
    {
        var result = GroupWorld.Run(GroupWorldKit.LostWelcome(strategy));
        Assert.Contains(result.Trace.Events, e => e.Kind == GroupTraceKind.Fault && e.Peer == "x" && e.Detail?.StartsWith("rule=") == true);
        var v = new OneStateChecker().Check(result.Trace);
        Assert.True(v.Passed, v.ToString());
    }
}
