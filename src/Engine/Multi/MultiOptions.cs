using Sim.Engine.Crypto;

namespace Sim.Engine.Multi;

/// <summary>The N-party strategies of GROUPS.md this engine runs.</summary>
public enum MultiStrategy
{
    /// <summary>Strategy 1: a delivery service accepts the first commit for each epoch and fans it out.</summary>
    Sequenced,
    /// <summary>Strategy 2: members commit when they like; forks are detected and healed onto one canonical branch.</summary>
    Uncoordinated,
    /// <summary>
    /// Strategy 3 (send groups, draft-xue-distributed-mls): each member owns a group in which only it
    /// sends and commits, every other member a receiver; it imports the others' fresh randomness by
    /// exporting a PSK from their groups (RFC 9420 §8.5) and committing PSK proposals (§8.4, §12.1.4) in its own.
    /// </summary>
    SendGroups,
    /// <summary>
    /// Strategy 4 (fork-resilient retention, after draft-kohbrok-mls-dmls): uncoordinated commits, but
    /// members keep every state they left or learned of another branch for <see cref="MultiOptions.RetentionMs"/>,
    /// so a second commit for an epoch they left is processed and both branches stay readable (every
    /// application message names its epoch by the commit that made it); after the heal the canonical
    /// branch's next commit imports each losing branch's epoch as an external PSK (RFC 9420 §8.4, §8.5),
    /// so the merged epoch depends on both branches.
    /// </summary>
    Retention,
}

/// <summary>GROUPS.md "Key-share": whether a member re-encrypts a losing branch's messages for members who ask.</summary>
public enum KeySharePolicy
{
    /// <summary>Never: no message of a losing branch leaves its holder.</summary>
    Off,
    /// <summary>Only to a requester whose leaf in our (canonical) group carries the credential and signature key verified for that name.</summary>
    VerifiedMembers,
}

/// <summary>
/// An identity every member verified out of band before the group started (the Authentication
/// Service's directory): a name, its signature key and the HPKE key key-share is sealed to.
/// </summary>
public sealed record MemberIdentity(string Name, byte[] SignaturePublicKey, byte[] KeySharePublicKey);

/// <summary>How a member runs (times are virtual milliseconds).</summary>
public sealed record MultiOptions
{
    public MultiStrategy Strategy { get; init; } = MultiStrategy.Uncoordinated;
    public KeySharePolicy KeyShare { get; init; } = KeySharePolicy.VerifiedMembers;
    public ushort SuiteId { get; init; } = 1;

    /// <summary>
    /// Fork-resilient retention (GROUPS.md strategy 4, with plain MLS states): how many states of
    /// epochs already left a member keeps, so that a second commit for one of them can still be
    /// processed, the fork seen at once, and the member moved onto the winning branch without an
    /// external commit. 0 keeps none.
    /// </summary>
    public int RetainedStates { get; init; } = 2;

    /// <summary>
    /// Retention strategy: how long (virtual ms) a member keeps a state after leaving it (or after
    /// learning it, for a state of another branch); then it is deleted and its secrets zeroed. This is
    /// the strategy's forward-secrecy cost: a copy of the member's storage reads that far back.
    /// </summary>
    public long RetentionMs { get; init; } = 8_000;

    /// <summary>Past epochs whose application keys stay for late messages (RFC 9420 §15, GroupOptions.PastEpochsRetained).</summary>
    public int PastEpochKeys { get; init; } = 2;

    /// <summary>Each member gossips its head to <see cref="GossipFanout"/> members every <see cref="HeartbeatMs"/>.</summary>
    public long HeartbeatMs { get; init; } = 500;
    public int GossipFanout { get; init; } = 2;

    /// <summary>A request (chain, catch-up, key package) to one peer is not repeated sooner than this.</summary>
    public long RetryMs { get; init; } = 400;

    /// <summary>
    /// Before an external rejoin a member waits a seeded time below this × the members of the tree it
    /// joins (so the losers of one fork do not all commit for the same epoch and fork again).
    /// </summary>
    public long JoinSpreadMsPerMember { get; init; } = 100;

    /// <summary>
    /// Send groups: epochs of each group whose exported PSK a member keeps after leaving them, so that an
    /// owner's commit importing it can still be processed when it arrives late (the forward-secrecy cost of PSK import).
    /// </summary>
    public int PskEpochs { get; init; } = 8;

    /// <summary>
    /// Send groups: after taking a commit in another member's group, commit an import (an update with
    /// PSK proposals) in our own this many ms later (0: import only with our own user's updates).
    /// </summary>
    public long ImportAfterMs { get; init; }

    /// <summary>
    /// A joiner whose Welcome was lost asks to be let in once the group's traffic shows it holds its leaf
    /// (GroupMember.LostWelcome). Off only to show what a lost Welcome costs without it (a planted failure).
    /// </summary>
    public bool RecoverLostWelcome { get; init; } = true;

    /// <summary>Commits kept to answer a catch-up (the latest ones of our chain).</summary>
    public int CommitLog { get; init; } = 32;

    public CipherSuite Suite => CipherSuite.Get(SuiteId);

    public string Describe() =>
        $"strategy={Strategy} key_share={PolicyName(KeyShare)} suite={SuiteId} retained_states={RetainedStates} past_epoch_keys={PastEpochKeys} " +
        $"heartbeat_ms={HeartbeatMs} gossip_fanout={GossipFanout} retry_ms={RetryMs} join_spread_ms_per_member={JoinSpreadMsPerMember} commit_log={CommitLog}" +
        (Strategy == MultiStrategy.SendGroups ? $" psk_epochs={PskEpochs} import_after_ms={ImportAfterMs}" : "") +
        (Strategy == MultiStrategy.Retention ? $" retention_ms={RetentionMs}" : "") + (RecoverLostWelcome ? "" : " welcome_recovery=off");

    private static string PolicyName(KeySharePolicy p) => p == KeySharePolicy.Off ? "off" : "verified";
}
