using ScottPlot;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 3: one run's epochs over virtual time: each party's epoch (steps, left axis) and the lag
/// |epoch(alice) − epoch(bob)| (grey bars, right axis, 0–2: the lag may never exceed 1), with the
/// partition shaded and the moment faults stop marked. Time is drawn in two pieces
/// (<see cref="PhasedTime"/>) so the liveness phase, tens of ms after seconds of chat, can be read.
/// </summary>
public static class EpochLagChart
{
    public const string Name = "epoch-lag";
    public const string Title = "Epochs over time in one run";

    /// <summary>Axis units per <see cref="PhasedTime"/> unit (the x axis runs 0..1000).</summary>
    private const double Scale = 1000;

    public static ChartFile Render(WorldResult run, string subtitle, string directory)
    {
        ArgumentNullException.ThrowIfNull(run);
        var series = EpochSeries.From(run.Trace.Events);
        var plot = ChartFile.NewPlot($"{Title} ({subtitle})", "virtual time (ms): safety phase, then the liveness phase drawn wider", "epoch");
        long stop = run.SafetyPhaseEndMs;
        long end = Math.Max(stop + 1, series.EndMs);
        var time = new PhasedTime(stop, end);
        double X(long t) => Scale * time.Of(t);

        foreach (var p in run.Options.FaultProfile.Partitions)
        {
            var span = plot.Add.HorizontalSpan(X(p.StartMs), X(Math.Min(p.HealMs, end)));
            span.FillStyle.Color = Colors.Red.WithAlpha(0.15);
            span.LineStyle.Width = 0;
        }
        var live = plot.Add.HorizontalSpan(X(stop), X(end));
        live.FillStyle.Color = Colors.Green.WithAlpha(0.06);
        live.LineStyle.Width = 0;
        var stopLine = plot.Add.VerticalLine(X(stop));
        stopLine.Color = Colors.DarkGreen;
        stopLine.LineWidth = 2;
        stopLine.LinePattern = LinePattern.Dashed;

        var lag = series.Lag();
        for (int i = 0; i < lag.Count; i++)
        {
            if (lag[i].Epoch == 0) continue;
            long to = i + 1 < lag.Count ? lag[i + 1].T : end;
            var bar = plot.Add.Rectangle(X(lag[i].T), Math.Max(X(to), X(lag[i].T) + 0.8), 0, lag[i].Epoch);
            bar.FillStyle.Color = Colors.Gray.WithAlpha(0.45);
            bar.LineStyle.Width = 0;
            bar.Axes.YAxis = plot.Axes.Right;
        }
        AddParty(plot, series.Alice, X, end, Colors.C0);
        AddParty(plot, series.Bob, X, end, Colors.C1);

        plot.Axes.Right.Label.Text = "lag |epoch(alice) − epoch(bob)| (epochs)";
        plot.Axes.Right.Label.FontSize = 14;
        ulong maxLag = lag.Count == 0 ? 0 : lag.Max(s => s.Epoch);
        plot.Axes.SetLimitsY(0, Math.Max(2, maxLag) * 1.5, plot.Axes.Right);
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, (int)Math.Max(2, maxLag) + 1).Select(v => (double)v).ToArray(),
            Enumerable.Range(0, (int)Math.Max(2, maxLag) + 1).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        double maxEpoch = series.Alice.Concat(series.Bob).Select(s => (double)s.Epoch).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, maxEpoch * 1.15 + 1, plot.Axes.Left);
        var ticks = time.Ticks();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => X(t)).ToArray(),
            ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(0, Scale * 1.005);

        plot.Legend.ManualItems.Add(Line("alice's epoch", Colors.C0));
        plot.Legend.ManualItems.Add(Line("bob's epoch", Colors.C1));
        plot.Legend.ManualItems.Add(Box("lag between them (right axis; must stay ≤ 1, 0 at the end)", Colors.Gray.WithAlpha(0.45)));
        if (run.Options.FaultProfile.Partitions.Count > 0) plot.Legend.ManualItems.Add(Box("partition (nothing crosses)", Colors.Red.WithAlpha(0.15)));
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "faults stop: liveness phase (tinted) begins", LineColor = Colors.DarkGreen, LineWidth = 2, LinePattern = LinePattern.Dashed });
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, Name, Title, 1400, 600);
    }

    private static void AddParty(Plot plot, IReadOnlyList<EpochStep> steps, Func<long, double> x, long end, Color color)
    {
        if (steps.Count == 0) return;
        var xs = steps.Select(s => x(s.T)).Append(x(end)).ToArray();
        var ys = steps.Select(s => (double)s.Epoch).Append(steps[^1].Epoch).ToArray();
        var line = plot.Add.Scatter(xs, ys, color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 0;
        line.LineWidth = 2;
    }

    private static LegendItem Line(string text, Color color) => new() { LabelText = text, LineColor = color, LineWidth = 2 };

    private static LegendItem Box(string text, Color color) => new() { LabelText = text, FillColor = color, LineWidth = 0 };
}
