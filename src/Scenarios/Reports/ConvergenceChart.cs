using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 1: how long the parties take to agree again once faults stop, against the drop rate:
/// virtual ms (mean over the worlds, one line per partition length, whiskers from min to max)
/// on the left axis, and the liveness round trips it took (mean) on the right axis.
/// </summary>
public static class ConvergenceChart
{
    public const string Name = "convergence";
    public const string Title = "Convergence after faults stop vs drop rate";

    public static ChartFile Render(SweepResult sweep, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var plot = ChartFile.NewPlot(Title, "drop probability while faults are on", "time from faults stopping to convergence (virtual ms)");
        var drops = sweep.Grid.DropProbabilities.Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        int series = 0;
        double maxMs = 0;
        foreach (var length in sweep.Grid.PartitionLengthsMs.Distinct().Order())
        {
            var xs = new List<double>();
            var ys = new List<double>();
            var lows = new List<double>();
            var highs = new List<double>();
            foreach (var d in drops)
            {
                var worlds = sweep.Points.Where(p => p.Point.DropProbability == d && p.Point.PartitionMs == length).SelectMany(p => p.Worlds)
                    .Where(w => w.ConvergenceMs is not null).Select(w => (double)w.ConvergenceMs!.Value).ToList();
                if (worlds.Count == 0) continue;
                xs.Add(d * 100);
                ys.Add(worlds.Average());
                lows.Add(worlds.Average() - worlds.Min());
                highs.Add(worlds.Max() - worlds.Average());
                maxMs = Math.Max(maxMs, worlds.Max());
            }
            var color = palette.GetColor(series++);
            // Offset each line a little sideways so the whiskers do not hide each other.
            double shift = (series - 1) * 0.4;
            var shifted = xs.Select(x => x + shift).ToArray();
            var line = plot.Add.Scatter(shifted, ys.ToArray(), color);
            line.LegendText = length == 0 ? "time, no partition (mean; whiskers min–max)" : $"time, {length} ms partition (mean; whiskers min–max)";
            line.LineWidth = 2;
            line.MarkerSize = 8;
            var bars = new ScottPlot.Plottables.ErrorBar(shifted, ys.ToArray(), null, null, lows.ToArray(), highs.ToArray());
            plot.Add.Plottable(bars);
            bars.Color = color;
        }

        var rtX = new List<double>();
        var rtY = new List<double>();
        foreach (var d in drops)
        {
            var trips = sweep.Points.Where(p => p.Point.DropProbability == d).SelectMany(p => p.Worlds)
                .Where(w => w.ConvergenceRoundTrips is not null).Select(w => (double)w.ConvergenceRoundTrips!.Value).ToList();
            if (trips.Count == 0) continue;
            rtX.Add(d * 100);
            rtY.Add(trips.Average());
        }
        var rt = plot.Add.Scatter(rtX.ToArray(), rtY.ToArray(), Colors.Black);
        rt.LegendText = "liveness round trips needed (mean, right axis)";
        rt.LinePattern = LinePattern.Dashed;
        rt.MarkerShape = MarkerShape.OpenSquare;
        rt.MarkerSize = 9;
        rt.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "round trips (Bob→Alice, then Alice→Bob)";
        plot.Axes.Right.Label.FontSize = 15;
        double maxTrips = rtY.Count == 0 ? 1 : rtY.Max();
        plot.Axes.SetLimitsY(0, Math.Ceiling(Math.Max(1, maxTrips) * 2.2), plot.Axes.Right);
        plot.Axes.SetLimitsY(0, Math.Max(10, maxMs) * 1.25, plot.Axes.Left);
        ChartMarks.DropTicks(plot, drops);
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        var note = plot.Add.Annotation($"After faults stop the network delivers every datagram after {Sim.Simulator.Network.LinkFaults.None.DelayMinMs} ms:\none round trip (Bob→Alice, Alice→Bob) takes {2 * Sim.Simulator.Network.LinkFaults.None.DelayMinMs} ms.", Alignment.LowerRight);
        note.LabelFontSize = 13;
        note.LabelBackgroundColor = Colors.White;
        note.LabelBorderColor = Colors.Gray;
        note.LabelShadowColor = Colors.Transparent;
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, Name, Title, 1000, 600);
    }
}
