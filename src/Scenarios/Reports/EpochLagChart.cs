using ScottPlot;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 3: one run's epochs over virtual time: each party's epoch (steps, left axis) and the lag
/// |epoch(alice) − epoch(bob)| (filled steps, right axis), with the partition shaded and the moment
/// faults stop marked.
/// </summary>
public static class EpochLagChart
{
    public const string Name = "epoch-lag";
    public const string Title = "Epochs over time in one run";

    public static ChartFile Render(WorldResult run, SweepPoint point, string directory)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(point);
        var series = EpochSeries.From(run.Trace.Events);
        var plot = ChartFile.NewPlot($"{Title} (seed {run.Options.Seed}: {point.Label})", "virtual time (ms)", "epoch");
        long end = Math.Max(series.EndMs, 1);
        ChartMarks.Phases(plot, run, end);

        var lag = series.Lag();
        if (lag.Count > 0)
        {
            var lx = lag.Select(s => (double)s.T).Append(end).ToArray();
            var ly = lag.Select(s => (double)s.Epoch).Append(lag[^1].Epoch).ToArray();
            var fill = plot.Add.Scatter(lx, ly, Colors.Gray);
            fill.ConnectStyle = ConnectStyle.StepHorizontal;
            fill.FillY = true;
            fill.FillYColor = Colors.Gray.WithAlpha(0.35);
            fill.MarkerSize = 0;
            fill.LineWidth = 1;
            fill.LegendText = "lag |epoch(alice) − epoch(bob)| (right axis)";
            fill.Axes.YAxis = plot.Axes.Right;
        }
        AddParty(plot, series.Alice, end, Colors.C0, "alice's epoch");
        AddParty(plot, series.Bob, end, Colors.C1, "bob's epoch");

        plot.Axes.Right.Label.Text = "lag (epochs)";
        plot.Axes.Right.Label.FontSize = 15;
        double maxLag = lag.Count == 0 ? 1 : lag.Max(s => (double)s.Epoch);
        plot.Axes.SetLimitsY(0, Math.Max(2, maxLag) * 3, plot.Axes.Right);
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        double maxEpoch = series.Alice.Concat(series.Bob).Select(s => (double)s.Epoch).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, maxEpoch * 1.1 + 1, plot.Axes.Left);
        plot.Axes.SetLimitsX(0, end * 1.01);
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, Name, Title, 1400, 600);
    }

    private static void AddParty(Plot plot, IReadOnlyList<EpochStep> steps, long end, Color color, string label)
    {
        if (steps.Count == 0) return;
        var xs = steps.Select(s => (double)s.T).Append(end).ToArray();
        var ys = steps.Select(s => (double)s.Epoch).Append(steps[^1].Epoch).ToArray();
        var line = plot.Add.Scatter(xs, ys, color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
