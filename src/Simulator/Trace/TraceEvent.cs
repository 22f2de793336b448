namespace Sim.Simulator.Trace;

/// <summary>What a trace event records. One JSON Lines row per event.</summary>
public enum TraceKind
{
    /// <summary>The world's full options (the first event; <see cref="TraceEvent.Detail"/> starts with SEED=).</summary>
    Options,
    /// <summary>A phase starts: Detail = "safety" or "liveness".</summary>
    Phase,
    /// <summary>A party joined the conversation: Epoch = its first epoch, Detail = "welcome_epoch=W role=inviter|acceptor".</summary>
    Joined,
    /// <summary>A party handed a datagram to the network (after persisting): Datagram, Epoch, PayloadId, Detail may say "card_edit" / "rollover".</summary>
    Send,
    /// <summary>
    /// The network applied a fault: Fault = drop|duplicate|delay|corrupt|replay|inject|partition|offline; Datagram = original id
    /// (when there is one); Detail = "new=&lt;id&gt;" naming the id of the bytes that will be delivered (corrupt, inject, replay).
    /// Written before the Deliver of those bytes.
    /// </summary>
    Fault,
    /// <summary>The network delivered a datagram (id of the bytes actually delivered) to Party.</summary>
    Deliver,
    /// <summary>What Receive returned, written right after the Deliver it answers, for the same party: Outcome = Delivered|Duplicate|Expired|Rejected:Reason; Epoch = the datagram's epoch when known; PayloadId on Delivered.</summary>
    Outcome,
    /// <summary>A party's epoch changed: Epoch = new epoch, CommitHash = hash of the commit that started it, Detail = "committer=alice|bob".</summary>
    Epoch,
    /// <summary>An identity change became committed at Party: Peer = whose identity, CardVersion, Agent.</summary>
    Identity,
    /// <summary>
    /// A party crashed (Detail: down time) / restarted / was restored from an older state (Detail: depth). Restart and
    /// Restore: Epoch = the epoch of the state loaded (the checkers reset their view of the party's epoch to it).
    /// </summary>
    Crash,
    Restart,
    Restore,
    /// <summary>A party went offline / came back.</summary>
    Offline,
    Online,
    /// <summary>
    /// A party's state summary (hashes only): Epoch, EpochAuth, TreeHash, CardVersion (own), Detail =
    /// "peer_card=V context=&lt;group context hash&gt; agent=&lt;id&gt; peer_agent=&lt;id&gt;"; written at the end of each phase.
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
