namespace Sim.Simulator.Groups;

/// <summary>What a group world produced: its trace (and hash), every member's final report, and (when asked) commit timings.</summary>
public sealed record GroupWorldResult(GroupWorldOptions Options, GroupTrace Trace, string TraceHash, IReadOnlyList<MemberReport> Reports)
{
    public long EndMs { get; init; }

    /// <summary>Every member that holds itself a member ended in one state (the liveness verdict the checkers re-judge from the trace).</summary>
    public bool Converged { get; init; }

    /// <summary>Wall-clock ms of the engine steps that created a commit / processed one (measurements only; never in the trace).</summary>
    public IReadOnlyList<double> CommitCreateMs { get; init; } = [];
    public IReadOnlyList<double> CommitProcessMs { get; init; } = [];
}
