using Sim.Scenarios.Cli;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>One scenario form everywhere: a sweep world is a scenario (settle time included), and its printed replay command reproduces it exactly.</summary>
public sealed class ScenarioFormTests
{
    [Fact]
    public void SettleTimeIsPartOfTheScenarioText()
    {
        var s = Scenario.Parse("seed=3 r=1 suite=1 settle=500 send(bob,32)");
        Assert.Equal(500, s.SettleMs);
        Assert.Contains("settle=500", s.Format(), StringComparison.Ordinal);
        Assert.Equal(s, Scenario.Parse(s.Format()));
        Assert.NotEqual(s, s with { SettleMs = 501 });
        Assert.Equal(500, s.ToWorldOptions().SettleMs);
        Assert.DoesNotContain("settle=", Scenario.Parse("seed=3 send(bob,32)").Format(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASweepWorldsReplayCommandReproducesItsTraceHash()
    {
        var point = new SweepPoint(0.3, 0.2, 0.3, 300, 1);
        var scenario = SweepWorkload.Scenario(point, 12345, 8);
        Assert.Contains("settle=500", scenario.Format(), StringComparison.Ordinal);
        var result = await new Sim.Simulator.World(SweepWorkload.Options(point, 12345, 8)).RunAsync();
        var world = new SweepWorld(point, 0, scenario, WorldMetrics.Of(result));
        var command = SweepCommand.ReplayCommand(world);
        Assert.Contains($"--expect-hash {result.TraceHash}", command, StringComparison.Ordinal);
        // Run the printed command as printed (without the leading "pairsim").
        var args = Tokens(command).Skip(1).ToArray();
        var (exit, output, error) = CliRun.Invoke(args);
        Assert.True(exit is ExitCodes.Held or ExitCodes.Violation, $"exit {exit}: {error}");
        Assert.Contains("trace hash matches the expected hash", output, StringComparison.Ordinal);
    }

    /// <summary>Splits a printed command line like a POSIX shell would for the quoting the CLI prints (double quotes, no escapes inside).</summary>
    internal static IEnumerable<string> Tokens(string line)
    {
        var current = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (c == ' ' && !quoted)
            {
                if (any) yield return current.ToString();
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
            any = true;
        }
        if (any) yield return current.ToString();
    }
}
