namespace Sim.Simulator.Trace;

/// <summary>What a trace event records. One JSON Lines row per event.</summary>
public enum TraceKind
{
    /// <summary>The world's full options (the first event; <see cref="TraceEvent.Detail"/> starts with SEED=).</summary>
    Options,
    /// <summary>A phase starts: Detail = "safety" or "liveness".</summary>
    Phase,
    /// <summary>A party joined the conversation: Epoch = its first epoch, CardVersion/Agent = its own, Detail = "welcome_epoch=W role=inviter|acceptor".</summary>
    Joined,
    /// <summary>A party handed a datagram to the network (after persisting): Datagram, Epoch, PayloadId, Detail may say "card_edit" / "rollover".</summary>
    Send,
    /// <summary>
    /// The network applied a fault: Fault = drop|duplicate|delay|corrupt|replay|inject|partition|offline; Party = sender, Peer = receiver
    /// (for offline: Party = the party that is offline or down); Datagram = the id of the datagram sent. Detail is key=value pairs:
    /// "deliver=ID" names the bytes the fault makes the network deliver (the corrupted copy, the replayed old datagram, the forgery;
    /// for duplicate the same id), then "copies=N" (duplicate), "extra_ms=N" (delay: held back so later ones overtake it),
    /// "bits=N" (corrupt), "bytes=N" (inject); for offline "sender offline|crashed" or "receiver offline|crashed".
    /// </summary>
    Fault,
    /// <summary>The network delivered a datagram (id of the bytes actually delivered) to Party from Peer's link; Detail = "latency_ms=N" and, for a copy a fault made, "via=duplicate|corrupt|replay|inject".</summary>
    Deliver,
    /// <summary>What Receive returned at Party: Outcome = Delivered|Duplicate|Expired|Rejected:Reason; Datagram = id of the bytes; Epoch = the datagram's epoch when known; PayloadId on Delivered. Written after the Epoch/Identity/Joined events the datagram caused.</summary>
    Outcome,
    /// <summary>A party's epoch changed: Epoch = new epoch, CommitHash = hash of the commit that started it, Detail = "committer=alice|bob".</summary>
    Epoch,
    /// <summary>An identity change became committed at Party: Peer = whose identity, Epoch = the epoch it is committed in, CardVersion, Agent, Detail = "kind=identity|agent".</summary>
    Identity,
    /// <summary>
    /// A party crashed (Detail "down_ms=N") / restarted from its last save / was restored from an older save (Detail "depth=N").
    /// Restart and Restore carry the Epoch and CommitHash of the state loaded (Restart of a party that never joined: Detail "not_joined";
    /// a restart forced by the liveness phase adds "liveness"). A restore can move a party's epoch back; no Epoch event is written for that.
    /// </summary>
    Crash,
    Restart,
    Restore,
    /// <summary>A party went offline / came back.</summary>
    Offline,
    Online,
    /// <summary>
    /// A party's state summary (hashes only), written at the end of each phase: Epoch, EpochAuth (hash of the epoch authenticator),
    /// TreeHash, CommitHash (of the current epoch), CardVersion and Agent (own); Detail = key=value pairs "joined=true|false" and, when
    /// joined, "gc_hash=H peer_card=V peer_agent=ID desired_card=V pending_identity=true|false welcome_epoch=W", then "down=true",
    /// "offline=true" when so, and "forks=N" (datagrams this party rejected as a fork).
    /// </summary>
    State,
}

/// <summary>
/// One thing that happened in a world, in virtual time. Hashes and ids only: never a secret, a key
/// or a payload. Optional fields are omitted from the JSON when null.
/// </summary>
public sealed record TraceEvent(long T, long Seq, TraceKind Kind)
{
    public string? Party { get; init; }
    public string? Peer { get; init; }
    /// <summary>Datagram id: the first 8 bytes of SHA-256 of the datagram bytes, hex.</summary>
    public string? Datagram { get; init; }
    public ulong? Epoch { get; init; }
    public long? PayloadId { get; init; }
    public string? Outcome { get; init; }
    public string? Fault { get; init; }
    public string? EpochAuth { get; init; }
    public string? TreeHash { get; init; }
    public string? CommitHash { get; init; }
    public ulong? CardVersion { get; init; }
    public string? Agent { get; init; }
    public string? Detail { get; init; }
}
