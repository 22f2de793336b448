using Sim.Scenarios.Catalog;
using Sim.Simulator.Groups;

namespace Sim.Scenarios.Reports;

/// <summary>One group world of a grid: its parameters, metrics, verdicts, trace hash and replay command.</summary>
public sealed record GroupsRun(GroupScenarioParams Params, GroupMetrics Metrics, IReadOnlyList<GroupVerdict> Verdicts, string TraceHash, string Replay)
{
    public IReadOnlyList<double> CommitCreateMs { get; init; } = [];
    public IReadOnlyList<double> CommitProcessMs { get; init; } = [];
    public long EndMs { get; init; }

    /// <summary>Every checker passed (one state included).</summary>
    public bool Held => Verdicts.All(v => v.Passed);

    public string Label => $"{Params.Scenario} {GroupsGrid.Name(Params.Strategy)} N={Params.Members} partition={Params.PartitionMs}ms loss={GroupsGrid.F(Params.Loss)}";

    public static GroupsRun From(GroupScenarioParams p, GroupWorldResult result, string replay) =>
        new(p, GroupMetrics.From(result), GroupChecks.Run(result.Trace), result.TraceHash, replay)
        {
            CommitCreateMs = result.CommitCreateMs,
            CommitProcessMs = result.CommitProcessMs,
            EndMs = result.EndMs,
        };
}
