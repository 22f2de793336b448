using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// PCS healing time (median virtual seconds from the theft of Alice's state until the thief opens no
/// more of Bob's messages) against the drop rate, one line per strategy; a strategy whose thief was
/// never locked out is drawn on the "never" row at the top, as such.
/// </summary>
public static class CompareHealingChart
{
    public const string Name = "pcs-healing";
    public const string Title = "PCS healing time after a state theft vs drop rate, per strategy";

    public static ChartFile Render(CompareResult result, string directory)
    {
        string title = $"{Title} (faults: {result.Grid.Faults[0]})";
        var plot = ChartFile.NewPlot(title, "drop probability on both links", "virtual seconds until the thief is locked out (median)");
        var healed = result.Healing.Where(c => c.HealSecondsMedian is not null && c.Faults == result.Grid.Faults[0]).Select(c => c.HealSecondsMedian!.Value).ToList();
        double top = Math.Max(1, healed.Count == 0 ? 1 : healed.Max() * 1.25);
        double never = top * 1.15;
        CompareChartStyle.Series(plot, result.Grid.Compared, label =>
        {
            var cells = result.Healing.Where(c => c.Strategy == label && c.Faults == result.Grid.Faults[0]).OrderBy(c => c.Drop).ToList();
            // A point where nothing was stolen in any world (Alice not joined at the theft) has nothing to draw.
            return cells.Where(c => c.Healed > 0 || c.NeverHealed).Select(c => (c.Drop * 100, c.NeverHealed ? (double?)null : c.HealSecondsMedian)).ToList();
        }, never);
        CompareChartStyle.NeverRow(plot, never, "never locked out (within the run)", result.Grid.DropProbabilities.Min() * 100);
        plot.Axes.SetLimitsY(0, never * 1.08);
        ChartMarks.DropTicks(plot, result.Grid.DropProbabilities);
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, Name, title, 1100, 650);
    }
}
