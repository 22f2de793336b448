namespace Sim.Simulator.Trace;

/// <summary>The network delivered bytes (id <see cref="TraceEvent.Datagram"/>) to Party on Peer's link, after <see cref="LatencyMs"/>; <see cref="Via"/> names the fault that made this copy, null for the datagram itself.</summary>
public sealed record DeliverEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Deliver;
    public long LatencyMs { get; init; }
    public string? Via { get; init; }
}
