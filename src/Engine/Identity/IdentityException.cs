namespace Sim.Engine.Identity;

/// <summary>Why PairMLS's Authentication Service refused a leaf (the identity layer's reasons, not MLS's).</summary>
internal enum IdentityError
{
    /// <summary>A leaf's credential, card assertion or conversation binding is not acceptable.</summary>
    Rejected,
    /// <summary>A new agent without a valid succession chain from the accepted one.</summary>
    BadSuccession,
    /// <summary>A new card whose version does not exceed the accepted card's.</summary>
    StaleCard,
    /// <summary>A leaf has no IdentityBinding extension (or more than one).</summary>
    MissingIdentityBinding,
    /// <summary>A leaf's IdentityBinding does not match the assertions presented for it.</summary>
    IdentityBindingMismatch,
}

/// <summary>
/// The identity layer refused a leaf: to the MLS layer an Authentication Service refusal
/// (<see cref="MlsError.RejectedByAuthenticationService"/>, RFC 9420 §5.3.1), with the identity reason in
/// <see cref="Reason"/>.
/// </summary>
internal sealed class IdentityException(IdentityError reason, string message)
    : MlsProtocolException(MlsError.RejectedByAuthenticationService, $"{reason}: {message}")
{
    public IdentityError Reason { get; } = reason;
}
