using System.Globalization;
using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 2: the share of arriving honest datagrams each world decrypted (inside the receiver's
/// retention window), in facets by reorder probability and partition length L; inside a facet, by
/// drop rate, one colour per retention window R: a dot per world (the spread across worlds and
/// duplicate settings) and a line through the medians. R = 0 is drawn as what it costs (datagrams
/// that cross a commit in flight are Expired by design), not as a violation.
/// </summary>
public static class DecryptabilityChart
{
    public const string Name = "decryptability";
    public const string Title = "Decryptable share of arriving datagrams per world, by reorder and partition length";

    public static ChartFile Render(SweepResult sweep, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var plot = ChartFile.NewPlot(Title, "drop probability while faults are on, in facets by reorder probability and partition length L",
            "arrived honest datagrams decrypted, per world (%)");
        var drops = sweep.Grid.DropProbabilities.Distinct().Order().ToArray();
        var reorders = sweep.Grid.ReorderProbabilities.Distinct().Order().ToArray();
        var lengths = sweep.Grid.PartitionLengthsMs.Distinct().Order().ToArray();
        var windows = sweep.Grid.RetentionWindows.Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        double facetWidth = drops.Length + 0.6;
        double rSpacing = Math.Min(0.2, 0.8 / Math.Max(1, windows.Length));
        var ticks = new List<double>();
        var labels = new List<string>();
        var headers = new List<(double X, string Text)>();
        double lowest = 100;
        int facet = 0;
        foreach (var reorder in reorders)
        {
            foreach (var length in lengths)
            {
                double x0 = facet * facetWidth;
                for (int ri = 0; ri < windows.Length; ri++)
                {
                    var color = palette.GetColor(ri);
                    double shift = (ri - (windows.Length - 1) / 2.0) * rSpacing;
                    var medianXs = new List<double>();
                    var medianYs = new List<double>();
                    for (int j = 0; j < drops.Length; j++)
                    {
                        var shares = sweep.Points
                            .Where(p => p.Point.ReorderProbability == reorder && p.Point.PartitionMs == length && p.Point.RetentionWindow == windows[ri] && p.Point.DropProbability == drops[j])
                            .SelectMany(p => p.Worlds).Where(w => w.DecryptableFraction is not null).Select(w => 100 * w.DecryptableFraction!.Value).ToList();
                        if (FiveNumbers.Of(shares) is not { } f) continue;
                        double x = x0 + j + shift;
                        DistributionMarks.Strip(plot, x, rSpacing * 0.8, shares, color.WithAlpha(0.6), MarkerShape.FilledCircle, 5);
                        medianXs.Add(x);
                        medianYs.Add(f.Median);
                        lowest = Math.Min(lowest, f.Min);
                    }
                    if (medianXs.Count == 0) continue;
                    var line = plot.Add.Scatter(medianXs.ToArray(), medianYs.ToArray(), color);
                    line.LineWidth = 1.5f;
                    line.MarkerSize = 0;
                }
                for (int j = 0; j < drops.Length; j++)
                {
                    ticks.Add(x0 + j);
                    labels.Add(SweepPoint.F(drops[j]));
                }
                headers.Add((x0 + (drops.Length - 1) / 2.0, $"reorder {SweepPoint.F(reorder)} · {(length == 0 ? "no partition" : $"L = {length.ToString(CultureInfo.InvariantCulture)} ms")}"));
                facet++;
            }
        }
        double bottom = Math.Max(0, Math.Floor((lowest - 5) / 5) * 5);
        double top = 100 + (100 - bottom) * 0.16;
        foreach (var (x, text) in headers)
        {
            var header = plot.Add.Text(text, x, 100 + (100 - bottom) * 0.07);
            header.LabelFontSize = 12;
            header.LabelFontName = ReportFonts.Family;
            header.LabelAlignment = Alignment.LowerCenter;
        }
        for (int f = 1; f < facet; f++)
        {
            var sep = plot.Add.VerticalLine(f * facetWidth - 0.8);
            sep.Color = f % lengths.Length == 0 ? Colors.Gray : Colors.LightGray;
            sep.LineWidth = f % lengths.Length == 0 ? 2 : 1;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray(), labels.ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plot.Axes.SetLimitsX(-0.8, facet * facetWidth - 0.8);
        plot.Axes.SetLimitsY(bottom, top);
        for (int ri = 0; ri < windows.Length; ri++)
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = windows[ri] == 0
                    ? "R = 0: no past epoch kept (what a datagram crossing a commit costs: Expired by design, not a violation)"
                    : $"R = {windows[ri]} past epoch{(windows[ri] == 1 ? "" : "s")} kept",
                LineColor = palette.GetColor(ri),
                LineWidth = 2,
            });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "a dot per world; the line joins the medians", LineColor = Colors.Gray, LineWidth = 1 });
        plot.ShowLegend(Edge.Bottom);
        return ChartFile.Save(plot, directory, Name, Title, 1800, 720);
    }
}
