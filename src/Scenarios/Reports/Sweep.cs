using System.Diagnostics;
using Sim.Scenarios.Generators;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>One finished world of a sweep: its point, its index k at the point, its scenario and its figures.</summary>
public sealed record SweepWorld(SweepPoint Point, int Index, Scenario Scenario, WorldMetrics Metrics);

/// <summary>Runs a <see cref="SweepGrid"/>: every point's worlds in parallel on <see cref="WorldRunner"/>; world 0 of the sample point is drawn in detail.</summary>
public static class Sweep
{
    /// <param name="onWorld">Called once per finished world, one call at a time, as the worlds finish (the results folder appends it).</param>
    /// <param name="cancel">Ctrl-C: the worlds not yet started are skipped and <see cref="OperationCanceledException"/> is thrown (what <paramref name="onWorld"/> got is kept).</param>
    public static SweepResult Run(SweepGrid grid, Action<SweepWorld>? onWorld = null, WorldRunnerOptions? runner = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.Validate();
        var clock = Stopwatch.StartNew();
        var points = grid.Points();
        var scenarios = new List<(SweepPoint Point, int K, Scenario Scenario)>(points.Count * grid.WorldsPerPoint);
        foreach (var point in points)
            for (int k = 0; k < grid.WorldsPerPoint; k++)
                scenarios.Add((point, k, SweepWorkload.Scenario(point, grid.WorldSeed(k), grid.Messages)));
        var worlds = scenarios.Select(s => s.Scenario.ToWorldOptions()).ToList();
        var heals = scenarios.Select(s => SweepWorkload.HealMs(s.Point, s.Scenario.Seed, grid.Messages)).ToArray();
        var index = new Dictionary<WorldOptions, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < worlds.Count; i++) index[worlds[i]] = i;

        var metrics = new WorldMetrics[worlds.Count];
        var results = WorldRunner.RunAsync(worlds, runner, p =>
        {
            if (p.Last is not { } result) return;
            int i = index[result.Options];
            metrics[i] = WorldMetrics.Of(result, heals[i]);
            onWorld?.Invoke(new SweepWorld(scenarios[i].Point, scenarios[i].K, scenarios[i].Scenario, metrics[i]));
        }, cancel).GetAwaiter().GetResult();

        var summaries = new List<PointSummary>(points.Count);
        for (int i = 0; i < points.Count; i++)
            summaries.Add(new PointSummary(points[i], metrics.Skip(i * grid.WorldsPerPoint).Take(grid.WorldsPerPoint).ToList()));
        var sample = grid.SamplePoint();
        int sampleIndex = points.ToList().IndexOf(sample) * grid.WorldsPerPoint;
        return new SweepResult(grid, summaries, sample, results[sampleIndex]) { Elapsed = clock.Elapsed };
    }
}
