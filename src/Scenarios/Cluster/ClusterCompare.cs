using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// `pairsim compare --cluster`: each world of the grid is a <see cref="ClusterJobs.CompareWorld"/> item
/// (its <see cref="CompareWorld"/> as JSON), its row the <see cref="CompareRow"/> the worker made from
/// the world it ran, so <see cref="Compare.Run(CompareGrid, CompareWorlds, Action{int, int}?, Action{CompareRow}?, CancellationToken)"/>
/// adds up the same tables as a local run (the CPU figures are the workers').
/// </summary>
public static class ClusterCompare
{
    /// <param name="stats">Gets the run's figures once every world has its row.</param>
    public static CompareWorlds Farm(ClusterTarget target, Action<string>? say = null, Action<ClusterStats>? stats = null) =>
        async (worlds, done, cancel) =>
        {
            var result = await ClusterFarm.RunAsync(target, ClusterJobs.CompareWorld, [.. worlds.Select(w => w.ToJson())],
                (i, row) => done(i, CompareRow.FromJson(row)), say, cancel).ConfigureAwait(false);
            stats?.Invoke(result);
        };
}
