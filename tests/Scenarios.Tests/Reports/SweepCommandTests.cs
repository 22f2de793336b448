using System.Text.RegularExpressions;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>`pairsim sweep`: a tiny grid writes every file of the report, the reports link only to files that exist, and bad grids are refused.</summary>
public sealed partial class SweepCommandTests(TinySweepFixture sweep) : IClassFixture<TinySweepFixture>
{
    private static readonly string[] Charts = [ConvergenceChart.Name, DecryptabilityChart.Name, EpochLagChart.Name, SpacetimeChart.Name];

    [Fact]
    public void SweepOnATinyGridWritesEveryFile()
    {
        Assert.Equal(0, sweep.ExitCode);
        var expected = Charts.SelectMany(c => new[] { c + ".png", c + ".svg" })
            .Concat([SweepReport.MarkdownName, SweepReport.HtmlName, SweepReport.SampleTraceName]).Order().ToList();
        Assert.Equal(expected, Directory.GetFiles(sweep.Directory).Select(f => Path.GetFileName(f)).Order().ToList());
        foreach (var chart in Charts)
        {
            var png = File.ReadAllBytes(sweep.PathOf(chart + ".png"));
            Assert.True(png.Length > 5_000, $"{chart}.png is only {png.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Contains("<svg", File.ReadAllText(sweep.PathOf(chart + ".svg")), StringComparison.Ordinal);
        }
        Assert.NotEmpty(File.ReadAllLines(sweep.PathOf(SweepReport.SampleTraceName)));
    }

    [Fact]
    public void MarkdownEmbedsEveryChartAndLinksOnlyToFilesThatExist()
    {
        var md = File.ReadAllText(sweep.PathOf(SweepReport.MarkdownName));
        var links = MarkdownLink().Matches(md).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.True(File.Exists(sweep.PathOf(l)), $"README.md links to missing {l}"));
        foreach (var chart in Charts)
        {
            Assert.Contains($"]({chart}.png)", md, StringComparison.Ordinal);
            Assert.Contains($"]({chart}.svg)", md, StringComparison.Ordinal);
        }
        Assert.Contains("How to read it.", md, StringComparison.Ordinal);
        Assert.Contains(SweepCommand.CommandLine(TinySweepFixture.Grid, sweep.Directory), md, StringComparison.Ordinal);
        // One table row per grid point, each with the invariant verdicts.
        Assert.Equal(TinySweepFixture.Grid.Points().Count, TableRows(md).Count);
    }

    [Fact]
    public void HtmlEmbedsEveryChartAndLinksOnlyToFilesThatExist()
    {
        var html = File.ReadAllText(sweep.PathOf(SweepReport.HtmlName));
        var refs = HtmlRef().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.All(refs, r => Assert.True(File.Exists(sweep.PathOf(r)), $"report.html refers to missing {r}"));
        foreach (var chart in Charts)
            Assert.Contains(chart == SpacetimeChart.Name ? $"<object data=\"{chart}.svg\"" : $"<img src=\"{chart}.svg\"", html, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Matches(html, "How to read it.").Count);
    }

    [Theory]
    [InlineData("--drop", "0,1.5")]
    [InlineData("--retention", "-1")]
    [InlineData("--worlds-per-point", "0")]
    public void AnImpossibleGridIsAUsageError(string option, string value) =>
        Assert.Equal(ExitCodes.Usage, Sim.Scenarios.Tests.Cli.CliRun.Invoke("sweep", option, value).Exit);

    [Fact]
    public void ANonNumberInAListIsAParseError()
    {
        var parse = PairsimCli.Build().Parse(["sweep", "--drop", "0,lots"]);
        Assert.Contains(parse.Errors, e => e.Message.Contains("'lots' is not a number", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Usage, Sim.Scenarios.Tests.Cli.CliRun.Invoke("sweep", "--drop", "0,lots").Exit);
    }

    [Fact]
    public void HelpNamesEveryGridOption()
    {
        var output = new StringWriter();
        Assert.Equal(0, PairsimCli.Build().Parse(["sweep", "--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output }));
        foreach (var option in new[] { "--drop", "--duplicate", "--reorder", "--partition-ms", "--retention", "--worlds-per-point", "--messages", "--seed", "--out", "--json" })
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
    }

    internal static List<string> TableRows(string markdown) =>
        markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| drop |", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex HtmlRef();
}
