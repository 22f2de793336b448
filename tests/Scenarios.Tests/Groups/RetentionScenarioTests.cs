using Sim.Engine.Multi;
using Sim.Scenarios.Catalog;
using Sim.Simulator.Groups;

namespace Sim.Scenarios.Tests.Groups;

/// <summary>The retention strategy (GROUPS.md strategy 4) on every named scenario at small N: every checker holds; the CLI takes it.</summary>
public sealed class RetentionScenarioTests
{
    private static GroupMetrics Run(GroupScenarioParams p)
    {
        var result = GroupWorld.Run(GroupScenarios.Build(p));
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, $"{p}: {v}"));
        return GroupMetrics.From(result);
    }

    [Theory]
    [InlineData("race", 3)]
    [InlineData("netsplit", 4)]
    [InlineData("flaky", 4)]
    [InlineData("churn", 4)]
    public void Every_named_scenario_holds_every_invariant_with_retention(string scenario, int members)
    {
        var m = Run(new GroupScenarioParams { Scenario = scenario, Strategy = MultiStrategy.Retention, Members = members, Messages = 10, PartitionMs = 1_500, Loss = scenario == "churn" ? 0.05 : 0 });
        Assert.True(m.Converged);
        Assert.Equal("Retention", m.Strategy);
    }

    [Fact]
    public void Netsplit_with_retention_loses_far_fewer_than_uncoordinated_with_key_share_off()
    {
        GroupScenarioParams P(MultiStrategy s) => new() { Scenario = "netsplit", Strategy = s, Members = 4, Messages = 16, PartitionMs = 1_500, KeyShare = KeySharePolicy.Off };
        var retention = Run(P(MultiStrategy.Retention));
        var plain = Run(P(MultiStrategy.Uncoordinated));
        Assert.True(plain.MessagesLost > 0);
        Assert.True(retention.MessagesLost * 4 <= plain.MessagesLost, $"retention lost {retention.MessagesLost}, uncoordinated {plain.MessagesLost}");
        Assert.True(retention.RetainedStatesMax > 0 || retention.RetainedExposureMs > 0);
    }

    [Fact]
    public void The_cli_runs_retention_and_replays_its_window()
    {
        var (exit, output, error) = Cli.CliRun.Invoke("groups", "--scenario", "race", "--strategy", "retention", "--messages", "6", "--partition-ms", "800", "--retention-ms", "5000");
        Assert.True(exit == 0, error);
        Assert.Contains("one_state: ok", output);
        Assert.Contains("--strategy retention --partition-ms 800 --loss 0 --messages 6 --key-share on --retained 2 --retention-ms 5000", output);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("600001")]
    [InlineData("soon")]
    public void A_bad_retention_window_is_a_usage_error_naming_it(string value)
    {
        var (exit, _, error) = Cli.CliRun.Invoke("groups", "--strategy", "retention", "--retention-ms", value);
        Assert.Equal(Sim.Scenarios.Cli.ExitCodes.Usage, exit);
        Assert.Contains(value, error);
    }
}
