using Sim.Scenarios.Properties;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>Every exit code of <see cref="ExitCodes"/> from a real command line, and no stack trace for any user error.</summary>
public sealed class ExitCodeTests
{
    /// <summary>A path no one can write, even root: its parent is a regular file.</summary>
    private static string Unwritable()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pairsim-file-{Guid.NewGuid():N}");
        File.WriteAllText(file, "");
        return Path.Combine(file, "out.xml");
    }

    private static void NoStackTrace(string error) => Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

    [Fact]
    public void HeldIsZero() => Assert.Equal(ExitCodes.Held, CliRun.Invoke("check", "--scenario", "calm", "--property", "Parity").Exit);

    [Fact]
    public void AViolationIsOne() => Assert.Equal(ExitCodes.Violation, CliRun.Invoke("check", "--scenario", "rollback", "--property", "Convergence", "--shrink-budget", "0").Exit);

    [Fact]
    public void UndecidedIsTwo() => Assert.Equal(ExitCodes.Undecided, CliRun.Invoke("check", "--cases", "1", "--property", "Parity", "--timeout-seconds", "0.001").Exit);

    [Theory]
    [InlineData("check", "--no-such-option")]
    [InlineData("check", "--cases", "0")]
    [InlineData("check", "--cases", "many")]
    [InlineData("check", "--timeout-seconds", "-1")]
    [InlineData("check", "--scenario", "seed=1 bogus=2")]
    [InlineData("replay", "--scenario", "seed=x")]
    [InlineData("replay")]
    [InlineData("sweep", "--retention", "-1")]
    [InlineData("suites", "--iterations", "0")]
    [InlineData("frobnicate")]
    [InlineData("groups", "--members", "2")]
    [InlineData("groups", "--scenario", "nope")]
    [InlineData("groups", "--loss", "1.5")]
    [InlineData("groups", "--messages", "many")]
    [InlineData("groups", "--key-share", "maybe")]
    [InlineData("groups", "--members", "3,4", "--trace", "grid.jsonl")]
    [InlineData("compare", "--drop", "1.5")]
    [InlineData("compare", "--parallel", "0")]
    public void AUsageErrorIs64AndNamesTheProblem(params string[] args)
    {
        var (exit, output, error) = CliRun.Invoke(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("pairsim: ", error, StringComparison.Ordinal);
        NoStackTrace(error + output);
    }

    [Fact]
    public void AnUnwritableJUnitFileIs74BeforeAnyWorldRuns()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output, error) = CliRun.Invoke("check", "--cases", "1000", "--junit", Unwritable());
        Assert.Equal(ExitCodes.InputOutput, exit);
        Assert.Contains("cannot write --junit", error, StringComparison.Ordinal);
        Assert.Empty(output); // nothing ran
        NoStackTrace(error);
    }

    [Fact]
    public void AnUnwritableResultsRootOrTraceIs74()
    {
        var (exit, _, error) = CliRun.Invoke("check", "--cases", "1000", "--results", Unwritable());
        Assert.Equal(ExitCodes.InputOutput, exit);
        Assert.Contains("results folder", error, StringComparison.Ordinal);
        NoStackTrace(error);
        (exit, _, error) = CliRun.Invoke("run", "calm", "--trace", Unwritable());
        Assert.Equal(ExitCodes.InputOutput, exit);
        NoStackTrace(error);
        (exit, _, error) = CliRun.Invoke("sweep", "--out", Unwritable());
        Assert.Equal(ExitCodes.InputOutput, exit);
        NoStackTrace(error);
    }

    [Fact]
    public void GroupsAndCompareCheckTheirOutputsBeforeAnyWorldRuns()
    {
        foreach (var args in new[]
        {
            new[] { "groups", "--members", "3,4", "--messages", "1000", "--out", Unwritable() },
            ["groups", "--members", "3", "--messages", "1000", "--trace", Unwritable()],
            ["groups", "--members", "3,4", "--messages", "1000", "--results", Unwritable()],
            ["compare", "--out", Unwritable()],
            ["compare", "--results", Unwritable()],
        })
        {
            var (exit, output, error) = CliRun.Invoke(args);
            Assert.True(exit == ExitCodes.InputOutput, $"{string.Join(' ', args)} exited {exit}: {error}");
            Assert.StartsWith("pairsim: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain("worlds", output, StringComparison.Ordinal); // nothing ran
            NoStackTrace(error);
        }
    }

    [Fact]
    public void AnUnreadableScenarioFileIs74()
    {
        var (exit, _, error) = CliRun.Invoke("check", "--scenario", "@" + Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.txt"));
        Assert.Equal(ExitCodes.InputOutput, exit);
        Assert.Contains("cannot read scenario file", error, StringComparison.Ordinal);
        NoStackTrace(error);
    }

    [Fact]
    public void AtFileReachesTheCommandAndTwoScenarioLinesAreRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.txt");
        try
        {
            var calm = ScenarioCatalog.Named("calm")!.Scenario.Format();
            File.WriteAllText(path, $"# one scenario\n\n{calm}\n");
            Assert.Equal(ExitCodes.Held, CliRun.Invoke("check", "--scenario", "@" + path, "--property", "Parity").Exit);
            File.WriteAllText(path, $"{calm}\n# a comment\n{calm}\n");
            var (exit, _, error) = CliRun.Invoke("check", "--scenario", "@" + path);
            Assert.Equal(ExitCodes.Usage, exit);
            Assert.Contains("holds 2 scenario lines (lines 1, 3)", error, StringComparison.Ordinal);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void InterruptedIs130AndKeepsWhatWasDone()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-int-{Guid.NewGuid():N}");
        var (exit, _, error) = CliRun.Invoke(cancel.Token, "check", "--cases", "50", "--results", root);
        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.Matches($@"interrupted after \d+ of {50 * Invariants.All.Count} worlds", error);
        Assert.True(File.Exists(Path.Combine(root, "latest", "cases.jsonl")));
        Assert.True(File.Exists(Path.Combine(root, "latest", "summary.json")));
    }

    [Fact]
    public void HelpListsTheExitCodes()
    {
        foreach (var command in new[] { "check", "sweep", "run", "replay", "suites", "groups", "compare" })
        {
            var (exit, output, _) = CliRun.Invoke(command, "--help");
            Assert.Equal(ExitCodes.Held, exit);
            Assert.Contains("64 usage error", output, StringComparison.Ordinal);
            Assert.Contains("74 input/output error", output, StringComparison.Ordinal);
        }
    }
}
