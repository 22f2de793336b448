namespace Sim.Simulator.Trace;

/// <summary>A party restarted from its last save: Epoch and <see cref="CommitHash"/> of the state loaded; <see cref="NotJoined"/> when it had nothing saved; <see cref="ByLiveness"/> when the liveness phase brought it back.</summary>
public sealed record RestartEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Restart;
    public string? CommitHash { get; init; }
    public bool NotJoined { get; init; }
    public bool ByLiveness { get; init; }
}
