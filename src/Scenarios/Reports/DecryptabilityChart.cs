using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 2: the fraction of honest datagrams that arrived and were decrypted (inside the receiver's
/// retention window) against the drop rate, one line per retention window R, pooled over the
/// grid's other dimensions.
/// </summary>
public static class DecryptabilityChart
{
    public const string Name = "decryptability";
    public const string Title = "Decryptable share of arriving datagrams vs drop rate, per retention window R";

    public static ChartFile Render(SweepResult sweep, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var plot = ChartFile.NewPlot(Title, "drop probability while faults are on", "arrived honest datagrams decrypted (%)");
        var drops = sweep.Grid.DropProbabilities.Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var shapes = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare };
        double lowest = 100;
        int series = 0;
        foreach (var r in sweep.Grid.RetentionWindows.Distinct().Order())
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var d in drops)
            {
                var worlds = sweep.Points.Where(p => p.Point.DropProbability == d && p.Point.RetentionWindow == r).SelectMany(p => p.Worlds).ToList();
                int arrived = worlds.Sum(w => w.HonestArrived);
                if (arrived == 0) continue;
                xs.Add(d * 100);
                ys.Add(100.0 * worlds.Sum(w => w.HonestDecrypted) / arrived);
            }
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), palette.GetColor(series));
            line.LegendText = $"R = {r} past epoch{(r == 1 ? "" : "s")} kept";
            line.LineWidth = 2;
            line.MarkerSize = 9;
            line.MarkerShape = shapes[series % shapes.Length];
            series++;
            if (ys.Count > 0) lowest = Math.Min(lowest, ys.Min());
        }
        double bottom = Math.Max(0, Math.Floor((lowest - 5) / 5) * 5);
        plot.Axes.SetLimitsY(bottom, 101);
        ChartMarks.DropTicks(plot, drops);
        plot.ShowLegend(Alignment.LowerLeft);
        return ChartFile.Save(plot, directory, Name, Title, 1000, 600);
    }
}
