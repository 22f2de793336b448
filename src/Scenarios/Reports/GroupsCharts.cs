using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The four charts of `pairsim groups` (issue 12): messages lost and recovered against partition
/// length per strategy; time to one state against N; bytes per application message against N;
/// storage per member (states and what is kept to serve others) against N. Points of one strategy are averaged over the other axes.
/// </summary>
public static class GroupsCharts
{
    private static readonly Color[] Palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3];

    public static IReadOnlyList<ChartFile> RenderAll(IReadOnlyList<GroupsRun> runs, string directory) =>
    [
        LostRecovered(runs, directory),
        Against(runs, directory, "groups-time-to-one-state", "Time to one state after the heal against N", "virtual ms",
            r => r.Metrics.TimeToOneStateMs is { } t ? t : null),
        Against(runs, directory, "groups-bytes-per-message", "Bytes on the wire per application message against N", "bytes (every copy)",
            r => r.Metrics.BytesPerMessage),
        Against(runs, directory, "groups-storage-per-member", "Storage per member (states + what is kept to serve others) against N", "bytes",
            r => r.Metrics.StorageBytesPerMember),
    ];

    private static ChartFile LostRecovered(IReadOnlyList<GroupsRun> runs, string directory)
    {
        const string title = "Messages lost by MLS and recovered by key-share against partition length";
        var plot = ChartFile.NewPlot(title, "partition length (virtual ms)", "messages");
        int i = 0;
        foreach (var s in runs.GroupBy(r => r.Params.Strategy).OrderBy(g => g.Key))
        {
            var byLength = s.GroupBy(r => r.Params.PartitionMs).OrderBy(g => g.Key).ToList();
            double[] xs = [.. byLength.Select(g => (double)g.Key)];
            var color = Palette[i++ % Palette.Length];
            var lost = plot.Add.Scatter(xs, [.. byLength.Select(g => g.Average(r => (double)r.Metrics.MessagesLost))], color);
            lost.LegendText = $"{GroupsGrid.Name(s.Key)}: lost";
            lost.LineWidth = 2;
            var recovered = plot.Add.Scatter(xs, [.. byLength.Select(g => g.Average(r => (double)r.Metrics.MessagesRecovered))], color);
            recovered.LegendText = $"{GroupsGrid.Name(s.Key)}: recovered by key-share";
            recovered.LinePattern = LinePattern.Dashed;
            recovered.MarkerShape = MarkerShape.OpenCircle;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, "groups-lost-recovered", title, 1200, 600);
    }

    private static ChartFile Against(IReadOnlyList<GroupsRun> runs, string directory, string name, string title, string yLabel, Func<GroupsRun, double?> value)
    {
        var plot = ChartFile.NewPlot(title, "N (members at the start)", yLabel);
        int i = 0;
        foreach (var s in runs.GroupBy(r => r.Params.Strategy).OrderBy(g => g.Key))
        {
            var points = s.GroupBy(r => r.Params.Members).OrderBy(g => g.Key)
                .Select(g => (N: (double)g.Key, Values: g.Select(value).Where(v => v is not null).Select(v => v!.Value).ToList()))
                .Where(p => p.Values.Count > 0).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.N).ToArray(), points.Select(p => p.Values.Average()).ToArray(), Palette[i++ % Palette.Length]);
            line.LegendText = GroupsGrid.Name(s.Key);
            line.LineWidth = 2;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, directory, name, title, 1200, 600);
    }
}
