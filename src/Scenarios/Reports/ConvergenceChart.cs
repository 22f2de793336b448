using System.Globalization;
using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 1: how long the parties take to agree again after a partition of length L heals, while the
/// point's loss, duplicates and reordering go on: one group per L, one box per drop rate inside it,
/// and one dot per world (<see cref="WorldMetrics.HealConvergenceMs"/>), so the spread is visible, not
/// a mean. With no partition the time counts from the moment it would have started: recovery from
/// loss alone. Hollow dots converged only once the faults had stopped; worlds that never did are
/// counted above their box.
/// </summary>
public static class ConvergenceChart
{
    public const string Name = "convergence";
    public const string Title = "Time to converge after a partition heals, while loss goes on";

    public static ChartFile Render(SweepResult sweep, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var plot = ChartFile.NewPlot(Title, "partition length L (one group each); colour: drop probability while faults are on",
            "virtual ms from the heal until converged");
        var drops = sweep.Grid.DropProbabilities.Distinct().Order().ToArray();
        var lengths = sweep.Grid.PartitionLengthsMs.Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        double groupWidth = drops.Length + 1;
        var ticks = new List<double>();
        var labels = new List<string>();
        var nevers = new List<(double X, int Count, Color Color)>();
        double max = 10;
        for (int g = 0; g < lengths.Length; g++)
        {
            for (int j = 0; j < drops.Length; j++)
            {
                double x = g * groupWidth + j;
                var color = palette.GetColor(j);
                var worlds = sweep.Points.Where(p => p.Point.PartitionMs == lengths[g] && p.Point.DropProbability == drops[j]).SelectMany(p => p.Worlds).ToList();
                var converged = worlds.Where(w => w.HealConvergenceMs is not null).ToList();
                var times = converged.Select(w => (double)w.HealConvergenceMs!.Value).ToList();
                DistributionMarks.Box(plot, x, 0.36, times, color);
                DistributionMarks.Strip(plot, x, 0.62, converged.Where(w => w.HealConvergedUnderFaults).Select(w => (double)w.HealConvergenceMs!.Value).ToList(), color.WithAlpha(0.55), MarkerShape.FilledCircle, 4);
                DistributionMarks.Strip(plot, x, 0.62, converged.Where(w => !w.HealConvergedUnderFaults).Select(w => (double)w.HealConvergenceMs!.Value).ToList(), color, MarkerShape.OpenCircle, 7);
                if (times.Count > 0) max = Math.Max(max, times.Max());
                int never = worlds.Count - converged.Count;
                if (never > 0) nevers.Add((x, never, color));
            }
            ticks.Add(g * groupWidth + (drops.Length - 1) / 2.0);
            labels.Add(lengths[g] == 0 ? "no partition (from a mid-chat moment)" : $"L = {lengths[g].ToString(CultureInfo.InvariantCulture)} ms");
        }
        foreach (var (x, count, color) in nevers)
        {
            var text = plot.Add.Text($"{count} never", x, max * 1.06);
            text.LabelFontSize = 11;
            text.LabelFontName = ReportFonts.Family;
            text.LabelFontColor = color;
            text.LabelAlignment = Alignment.LowerCenter;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray(), labels.ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.SetLimitsX(-1, lengths.Length * groupWidth - 1);
        plot.Axes.SetLimitsY(0, max * 1.3);
        for (int g = 1; g < lengths.Length; g++)
        {
            var sep = plot.Add.VerticalLine(g * groupWidth - 1);
            sep.Color = Colors.LightGray;
            sep.LineWidth = 1;
        }
        for (int j = 0; j < drops.Length; j++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"drop {SweepPoint.F(drops[j])}", FillColor = palette.GetColor(j).WithAlpha(0.5), LineColor = palette.GetColor(j), LineWidth = 1 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "box: quartiles, black line: median, whiskers: min–max; a dot per world (hollow: converged only after faults stopped)", LineColor = Colors.Black, LineWidth = 2.5f });
        // Inside, across the top (the y axis leaves room above the highest world): an outside legend stacks its items and is cut off.
        plot.ShowLegend(Alignment.UpperCenter, Orientation.Horizontal);
        return ChartFile.Save(plot, directory, Name, Title, 1400, 680);
    }
}
