using Akka.Actor;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Reports;
using Sim.Simulator;
using Sim.Simulator.Groups;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// What a worker can run, by job kind: each takes a self-contained payload (text) and returns the
/// world's row (JSON). The coordinator of a sweep sends <see cref="SweepWorld"/> items: a world's
/// scenario text, which fixes every random choice (<c>Scenario.Parse(s.Format()) == s</c>), so the
/// world and its trace hash are the same on any node.
/// </summary>
public static class ClusterJobs
{
    /// <summary>A sweep world: payload the scenario text, result its <see cref="WorldMetrics"/> (<see cref="WorldMetricsJson"/>).</summary>
    public const string SweepWorld = "sweep-world";

    /// <summary>A world of a `pairsim groups` grid: payload its <see cref="GroupScenarioParams"/>, result its <see cref="GroupsRun"/> (<see cref="ClusterGroups"/>).</summary>
    public const string GroupsWorld = "groups-world";

    /// <summary>A world of a `pairsim compare` grid: payload its <see cref="Reports.CompareWorld"/>, result its <see cref="CompareRow"/> (both JSON).</summary>
    public const string CompareWorld = "compare-world";

    public static IReadOnlyList<string> Kinds { get; } = [SweepWorld, GroupsWorld, CompareWorld];

    /// <summary>Runs one item in <paramref name="system"/> (the worker's simulator actor system).</summary>
    public static async Task<string> RunAsync(string kind, string payload, ActorSystem system, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        switch (kind)
        {
            case SweepWorld:
                var scenario = Scenario.Parse(payload);
                var result = await new World(scenario.ToWorldOptions(), system).RunAsync(cancel).ConfigureAwait(false);
                return WorldMetricsJson.Encode(WorldMetrics.Of(result, SweepWorkload.HealMs(scenario)));
            case GroupsWorld:
                var p = ClusterGroups.DecodeParams(payload);
                return ClusterGroups.EncodeRun(GroupsRun.From(p, GroupWorld.Run(GroupScenarios.Build(p)), replay: ""));
            case CompareWorld:
                var world = Reports.CompareWorld.FromJson(payload);
                return (await Compare.RunWorldAsync(world, system, cancel).ConfigureAwait(false)).ToJson();
            default:
                throw new ArgumentException($"unknown job kind '{kind}' (this worker runs {string.Join(", ", Kinds)})", nameof(kind));
        }
    }
}
