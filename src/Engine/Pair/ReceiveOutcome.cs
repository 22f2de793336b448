using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>
/// What <see cref="PairSession.Receive"/> made of a datagram (PAIRMLS.md "Receiving: outcomes, never surprises").
/// Every outcome says whether the datagram's stapled commit was taken (<see cref="StapleTaken"/>: the
/// session entered the datagram's epoch on it) and whether the session's state changed
/// (<see cref="StateChanged"/>: persist <see cref="PairSession.Save"/> before acting on it). A
/// <see cref="Rejected"/> datagram never changes anything.
/// </summary>
public abstract record ReceiveOutcome
{
    /// <summary>The datagram's stapled Commit was verified and merged: the session moved into its epoch.</summary>
    public bool StapleTaken { get; init; }

    /// <summary>The session's state changed (a ratchet key consumed, a commit merged, a proposal cached).</summary>
    public bool StateChanged { get; init; }

    /// <summary>
    /// The MLS leaf index of the sender of the Commit that was taken, read from the Commit itself
    /// (RFC 9420 §6: FramedContent.sender, or the leaf an external Commit fills), when <see cref="StapleTaken"/>;
    /// for <see cref="Resynced"/> our own leaf (our external Commit started the new epoch); null otherwise.
    /// </summary>
    public uint? CommitSender { get; init; }

    /// <summary>
    /// docs/RECOVERY.md "Resync": this datagram showed that the peer fell behind on another branch
    /// (or asked for it), and the session now offers it a resync with every datagram it sends.
    /// </summary>
    public bool RecoveryOffered { get; init; }

    /// <summary>docs/RECOVERY.md "Resync": the staple taken was the peer's external Commit that ended a resync.</summary>
    public bool RecoveryCompleted { get; init; }
}

/// <summary>
/// The datagram was opened and verified: its <paramref name="Payload"/>, the epoch it was sent in,
/// the sender's committed identity, and every identity change its stapled commit made committed
/// (ours, when the peer's commit took our update; the peer's, when its commit changed its own leaf).
/// </summary>
public sealed record Delivered(byte[] Payload, ulong Epoch, IdentityView Sender, IReadOnlyList<IdentityChange> Committed) : ReceiveOutcome
{
    public override string ToString() => $"Delivered(epoch {Epoch}, {Payload.Length} bytes, {Committed.Count} identity changes)";
}

/// <summary>Already delivered: nothing is delivered twice.</summary>
public sealed record Duplicate(ulong Epoch) : ReceiveOutcome;

/// <summary>
/// Recognisably this session's, but its keys are gone: its epoch is older than the retention window
/// R (only its header key, kept for H epochs, still opens it), or its generation is older than the
/// out-of-order window (RFC 9420 §9.2). Its staple may still have been taken.
/// </summary>
public sealed record Expired(ulong Epoch) : ReceiveOutcome
{
    public override string ToString() => $"Expired(epoch {Epoch}{(StapleTaken ? ", staple taken" : "")})";
}

/// <summary>
/// Authentic framing (its staple and proposal verify as MLS verifies them), but its application
/// message cannot be opened: its generation is beyond the maximum forward distance (RFC 9420 §9.2).
/// Its staple is still taken when it is the commit the receiver is missing (PAIRMLS.md "A datagram
/// stands alone"), and a leaf-only update proposal is cached, so the epochs keep advancing.
/// </summary>
public sealed record Undecryptable(ulong Epoch, string Reason) : ReceiveOutcome
{
    public override string ToString() => $"Undecryptable(epoch {Epoch}{(StapleTaken ? ", staple taken" : "")}: {Reason})";
}

/// <summary>How a rollback of a party's state showed itself (docs/RECOVERY.md "Detection").</summary>
public enum RollbackEvidence
{
    /// <summary>The peer sent a generation it had already used, with a different reuse_guard (RFC 9420 §6.3.2): it was restored from an older state.</summary>
    GenerationReused,
    /// <summary>The peer's authentic Commit covers an update proposal of ours we do not hold: we were restored from an older state.</summary>
    UnknownOwnProposal,
    /// <summary>A second, different Commit (or Welcome) for an epoch we hold: the peer was restored from an older state and committed it again.</summary>
    Fork,
}

