using Sim.Scenarios.Properties;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>`pairsim check`: exit 0 when every invariant held, 1 on a violation (a planted rollback judged by ForkFreedom), 2 when undecidable (a timeout).</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void HonestRunsExitZero()
    {
        var (exit, json) = CliRun.Json("check", "--seed", "3", "--cases", "2");
        Assert.Equal(0, exit);
        Assert.Equal(0, (int)json["exit_code"]!);
        // Every property of the default run (the Recovery property too since the engine recovers), 2 cases each.
        Assert.Equal(10, Invariants.All.Count);
        Assert.Equal(2 * Invariants.All.Count, (int)json["worlds"]!);
        Assert.Empty(json["failures"]!.AsArray());
        Assert.Equal(Invariants.All.Count, json["properties"]!.AsArray().Count);
    }

    [Fact]
    public void APlantedRollbackJudgedByConvergenceExitsOne()
    {
        var rollback = ScenarioCatalog.Named("rollback")!.Scenario.Format();
        var (exit, json) = CliRun.Json("check", "--scenario", rollback, "--property", "Convergence", "--shrink-budget", "20");
        Assert.Equal(1, exit);
        var failure = Assert.Single(json["failures"]!.AsArray())!.AsObject();
        Assert.Equal("Convergence", (string)failure["property"]!);
        Assert.Equal("violated", (string)failure["status"]!);
        Assert.StartsWith("pairsim replay --scenario \"seed=5 ", (string)failure["replay"]!);
        Assert.Null(failure["regenerate"]);
    }

    [Fact]
    public void TheHumanReportPrintsTheFailureWithItsReplayCommand()
    {
        var (exit, output, _) = CliRun.Invoke("check", "--scenario", "rollback", "--property", "Convergence", "--shrink-budget", "0");
        Assert.Equal(1, exit);
        Assert.Contains("Property Convergence FAILED (given scenario)", output);
        Assert.Contains("replay: pairsim replay --scenario \"" + ScenarioCatalog.Named("rollback")!.Scenario.Format() + "\" --property Convergence", output);
        Assert.DoesNotContain("\u001b[", output); // captured output: no colours, no progress bar
    }

    [Fact]
    public void ATimeoutIsUndecidedAndExitsTwo()
    {
        var (exit, json) = CliRun.Json("check", "--cases", "1", "--property", "Parity", "--timeout-seconds", "0.001");
        Assert.Equal(2, exit);
        var failure = Assert.Single(json["failures"]!.AsArray())!.AsObject();
        Assert.Equal("undecided", (string)failure["status"]!);
        Assert.Contains("timed out", (string)failure["detail"]!);
    }

    [Fact]
    public void BadArgumentsAreAUsageErrorWithASentence()
    {
        var (exit, _, error) = CliRun.Invoke("check", "--property", "Nonsense");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("no property Nonsense", error);
    }
}
