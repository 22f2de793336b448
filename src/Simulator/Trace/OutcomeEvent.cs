namespace Sim.Simulator.Trace;

/// <summary>
/// What Receive returned at Party for the bytes of the Deliver event just before it (written after
/// the Joined/Epoch/Identity events the datagram caused): <see cref="Result"/> Delivered, Duplicate,
/// Expired, Rejected (or another outcome the engine defines), the rejection <see cref="Reason"/> and
/// its <see cref="Detail"/> text (engine text: names fields, never secrets). Epoch is the datagram's
/// epoch when known; PayloadId on Delivered.
/// </summary>
public sealed record OutcomeEvent : TraceEvent
{
    public const string Delivered = "Delivered";
    public const string Duplicate = "Duplicate";
    public const string Expired = "Expired";
    public const string Rejected = "Rejected";
    public const string RollbackDetected = "RollbackDetected";
    public const string Resynced = "Resynced";
    /// <summary>
    /// Not an engine outcome: the inviter's invitation joined from the datagram, but its acceptor is not the world's
    /// peer (PAIRMLS.md: an invitation may be shared with many people). That conversation is one of its own, which the
    /// world does not follow; the invitation stays open for the peer's Welcome. <see cref="Detail"/> names the acceptor's card.
    /// </summary>
    public const string OtherConversation = "OtherConversation";

    public override TraceKind Kind => TraceKind.Outcome;
    public string Result { get; init; } = Rejected;
    public string? Reason { get; init; }
    public string? Detail { get; init; }
    public long? PayloadId { get; init; }
    /// <summary>On Delivered: id of the payload bytes the engine delivered (a hash), compared by Integrity with the Send's.</summary>
    public string? PayloadHash { get; init; }
    /// <summary>The outcome said nothing changed (always so for Rejected), but the receiver's saved state afterwards is not byte-identical to its state before.</summary>
    public bool StateAltered { get; init; }
    /// <summary>The engine said this datagram made the party start offering a resync (RecoveryOffered): its next datagrams must be offers.</summary>
    public bool Offered { get; init; }

    /// <summary>"Delivered", "Duplicate", "Expired", "Rejected:Reason", "RollbackDetected:Evidence", "Resynced" ...: the name counts and tables use.</summary>
    public string Name => Reason is null ? Result : $"{Result}:{Reason}";

    /// <summary>
    /// A payload reached the application: a Delivered outcome, or a Resynced one whose offer carried its
    /// payload sealed to the rejoining party (docs/RECOVERY.md "The offer's payload"; it names the payload,
    /// sent in the epoch before <see cref="TraceEvent.Epoch"/>). Every checker counts deliveries by this.
    /// </summary>
    public bool IsDelivered => Result == Delivered || (Result == Resynced && PayloadHash is not null);

    /// <summary>The epoch the delivered payload was sent in: <see cref="TraceEvent.Epoch"/>, or the one before it for a Resynced outcome.</summary>
    public ulong? PayloadEpoch => Result == Resynced ? Epoch - 1 : Epoch;
}
