namespace Sim.Simulator.Trace;

/// <summary>An identity change became committed at Party: Peer is whose identity, Epoch the epoch it is committed in; <see cref="Change"/> "identity" (a card) or "agent".</summary>
public sealed record IdentityEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Identity;
    public ulong? CardVersion { get; init; }
    public string? Agent { get; init; }
    public string Change { get; init; } = "identity";
}
