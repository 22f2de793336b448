namespace Sim.Simulator.Groups;

/// <summary>What a group-world trace event records (one JSON Lines row each).</summary>
public enum GroupTraceKind
{
    /// <summary>The world's options line (first event; Detail starts with SEED=).</summary>
    Options,
    /// <summary>A phase starts: Detail = safety|liveness.</summary>
    Phase,
    /// <summary>Member handed a datagram for Peer to the network: DatagramKind, Datagram id, Bytes.</summary>
    Send,
    /// <summary>The network did something to a datagram: Fault = drop|duplicate|delay|corrupt|partition_hold|partition_drop|offline.</summary>
    Fault,
    /// <summary>A datagram reached Member from Peer (Datagram = id of the bytes delivered).</summary>
    Deliver,
    /// <summary>Member entered Epoch: Commit hash, EpochAuth hash, Members, Detail = how:committer.</summary>
    Epoch,
    /// <summary>Member decrypted application message MessageId from Peer (its MLS sender), sent in Epoch; Detail "key_share" when recovered so; Commit (retention) the epoch id it named.</summary>
    Read,
    /// <summary>Member sent application message MessageId in Epoch to Members (Datagram = the MLS message's id).</summary>
    AppSent,
    /// <summary>Member rejected a datagram: Detail = reason.</summary>
    Rejected,
    /// <summary>Member saw a fork at Epoch (the first epoch the branches differ), from Peer; Detail = commits|chain.</summary>
    Fork,
    /// <summary>Member moved onto the canonical branch: Epoch = the epoch it entered, Detail = retained|external|welcome.</summary>
    Rejoin,
    /// <summary>Member re-encrypted message Datagram for Peer (key-share).</summary>
    KeyShare,
    /// <summary>Member committed a wanted change again: Detail.</summary>
    Repropose,
    /// <summary>Member went offline (Detail down_ms) / came back.</summary>
    Offline,
    Online,
    /// <summary>Member's state at the end of a phase: Epoch, EpochAuth, Members; Detail: member=, retained=, retained_longest_ms=, held=, unreadable=, state_bytes= (states), served_bytes= (kept to serve others), retained_peak=, secrets_zeroed=, leaves= (the leaf index of each of Members), offline=true while offline.</summary>
    State,
    /// <summary>A measurement: Detail = name=value pairs (commit create/process timings of the run).</summary>
    Measure,
    /// <summary>PCS: an attacker copied Member's state (Detail: states=N, the group states it took).</summary>
    Theft,
    /// <summary>PCS: the attacker tried application message Datagram (sent by Peer) with its copy: Detail read|unreadable.</summary>
    Attack,
    /// <summary>Retention: Member now holds a state of another branch beside its own: Epoch, Commit (the epoch id), EpochAuth, Members; Detail = branch:committer.</summary>
    Branch,
    /// <summary>Retention: Member's commit into Epoch merged other branches (Detail imported= their epoch ids, as external PSKs).</summary>
    Merge,
}

/// <summary>One thing that happened in a group world, in virtual time. Hashes, ids and names only: never a secret or a plaintext.</summary>
public sealed record GroupTraceEvent(long T, long Seq, GroupTraceKind Kind)
{
    public string? Member { get; init; }
    /// <summary>Send groups: the owner of the group an Epoch or Read event is about (null for the one-group strategies).</summary>
    public string? Group { get; init; }
    public string? Peer { get; init; }
    public string? DatagramKind { get; init; }
    public string? Datagram { get; init; }
    public int? Bytes { get; init; }
    public ulong? Epoch { get; init; }
    public long? MessageId { get; init; }
    public string? Commit { get; init; }
    public string? EpochAuth { get; init; }
    public string? Members { get; init; }
    public string? Fault { get; init; }
    public string? Detail { get; init; }

    /// <summary>The members as a list (the trace holds them comma-separated, in leaf order).</summary>
    public IReadOnlyList<string> MemberList => string.IsNullOrEmpty(Members) ? [] : Members.Split(',');
}
