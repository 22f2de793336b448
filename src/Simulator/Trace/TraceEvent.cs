namespace Sim.Simulator.Trace;

/// <summary>What a trace event records: one record type per kind (see <see cref="TraceEvent"/>'s subtypes), one JSON Lines row per event.</summary>
public enum TraceKind
{
    /// <summary><see cref="OptionsEvent"/>: the world's options and the trace schema version (the first event).</summary>
    Options,
    /// <summary><see cref="PhaseEvent"/>: a phase starts (safety, liveness).</summary>
    Phase,
    /// <summary><see cref="JoinedEvent"/>: a party joined the conversation.</summary>
    Joined,
    /// <summary><see cref="SendEvent"/>: a party handed a datagram to the network (after persisting).</summary>
    Send,
    /// <summary><see cref="FaultEvent"/>: the network applied a fault, or a datagram was lost at an offline or crashed party.</summary>
    Fault,
    /// <summary><see cref="DeliverEvent"/>: the network delivered bytes to a party.</summary>
    Deliver,
    /// <summary><see cref="OutcomeEvent"/>: what Receive returned for the bytes of the Deliver event just before it (same party).</summary>
    Outcome,
    /// <summary><see cref="EpochEvent"/>: a party's epoch changed.</summary>
    Epoch,
    /// <summary><see cref="IdentityEvent"/>: an identity change became committed at a party.</summary>
    Identity,
    /// <summary><see cref="CrashEvent"/>, <see cref="RestartEvent"/>, <see cref="RestoreEvent"/>: memory lost / reloaded from the last save / rolled back to an older save.</summary>
    Crash,
    Restart,
    Restore,
    /// <summary><see cref="OfflineEvent"/>, <see cref="OnlineEvent"/>: a party went offline / came back.</summary>
    Offline,
    Online,
    /// <summary><see cref="StateEvent"/>: a party's state summary (hashes only), written at the end of each phase.</summary>
    State,
}

/// <summary>
/// One thing that happened in a world, in virtual time: the header every kind shares (time,
/// sequence number, the party it happened at, its peer, the datagram and epoch concerned); each
/// subtype adds its own typed fields. Hashes and ids only: never a secret, a key or a payload.
/// Optional fields are omitted from the JSON when null. Schema: <see cref="TraceSchema"/>.
/// </summary>
public abstract record TraceEvent
{
    public long T { get; init; }
    public long Seq { get; init; }
    public abstract TraceKind Kind { get; }
    public string? Party { get; init; }
    public string? Peer { get; init; }
    /// <summary>Datagram id: the first 8 bytes of SHA-256 of the datagram bytes, hex.</summary>
    public string? Datagram { get; init; }
    public ulong? Epoch { get; init; }
}
