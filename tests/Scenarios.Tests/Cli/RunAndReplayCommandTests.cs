using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Properties;
using Sim.Simulator.Checks;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>`pairsim run` and `pairsim replay`: a trace file that re-checks to the same verdicts, and replays with the same trace hash.</summary>
public sealed class RunAndReplayCommandTests
{
    [Fact]
    public void RunWritesJsonLinesThatRecheckToTheSameVerdicts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (exit, json) = CliRun.Json("run", "hostile", "--trace", path);
            Assert.Equal(0, exit);
            var printed = json["verdicts"]!.AsArray().Select(v => ((string)v!["property"]!, (bool)v["held"]!, (string)v["detail"]!)).ToList();
            var rechecked = Checkers.RunFile(path);
            Assert.Equal(Checkers.All.Count, rechecked.Count);
            // A property's verdict is its checker's, followed by the Liveness verdict where the property judges that too.
            foreach (var v in rechecked) Assert.Contains(printed, p => p.Item1 == v.Name && p.Item2 == v.Passed && p.Item3.StartsWith(v.Detail, StringComparison.Ordinal));
            Assert.Equal((string)json["trace_hash"]!, Sha256Hex(File.ReadAllBytes(path)));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ReplayReproducesTheTraceHashOfTheOriginalRun()
    {
        var text = ScenarioCatalog.Named("lossy")!.Scenario.Format();
        var (_, run) = CliRun.Json("run", "--scenario", text);
        var (exit, replay) = CliRun.Json("replay", "--scenario", text, "--expect-hash", (string)run["trace_hash"]!);
        Assert.Equal(0, exit);
        Assert.Equal((string)run["trace_hash"]!, (string)replay["trace_hash"]!);
        Assert.True((bool)replay["expected_hash_matches"]!);
    }

    [Fact]
    public async Task TheHashAFailurePrintsIsTheHashReplayReproduces()
    {
        var rollback = ScenarioCatalog.Named("rollback")!.Scenario;
        var outcome = await PropertyRunner.EvaluateAsync(Invariants.Convergence, rollback, null, TimeSpan.FromMinutes(2));
        Assert.Equal(CaseStatus.Violated, outcome.Status);
        var (exit, replay) = CliRun.Json("replay", "--scenario", rollback.Format(), "--property", "Convergence", "--expect-hash", outcome.TraceHash!);
        Assert.Equal(1, exit);
        Assert.True((bool)replay["expected_hash_matches"]!);
    }

    [Fact]
    public void ReplayBySeedAndCaseRegeneratesTheCase()
    {
        var scenario = PropertyRunner.Generate(Invariants.Integrity, 77, 5);
        var (_, run) = CliRun.Json("run", "--scenario", scenario.Format());
        var (exit, replay) = CliRun.Json("replay", "--seed", "77", "--case", "5", "--property", "Integrity");
        Assert.Equal(0, exit);
        Assert.Equal(scenario.Format(), (string)replay["scenario"]!);
        Assert.Equal((string)run["trace_hash"]!, (string)replay["trace_hash"]!);
    }

    [Fact]
    public void ReplayOfAViolationExitsOneAndAWrongHashTwo()
    {
        Assert.Equal(1, CliRun.Invoke("replay", "--scenario", "rollback", "--property", "Convergence").Exit);
        Assert.Equal(0, CliRun.Invoke("replay", "--scenario", "rollback", "--property", "Parity").Exit);
        Assert.Equal(ExitCodes.Undecided, CliRun.Invoke("replay", "--scenario", "calm", "--expect-hash", new string('0', 64)).Exit);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("replay", "--scenario", "calm", "--expect-hash", "00").Exit);
    }

    [Fact]
    public void RunReadsAScenarioFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(path, "# a calm exchange\n" + ScenarioCatalog.Named("calm")!.Scenario.Format() + "\n");
            var (exit, output, _) = CliRun.Invoke("run", "--file", path);
            Assert.Equal(0, exit);
            Assert.Contains("trace hash", output);
            Assert.Contains("Convergence", output);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    [InlineData("replay")]
    public void EveryCommandHasHelp(string command)
    {
        var (exit, output, _) = CliRun.Invoke(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output);
        Assert.Contains("--json", output);
    }

    [Fact]
    public void UnknownScenarioNamesAreAUsageError()
    {
        var (exit, _, error) = CliRun.Invoke("run", "nowhere");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("neither a catalog scenario", error);
    }

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
}
