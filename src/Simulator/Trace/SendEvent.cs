namespace Sim.Simulator.Trace;

/// <summary>A party handed a datagram to the network (after persisting the state that made it): Epoch is the datagram's epoch.</summary>
public sealed record SendEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Send;
    public long? PayloadId { get; init; }
    /// <summary>Id of the payload bytes sent (as <see cref="TraceLog.IdOf"/>: a hash, never the bytes): what Integrity compares a delivery with.</summary>
    public string? PayloadHash { get; init; }
    /// <summary>The send asked for a card edit; <see cref="CardVersion"/> is the version it asks for (IdentityLiveness follows it to the peer).</summary>
    public bool CardEdit { get; init; }
    public bool RollOver { get; init; }
    public ulong? CardVersion { get; init; }
    /// <summary>The datagram is a recovery envelope (docs/RECOVERY.md "Resync"), as a transport holding the sender's header keys reads it: "offer" or "request"; null: an ordinary body.</summary>
    public string? Envelope { get; init; }
}
