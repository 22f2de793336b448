namespace Sim.Engine.Multi;

/// <summary>A datagram a member hands to the network for <see cref="To"/> (a member's name, or <see cref="Sequencer.Name"/>).</summary>
public sealed record Outgoing(string To, MultiKind Kind, byte[] Bytes);

/// <summary>What a member saw or did, for the trace: hashes, ids and names only, never a secret or a plaintext.</summary>
public abstract record MemberObservation
{
    /// <summary>The member entered an epoch: how (commit, own, welcome, external, switch), the commit's hash, the epoch authenticator's hash, the members by name.</summary>
    public sealed record EpochEntered(ulong Epoch, byte[] CommitHash, byte[] EpochAuthenticatorHash, string How, string Committer,
        IReadOnlyList<string> Members) : MemberObservation
    {
        /// <summary>Send groups: the owner of the group whose epoch this is (null for the one-group strategies).</summary>
        public string? Group { get; init; }
    }

    /// <summary>An application message was decrypted: its sender (from the MLS sender leaf's credential), its id, the epoch it was sent in.</summary>
    public sealed record Delivered(string DatagramId, string Sender, long MessageId, ulong Epoch, bool ViaKeyShare) : MemberObservation
    {
        /// <summary>Send groups: the owner of the group the message was read in (null otherwise).</summary>
        public string? Group { get; init; }

        /// <summary>Retention: the epoch identifier the message named (the hash of the commit that made its epoch), so the reader's branch is known.</summary>
        public byte[]? EpochId { get; init; }
    }

    /// <summary>
    /// Retention: the member now holds a state of another branch (or of an epoch it left) beside its
    /// current one: the epoch, the commit that made it, its authenticator's hash, its members.
    /// </summary>
    public sealed record BranchHeld(ulong Epoch, byte[] CommitHash, byte[] EpochAuthenticatorHash, string Committer, IReadOnlyList<string> Members) : MemberObservation;

    /// <summary>Retention: our commit merged other branches by importing their epochs as PSKs (their epoch ids).</summary>
    public sealed record Merged(ulong Epoch, IReadOnlyList<byte[]> Imported) : MemberObservation;

    /// <summary>A datagram that could not be used: why (an MLS error or a protocol reason).</summary>
    public sealed record Rejected(string DatagramId, MultiKind Kind, string Reason) : MemberObservation;

    /// <summary>Two different commits for one epoch were seen (Epoch is the epoch they both start); how: commits|chain.</summary>
    public sealed record ForkDetected(ulong Epoch, string How, string Peer) : MemberObservation;

    /// <summary>The member left its branch for the canonical one (how: retained|external|welcome).</summary>
    public sealed record Rejoined(ulong FromEpoch, ulong ToEpoch, string How) : MemberObservation;

    /// <summary>Key-share: a losing branch's message re-encrypted for <see cref="To"/>.</summary>
    public sealed record KeyShareSent(string To, string DatagramId) : MemberObservation;

    /// <summary>An application message was sent: its id, the datagram id of its MLS message, the epoch, and the members it was for.</summary>
    public sealed record Sent(long MessageId, string DatagramId, ulong Epoch, IReadOnlyList<string> Recipients) : MemberObservation;

    /// <summary>A membership change or update this member wants was committed again after a heal or a rejection.</summary>
    public sealed record Reproposed(string Intent) : MemberObservation;
}

/// <summary>What one input to a member produced.</summary>
public sealed record MemberStep(IReadOnlyList<Outgoing> Sends, IReadOnlyList<MemberObservation> Observations)
{
    public static readonly MemberStep Empty = new([], []);
}
