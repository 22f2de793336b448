using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// `pairsim sweep --cluster`: the sweep's worlds as <see cref="ClusterJobs.SweepWorld"/> items (each
/// world's scenario text), their rows read back into <see cref="WorldMetrics"/>, so
/// <see cref="Sweep.Run(SweepGrid, SweepWorlds, Action{SweepWorld}?, CancellationToken)"/> builds the
/// same result, and report, as a local sweep.
/// </summary>
public static class ClusterSweep
{
    /// <param name="stats">Gets the run's figures once every world has its row.</param>
    public static SweepWorlds Farm(ClusterTarget target, Action<string>? say = null, Action<ClusterStats>? stats = null) =>
        async (scenarios, done, cancel) =>
        {
            var result = await ClusterFarm.RunAsync(target, ClusterJobs.SweepWorld, [.. scenarios.Select(s => s.Format())],
                (i, row) => done(i, WorldMetricsJson.Decode(row)), say, cancel).ConfigureAwait(false);
            stats?.Invoke(result);
        };
}
