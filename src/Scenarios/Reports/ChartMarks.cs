using ScottPlot;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>Marks shared by the one-run charts: partitions shaded, the moment faults stop drawn as a line.</summary>
internal static class ChartMarks
{
    /// <summary>Ticks on the x axis at the swept drop rates only (in %).</summary>
    public static void DropTicks(Plot plot, IReadOnlyList<double> drops)
    {
        var pct = drops.Distinct().Order().Select(d => d * 100).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(pct, pct.Select(p => p.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%").ToArray());
        plot.Axes.SetLimitsX(pct.Min() - 2.5, pct.Max() + 2.5);
    }

    public static void Phases(Plot plot, WorldResult run, long endMs)
    {
        bool first = true;
        foreach (var p in run.Options.FaultProfile.Partitions)
        {
            var span = plot.Add.HorizontalSpan(p.StartMs, Math.Min(p.HealMs, endMs));
            span.FillStyle.Color = Colors.Red.WithAlpha(0.15);
            span.LineStyle.Width = 0;
            if (first) span.LegendText = "partition (nothing crosses)";
            first = false;
        }
        var stop = plot.Add.VerticalLine(run.SafetyPhaseEndMs);
        stop.Color = Colors.DarkGreen;
        stop.LineWidth = 2;
        stop.LinePattern = LinePattern.Dashed;
        stop.LegendText = "faults stop (liveness phase begins)";
    }
}
