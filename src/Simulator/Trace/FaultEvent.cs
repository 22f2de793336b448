namespace Sim.Simulator.Trace;

/// <summary>
/// The network applied a fault to datagram <see cref="TraceEvent.Datagram"/> sent by Party to Peer,
/// or the datagram was lost at an offline or crashed party (<see cref="Fault"/> "offline": Party is
/// then the party that is offline or down, <see cref="Side"/> says whether it was sending or
/// receiving, <see cref="Why"/> offline|crashed). <see cref="DeliverId"/> names the bytes the fault
/// makes the network deliver (a corrupted copy, a replayed datagram, a forgery; for duplicate the same id).
/// </summary>
public sealed record FaultEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Fault;
    /// <summary>A name of <c>FaultNames</c>.</summary>
    public string Fault { get; init; } = "";
    public string? DeliverId { get; init; }
    /// <summary>duplicate: extra copies.</summary>
    public int? Copies { get; init; }
    /// <summary>delay, hold: extra virtual ms the datagram is held back.</summary>
    public long? ExtraMs { get; init; }
    /// <summary>corrupt: bits flipped.</summary>
    public int? Bits { get; init; }
    /// <summary>inject: bytes forged.</summary>
    public int? Bytes { get; init; }
    /// <summary>offline: "sender" or "receiver"; insider: "reflected" for a copy delivered back to its sender (every-layer mode).</summary>
    public string? Side { get; init; }
    /// <summary>offline: "offline" or "crashed"; insider: the layer mutated; inject: the source ("random", "third_session", "second_acceptor").</summary>
    public string? Why { get; init; }
}
