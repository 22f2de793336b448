using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// How long Alice's second card edit in flight waits (median virtual ms from her edit until a datagram
/// asking Bob to commit it leaves) against how long Bob is offline, one line per strategy; an edit that
/// never left is drawn on the "never" row.
/// </summary>
public static class CompareWaitingChart
{
    public const string Name = "edit-waiting";
    public const string Title = "Second card edit in flight: waiting vs peer offline time, per strategy";

    public static ChartFile Render(CompareResult result, string directory)
    {
        var plot = ChartFile.NewPlot(Title, "Bob offline (virtual ms)", "waiting of Alice's second edit (virtual ms, median)");
        var waited = result.Waiting.Where(c => c.SecondEditWaitMsMedian is not null).Select(c => c.SecondEditWaitMsMedian!.Value).ToList();
        double top = Math.Max(100, waited.Count == 0 ? 100 : waited.Max() * 1.25);
        double never = top * 1.15;
        CompareChartStyle.Series(plot, result.Grid.Compared, label =>
            result.Waiting.Where(c => c.Strategy == label).OrderBy(c => c.OfflineMs)
                .Select(c => ((double)c.OfflineMs, c.SecondNeverLeft == c.Worlds ? (double?)null : c.SecondEditWaitMsMedian)).ToList(), never);
        CompareChartStyle.NeverRow(plot, never, "never left (within the run)", result.Grid.OfflineMs.Min());
        plot.Axes.SetLimitsY(-top * 0.03, never * 1.08);
        var xs = result.Grid.OfflineMs.Distinct().Order().Select(x => (double)x).ToArray();
        plot.Axes.SetLimitsX(xs.Min() - 100, xs.Max() + 100);
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, Name, Title, 1100, 650);
    }
}
