using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>What <see cref="PairSession.Receive"/> made of a datagram (PAIRMLS.md "Receiving: outcomes, never surprises").</summary>
public abstract record ReceiveOutcome;

/// <summary>
/// The datagram was opened and verified: its <paramref name="Payload"/>, the epoch it was sent in,
/// the sender's committed identity, and every identity change its stapled commit made committed
/// (ours, when the peer's commit took our update; the peer's, when its commit changed its own leaf).
/// </summary>
public sealed record Delivered(byte[] Payload, ulong Epoch, IdentityView Sender, IReadOnlyList<IdentityChange> Committed) : ReceiveOutcome
{
    /// <summary>
    /// The leaf index of the MLS sender (RFC 9420 §6.1 FramedContent.sender) of the stapled Commit this
    /// receive processed, read from the commit itself; null when it processed none.
    /// </summary>
    public uint? CommitSender { get; init; }

    public override string ToString() => $"Delivered(epoch {Epoch}, {Payload.Length} bytes, {Committed.Count} identity changes)";
}

/// <summary>Already delivered: nothing is delivered twice.</summary>
public sealed record Duplicate(ulong Epoch) : ReceiveOutcome;

/// <summary>Sent in an epoch (or at a generation) whose keys were deleted: outside the retention window.</summary>
public sealed record Expired(ulong Epoch) : ReceiveOutcome;

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
    /// <summary>MLS refused it for another reason (proposal list, tree, path, sender, generation too far), or it breaks a PairMLS rule.</summary>
    Invalid,
}
