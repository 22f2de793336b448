using System.Diagnostics;
using Sim.Scenarios.Generators;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>One finished world of a sweep: its point, its index k at the point, its scenario and its figures.</summary>
public sealed record SweepWorld(SweepPoint Point, int Index, Scenario Scenario, WorldMetrics Metrics);

/// <summary>
/// Runs a sweep's worlds somewhere other than this process (a cluster): gets every world's scenario in
/// grid order and calls <c>done(i, metrics)</c> once per world, one call at a time, as they finish.
/// </summary>
public delegate Task SweepWorlds(IReadOnlyList<Scenario> scenarios, Action<int, WorldMetrics> done, CancellationToken cancel);

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
        var scenarios = Scenarios(grid);
        var worlds = scenarios.Select(s => s.Scenario.ToWorldOptions()).ToList();
        var heals = scenarios.Select(s => SweepWorkload.HealMs(s.Scenario)).ToArray();
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
        return Result(grid, metrics, results[SampleIndex(grid)], clock.Elapsed);
    }

    /// <summary>
    /// The same sweep with its worlds run by <paramref name="farm"/> (e.g. a cluster); this process runs
    /// only the sample world the charts draw (deterministic: the same trace as anywhere else). The
    /// result, and so the report, is the one <see cref="Run(SweepGrid, Action{SweepWorld}?, WorldRunnerOptions?, CancellationToken)"/> gives.
    /// </summary>
    public static SweepResult Run(SweepGrid grid, SweepWorlds farm, Action<SweepWorld>? onWorld = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(farm);
        grid.Validate();
        var clock = Stopwatch.StartNew();
        var scenarios = Scenarios(grid);
        var metrics = new WorldMetrics[scenarios.Count];
        farm(scenarios.Select(s => s.Scenario).ToList(), (i, m) =>
        {
            if (m.Seed != scenarios[i].Scenario.Seed) throw new InvalidOperationException($"world {i} came back with seed {m.Seed}, not {scenarios[i].Scenario.Seed}");
            metrics[i] = m;
            onWorld?.Invoke(new SweepWorld(scenarios[i].Point, scenarios[i].K, scenarios[i].Scenario, m));
        }, cancel).GetAwaiter().GetResult();
        var sample = World.Run(scenarios[SampleIndex(grid)].Scenario.ToWorldOptions());
        return Result(grid, metrics, sample, clock.Elapsed);
    }

    /// <summary>Every world of the grid in its fixed order: point by point, world k of each.</summary>
    private static List<(SweepPoint Point, int K, Scenario Scenario)> Scenarios(SweepGrid grid)
    {
        var points = grid.Points();
        var scenarios = new List<(SweepPoint Point, int K, Scenario Scenario)>(points.Count * grid.WorldsPerPoint);
        foreach (var point in points)
            for (int k = 0; k < grid.WorldsPerPoint; k++)
                scenarios.Add((point, k, SweepWorkload.Scenario(point, grid.WorldSeed(k), grid.Messages)));
        return scenarios;
    }

    private static int SampleIndex(SweepGrid grid) => grid.Points().ToList().IndexOf(grid.SamplePoint()) * grid.WorldsPerPoint;

    private static SweepResult Result(SweepGrid grid, WorldMetrics[] metrics, WorldResult sample, TimeSpan elapsed)
    {
        var points = grid.Points();
        var summaries = new List<PointSummary>(points.Count);
        for (int i = 0; i < points.Count; i++)
            summaries.Add(new PointSummary(points[i], metrics.Skip(i * grid.WorldsPerPoint).Take(grid.WorldsPerPoint).ToList()));
        return new SweepResult(grid, summaries, grid.SamplePoint(), sample) { Elapsed = elapsed };
    }
}
