using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>What a sweep produced: the grid, one summary per point (grid order), and the sample world drawn in detail.</summary>
public sealed record SweepResult(SweepGrid Grid, IReadOnlyList<PointSummary> Points, SweepPoint SamplePoint, WorldResult Sample)
{
    /// <summary>The command line that produced it (for the report).</summary>
    public string Command { get; init; } = "";
    /// <summary>Wall-clock time of the runs (not part of the deterministic figures).</summary>
    public TimeSpan Elapsed { get; init; }
    public bool AllHeld => Points.All(p => p.AllHeld) && Sample is not null;
}
