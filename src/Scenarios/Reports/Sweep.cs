using System.Diagnostics;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>Runs a <see cref="SweepGrid"/>: every point's worlds in parallel on <see cref="WorldRunner"/>, then the sample world with its full trace.</summary>
public static class Sweep
{
    /// <param name="progress">Called once per finished world (the sample world included), one call at a time: (completed, total).</param>
    public static SweepResult Run(SweepGrid grid, Action<int, int>? progress = null, WorldRunnerOptions? runner = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.Validate();
        var clock = Stopwatch.StartNew();
        var points = grid.Points();
        var sample = grid.SamplePoint();
        var worlds = new List<WorldOptions>(points.Count * grid.WorldsPerPoint + 1);
        foreach (var point in points)
            for (int k = 0; k < grid.WorldsPerPoint; k++)
                worlds.Add(SweepWorkload.Options(point, grid.WorldSeed(k), grid.Messages));
        // The sample world: world 0 of the sample point, run again keeping its trace text (written beside the report).
        worlds.Add(SweepWorkload.Options(sample, grid.WorldSeed(0), grid.Messages, keepTraceText: true));

        var results = WorldRunner.Run(worlds, runner, p => progress?.Invoke(p.Completed, p.Total));
        var summaries = new List<PointSummary>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            var metrics = Enumerable.Range(0, grid.WorldsPerPoint).Select(k => WorldMetrics.Of(results[i * grid.WorldsPerPoint + k])).ToList();
            summaries.Add(new PointSummary(points[i], metrics));
        }
        return new SweepResult(grid, summaries, sample, results[^1]) { Elapsed = clock.Elapsed };
    }
}
