using ScottPlot;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>
/// ScottPlot draws no text on a machine without fonts: the report ships DejaVu Sans and registers it.
/// These tests show the charts carry text: a title changes the rendered pixels, and the SVGs name the
/// shipped font on their text.
/// </summary>
public sealed class ChartTextTests(TinySweepFixture sweep) : IClassFixture<TinySweepFixture>
{
    [Fact]
    public void TheFontShipsBesideTheBinaryAndIsTheDefault()
    {
        Assert.True(File.Exists(ReportFonts.FontPath), ReportFonts.FontPath);
        ReportFonts.Register();
        Assert.Equal(ReportFonts.Family, Fonts.Default);
    }

    [Fact]
    public void ATitleChangesTheRenderedPixels()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"pairsim-font-{Guid.NewGuid():N}");
        try
        {
            byte[] Render(string title)
            {
                var plot = ChartFile.NewPlot(title, "", "");
                plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 });
                var file = ChartFile.Save(plot, dir, title.Length == 0 ? "untitled" : "titled", title, 400, 300);
                return File.ReadAllBytes(file.PngPath);
            }
            var untitled = Render("");
            var titled = Render("Convergence WWW");
            Assert.NotEqual(untitled, titled);
            Assert.Equal(untitled, Render("")); // the difference is the title, not noise
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData(ConvergenceChart.Name, "partition length L (one group each)")]
    [InlineData(DecryptabilityChart.Name, "R = 2 past epochs kept")]
    [InlineData(EpochLagChart.Name, "virtual time (ms)")]
    [InlineData(SpacetimeChart.Name, "duplicate copy")]
    public void EachSvgDrawsItsLabelsInTheShippedFont(string chart, string label)
    {
        var svg = File.ReadAllText(sweep.PathOf(chart + ".svg"));
        if (chart == SpacetimeChart.Name)
        {
            // Drawn by hand (SpacetimeSvg): the font is set once on the root and inherited by every text.
            Assert.Matches($"<svg [^>]*font-family=\"{ReportFonts.Family}", svg);
            Assert.Matches($"<text [^>]*>{System.Text.RegularExpressions.Regex.Escape(label)}</text>", svg);
            return;
        }
        Assert.Matches($"<text [^>]*font-family=\"{ReportFonts.Family}\"[^>]*>\\s*{System.Text.RegularExpressions.Regex.Escape(label)}", svg);
    }
}
