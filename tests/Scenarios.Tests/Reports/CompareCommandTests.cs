using System.Text.Json.Nodes;
using Sim.Scenarios.Reports;
using Sim.Scenarios.Tests.Cli;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>`pairsim compare` on a tiny grid: every file is written, the JSON carries the figures, and bad arguments are refused by name.</summary>
public sealed class CompareCommandTests
{
    [Fact]
    public void A_tiny_comparison_writes_the_report_and_its_figures_tell_the_strategies_apart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pairsim-compare-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, json) = CliRun.Json("compare", "--strategies", "pairmls,statickeys,centralds-malicious", "--r", "0", "--faults", "drop,hostile", "--drop", "0", "--offline-ms", "500",
                "--worlds-per-point", "1", "--messages", "12", "--parity-worlds", "4", "--out", dir, "--parallel", "2", "--results", Path.Combine(dir, "results"));
            Assert.Equal(0, exit);
            // The report also goes to the run's results folder (and nowhere else).
            Assert.True(File.Exists(Path.Combine(dir, "results", "compare", "latest", CompareReport.MarkdownName)));
            Assert.True(File.Exists(Path.Combine(dir, "results", "latest", CompareReport.JsonName)));
            foreach (var f in new[] { CompareReport.MarkdownName, CompareReport.HtmlName, CompareReport.JsonName, CompareHealingChart.Name + ".png", CompareHealingChart.Name + ".svg", CompareWaitingChart.Name + ".png", CompareWaitingChart.Name + ".svg" })
                Assert.True(File.Exists(Path.Combine(dir, f)), $"missing {f}");
            var cells = json["healing"]!.AsArray().Select(n => n!.AsObject()).ToList();
            // One cell per strategy and fault profile; every claimed invariant held on the hostile transport too.
            Assert.Equal(4 * 2, cells.Count);
            Assert.All(cells, c => Assert.Equal(0, (int)c["violated"]!));
            Assert.True(cells.Where(c => (string)c["faults"]! == "hostile").Single(c => (string)c["strategy"]! == "statickeys")["never"]!.GetValue<bool>());
            var healing = cells.Where(c => (string)c["faults"]! == "drop").ToDictionary(o => (string)o["strategy"]!);
            Assert.False((bool)healing["pairmls"]["never"]!);
            Assert.True((bool)healing["statickeys"]["never"]!);
            Assert.True((bool)healing["centralds-malicious"]["never"]!);
            // The R axis: PairMLS with R = 0 as a strategy of its own, after the named ones.
            Assert.False((bool)healing["pairmls-R0"]["never"]!);
            Assert.Equal(["pairmls", "statickeys", "centralds-malicious", "pairmls-R0"], json["metadata"]!.AsArray().Select(n => (string)n!["strategy"]!));
            var md = File.ReadAllText(Path.Combine(dir, CompareReport.MarkdownName));
            Assert.Contains("Made by `pairsim compare --strategies pairmls,statickeys,centralds-malicious --r 0 --faults drop,hostile --drop 0", md, StringComparison.Ordinal);
            Assert.Contains("| pairmls-R0 | PairMLS with R = 0", md, StringComparison.Ordinal);
            Assert.Contains("](pcs-healing.svg)", md, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--strategies", "nope", "--strategies")]
    [InlineData("--drop", "1.5", "--drop")]
    [InlineData("--drop", "x", "--drop")]
    [InlineData("--worlds-per-point", "0", "--worlds-per-point")]
    [InlineData("--r", "-1", "--r")]
    [InlineData("--r", "65", "--r")]
    [InlineData("--r", "0,0", "--r")]
    [InlineData("--r", "x", "--r")]
    [InlineData("--faults", "flood", "--faults")]
    [InlineData("--faults", "drop,drop", "--faults")]
    [InlineData("--strategies", "pairmls-R07", "--strategies")]
    public void Bad_arguments_are_a_usage_error_naming_the_option(string option, string value, string named)
    {
        var (exit, _, error) = CliRun.Invoke("compare", option, value, "--out", Path.Combine(Path.GetTempPath(), "pairsim-compare-never-written"));
        Assert.Equal(Sim.Scenarios.Cli.ExitCodes.Usage, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