/// <summary>
/// The datagram is authentic evidence that one side was rolled back (restored from an older state)
/// (docs/RECOVERY.md). Its payload is not delivered (its key was consumed, or its commit cannot be
/// followed). For <see cref="RollbackEvidence.GenerationReused"/> the receiver stops taking the
/// peer's update proposals of that epoch (<see cref="ReceiveOutcome.StateChanged"/>), so its next
/// commit covers none and the rolled-back peer can follow it.
/// </summary>
public sealed record RollbackDetected(ulong Epoch, RollbackEvidence Evidence, string Detail) : ReceiveOutcome
{
    public override string ToString() => $"RollbackDetected(epoch {Epoch}, {Evidence}: {Detail})";
}

/// <summary>
/// docs/RECOVERY.md "Resync": the peer's recovery offer showed that we were on an abandoned branch
/// (restored from an older state), and we rejoined the conversation with an external Commit into
/// <paramref name="Epoch"/> (RFC 9420 §12.4.3.2), keeping our agent and card. The state of the
/// abandoned branch (<paramref name="AbandonedEpoch"/> and everything after the last common epoch)
/// is deleted. The datagram's payload was sent in <paramref name="Epoch"/> − 1, whose keys we never
/// had: the offer carries it sealed to the update proposal of ours that asked (docs/RECOVERY.md "The
/// offer's payload"), and then it is <see cref="Payload"/>, delivered exactly as a <see cref="Delivered"/>
/// payload would be; null when we no longer hold that proposal's key (the payload is lost). The next
/// datagrams we send staple the external Commit.
/// </summary>
public sealed record Resynced(ulong Epoch, ulong AbandonedEpoch) : ReceiveOutcome
{
    /// <summary>The offer datagram's payload (sent by the peer in <see cref="Epoch"/> − 1), or null when it could not be opened (lost).</summary>
    public byte[]? Payload { get; init; }

    /// <summary>The peer's identity as committed in the epoch we rejoined (the sender of <see cref="Payload"/>).</summary>
    public IdentityView? Sender { get; init; }

    public override string ToString() => $"Resynced(epoch {Epoch}, abandoned epoch {AbandonedEpoch}{(Payload is { } p ? $", {p.Length} bytes delivered" : ", payload lost")})";
}

/// <summary>Refused, and nothing changed.</summary>
public sealed record Rejected(RejectReason Reason, string Detail) : ReceiveOutcome
{
    public override string ToString() => $"Rejected({Reason}: {Detail})";
}

/// <summary>Why a datagram was refused.</summary>
public enum RejectReason
{
    /// <summary>No header key of this session (nor the invitation's init key) opens it, or it names another group.</summary>
    NotForThisSession,
    /// <summary>It opened but does not decode as PairMLS framing (staple, proposal, application message, content).</summary>
    Malformed,
    /// <summary>A signature, membership tag, confirmation tag or AEAD tag inside does not verify.</summary>
    BadSignature,
    /// <summary>Its epoch is not owned by its sender, or its commit was not made by the epoch's owner.</summary>
    WrongParity,
    /// <summary>Its epoch is neither held nor the next one.</summary>
    UnknownEpoch,
    /// <summary>Its stapled commit (or Welcome) differs from the one recorded for its epoch: a second commit for one epoch.</summary>
    Fork,
    /// <summary>The Authentication Service refused a leaf change (card, agent, succession, binding).</summary>
    IdentityRejected,
    /// <summary>A leaf it brings or relies on is outside its lifetime (RFC 9420 §7.3), e.g. the invitation expired before the Welcome arrived.</summary>
    LeafExpired,
    /// <summary>MLS refused it for another reason (proposal list, tree, path, sender), or it breaks a PairMLS rule.</summary>
    Invalid,
}
