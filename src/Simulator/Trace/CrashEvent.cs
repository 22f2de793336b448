namespace Sim.Simulator.Trace;

/// <summary>A party crashed: memory lost, the disk survives; it restarts after <see cref="DownMs"/>. <see cref="Point"/> names a crash point inside Send/Receive, null for a crash between requests.</summary>
public sealed record CrashEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Crash;
    public long DownMs { get; init; }
    public string? Point { get; init; }
}
