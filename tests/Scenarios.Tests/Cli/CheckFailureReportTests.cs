using System.Text.Json.Nodes;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>`check` writes each failing world's spacetime diagram and epoch timeline into its results folder (and into --report DIR); a held run writes none.</summary>
public sealed class CheckFailureReportTests
{
    [Fact]
    public void AViolationGetsItsWorldReportInTheResultsFolderAndInReportDir()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-failrep-{Guid.NewGuid():N}");
        var reportDir = Path.Combine(root, "given");
        try
        {
            var (exit, json) = CliRun.Json("check", "--scenario", "rollback", "--property", "ForkFreedom", "--shrink-budget", "0", "--results", Path.Combine(root, "results"), "--report", reportDir);
            Assert.Equal(ExitCodes.Violation, exit);
            var failure = json["failures"]!.AsArray()[0]!.AsObject();
            string name = "ForkFreedom-case0";
            foreach (var dir in new[] { Path.Combine(root, "results", "check", "latest", "failures", name), Path.Combine(reportDir, name) })
            {
                foreach (var file in new[] { WorldReportFiles.HtmlName, WorldReportFiles.TraceName, "spacetime.svg", "spacetime.png", "epoch-lag.png" })
                    Assert.True(File.Exists(Path.Combine(dir, file)), $"{dir}/{file} missing");
                var html = File.ReadAllText(Path.Combine(dir, WorldReportFiles.HtmlName));
                // The world drawn is the failing one: its replay command and its trace hash.
                Assert.Contains(System.Net.WebUtility.HtmlEncode((string)failure["replay"]!), html, StringComparison.Ordinal);
                Assert.Contains((string)failure["trace_hash"]!, html, StringComparison.Ordinal);
                Assert.Contains("FAILED", html, StringComparison.Ordinal);
                var svg = File.ReadAllText(Path.Combine(dir, "spacetime.svg"));
                Assert.Contains("<title>datagram ", svg, StringComparison.Ordinal);
            }
            Assert.Equal(2, json["failure_reports"]!.AsArray().Count);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void AHeldRunWritesNoWorldReport()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-failrep-{Guid.NewGuid():N}");
        try
        {
            var (exit, json) = CliRun.Json("check", "--scenario", "calm", "--property", "Parity", "--results", root);
            Assert.Equal(ExitCodes.Held, exit);
            Assert.Empty(json["failure_reports"]!.AsArray());
            Assert.False(Directory.Exists(Path.Combine(root, "check", "latest", "failures")));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void TheSpacetimeDiagramScalesWithTheWorld()
    {
        static IReadOnlyList<DatagramFlight> Flights(int n) =>
            Enumerable.Range(0, n).Select(i => new DatagramFlight("alice", "bob", $"d{i}", i * 10, i * 10 + 5, FlightKind.InOrder, "Delivered", false)).ToList();
        Assert.Equal(SpacetimeSvg.MinWidth, SpacetimeSvg.WidthFor(Flights(3)));
        Assert.True(SpacetimeSvg.WidthFor(Flights(200)) > SpacetimeSvg.WidthFor(Flights(100)));
        Assert.Equal(SpacetimeSvg.MaxWidth, SpacetimeSvg.WidthFor(Flights(100_000)));
        var svg = SpacetimeSvg.Render("t", Flights(100), EpochSeries.From([]), [], 1000);
        Assert.Contains($"width=\"{SpacetimeSvg.WidthFor(Flights(100))}\"", svg, StringComparison.Ordinal);
    }
}
