namespace Sim.Engine.Pair;

/// <summary>
/// Internal control flow of the receive pipeline: a datagram is refused for <see cref="Reason"/>.
/// Never escapes <see cref="PairSession.Receive"/> or <see cref="Invitation.TryJoin"/>: they turn it
/// into <see cref="Rejected"/>.
/// </summary>
internal sealed class PairRejection(RejectReason reason, string detail) : Exception($"{reason}: {detail}")
{
    public RejectReason Reason { get; } = reason;
    public string Detail { get; } = detail;

    public Rejected ToOutcome() => new(Reason, Detail);

    /// <summary>How an MLS-level refusal shows at the PairMLS surface. An engine bug is an
    /// <see cref="MlsInternalException"/>, never an <see cref="MlsProtocolException"/>: it is not mapped here
    /// and escapes <see cref="PairSession.Receive"/>, so a bug never looks like an attack.</summary>
    public static PairRejection From(MlsProtocolException e, string where) => new(e.Error switch
    {
        MlsError.Malformed => RejectReason.Malformed,
        MlsError.BadSignature or MlsError.BadMembershipTag or MlsError.BadConfirmationTag or MlsError.DecryptionFailed => RejectReason.BadSignature,
        MlsError.WrongGroup or MlsError.WelcomeNotForUs => RejectReason.NotForThisSession,
        MlsError.WrongEpoch => RejectReason.UnknownEpoch,
        MlsError.RejectedByAuthenticationService => RejectReason.IdentityRejected,
        _ => RejectReason.Invalid,
    }, $"{where}: {e.Message}");
}
