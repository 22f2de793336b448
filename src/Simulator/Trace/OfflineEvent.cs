namespace Sim.Simulator.Trace;

/// <summary>A party went offline for <see cref="DurationMs"/>.</summary>
public sealed record OfflineEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Offline;
    public long DurationMs { get; init; }
}
