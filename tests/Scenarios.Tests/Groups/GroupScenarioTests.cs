using Sim.Engine.Multi;
using Sim.Scenarios.Catalog;
using Sim.Simulator.Groups;

namespace Sim.Scenarios.Tests.Groups;

/// <summary>The named group scenarios of GROUPS.md at small N: every invariant holds, and each shows what it is for.</summary>
public sealed class GroupScenarioTests
{
    private static (GroupWorldResult Result, GroupMetrics Metrics) Run(GroupScenarioParams p)
    {
        var result = GroupWorld.Run(GroupScenarios.Build(p));
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, $"{p}: {v}"));
        return (result, GroupMetrics.From(result));
    }

    [Fact]
    public void Race_uncoordinated_forks_and_heals_with_all_five_members()
    {
        var (result, m) = Run(new GroupScenarioParams { Scenario = "race", Messages = 10, PartitionMs = 1_500 });
        Assert.True(m.ForksCreated >= 1 && m.ForksDetected >= 1 && m.ForksHealed == m.ForksCreated);
        var final = GroupChecks.FinalStates(result.Trace).Where(GroupChecks.IsMemberAtEnd).ToList();
        Assert.Equal(5, final.Count);
        Assert.Equal(["a", "b", "c", "d", "e"], final[0].MemberList.Order());
        Assert.Contains(result.Trace.Events, e => e.Kind == GroupTraceKind.Repropose);
    }

    [Fact]
    public void Race_sequenced_never_forks()
    {
        var (_, m) = Run(new GroupScenarioParams { Scenario = "race", Strategy = MultiStrategy.Sequenced, Messages = 10, PartitionMs = 1_500 });
        Assert.Equal(0, m.ForksCreated);
        Assert.True(m.Converged);
    }

    [Fact]
    public void Send_groups_race_and_churn_spread_adds_and_removes_without_forks()
    {
        var (result, m) = Run(new GroupScenarioParams { Scenario = "race", Strategy = MultiStrategy.SendGroups, Messages = 10, PartitionMs = 1_500 });
        Assert.Equal(0, m.ForksCreated);
        Assert.Equal(["a", "b", "c", "d", "e"], GroupChecks.FinalStates(result.Trace).First(GroupChecks.IsMemberAtEnd).MemberList);
        var (churn, _) = Run(new GroupScenarioParams { Scenario = "churn", Strategy = MultiStrategy.SendGroups, Members = 4, Messages = 10, Loss = 0.05 });
        var final = GroupChecks.FinalStates(churn.Trace).First(GroupChecks.IsMemberAtEnd);
        Assert.Contains("x1", final.MemberList);
        Assert.DoesNotContain("m03", final.MemberList);
    }

    [Fact]
    public void Send_groups_netsplit_and_flaky_read_every_message_by_MLS()
    {
        var (_, m) = Run(new GroupScenarioParams { Scenario = "netsplit", Strategy = MultiStrategy.SendGroups, Members = 6, Messages = 20, PartitionMs = 2_000 });
        Assert.Equal(0, m.MessagesLost);
        Assert.Equal(0, m.ForksCreated);
        var (_, f) = Run(new GroupScenarioParams { Scenario = "flaky", Strategy = MultiStrategy.SendGroups, Members = 4, Messages = 10, PartitionMs = 1_500, PskImportMs = 200 });
        Assert.True(f.Converged);
    }

    [Fact]
    public void Netsplit_loses_the_other_halfs_messages_and_key_share_recovers_them()
    {
        var (_, m) = Run(new GroupScenarioParams { Scenario = "netsplit", Members = 6, Messages = 20, PartitionMs = 2_000 });
        Assert.True(m.MessagesLost > 0);
        Assert.Equal(m.MessagesLost, m.MessagesRecovered);
        Assert.True(m.ForksCreated >= 1);
    }

    [Fact]
    public void Flaky_and_churn_end_in_one_state()
    {
        Run(new GroupScenarioParams { Scenario = "flaky", Members = 4, Messages = 10, PartitionMs = 1_500 });
        var (result, _) = Run(new GroupScenarioParams { Scenario = "churn", Members = 4, Messages = 10, Loss = 0.05 });
        var final = GroupChecks.FinalStates(result.Trace).First(GroupChecks.IsMemberAtEnd);
        Assert.Contains("x1", final.MemberList);
        Assert.DoesNotContain("m03", final.MemberList);
    }

    [Fact]
    public void Same_parameters_same_trace_hash()
    {
        var p = new GroupScenarioParams { Scenario = "netsplit", Members = 4, Messages = 8, PartitionMs = 800, Loss = 0.1 };
        Assert.Equal(GroupWorld.Run(GroupScenarios.Build(p)).TraceHash, GroupWorld.Run(GroupScenarios.Build(p)).TraceHash);
    }

    [Theory]
    [InlineData("--members", "2")]
    [InlineData("--members", "65")]
    [InlineData("--loss", "1")]
    [InlineData("--strategy", "gossip")]
    [InlineData("--scenario", "nope")]
    [InlineData("--key-share", "maybe")]
    [InlineData("--partition-ms", "-5")]
    [InlineData("--psk-import-ms", "-1")]
    public void Bad_values_are_usage_errors_naming_them(string option, string value)
    {
        var (exit, _, error) = Cli.CliRun.Invoke("groups", option, value);
        Assert.Equal(Sim.Scenarios.Cli.ExitCodes.Usage, exit);
        Assert.Contains(value.TrimStart('-'), error);
    }
}
