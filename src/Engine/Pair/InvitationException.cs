using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>Why <see cref="PairSession.Accept"/> refused an invitation (PAIRMLS.md "Creating a conversation").</summary>
public enum InvitationError
{
    /// <summary>The invitation's cipher suite is unknown.</summary>
    UnsupportedCipherSuite,
    /// <summary>§7.2, §10: the invitation's KeyPackage is outside its lifetime (expired, or not valid yet); the message says when it was valid.</summary>
    OutsideLifetime,
    /// <summary>§10.1: the invitation's KeyPackage is invalid (<see cref="MlsOperationException.Rule"/> names the rule).</summary>
    InvalidKeyPackage,
    /// <summary>The inviter's card assertion or identity binding is not acceptable (the inner exception is the identity layer's, with its reason).</summary>
    IdentityRejected,
}

/// <summary><see cref="PairSession.Accept"/> refused an invitation; nothing was made.</summary>
public sealed class InvitationException : MlsOperationException
{
    internal InvitationException(InvitationError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public InvitationError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static InvitationException From(MlsProtocolException e) => new(e.Error switch
    {
        MlsError.UnsupportedCipherSuite => InvitationError.UnsupportedCipherSuite,
        MlsError.RejectedByAuthenticationService => InvitationError.IdentityRejected,
        _ when e.Rule == ValidationRule.LeafLifetime => InvitationError.OutsideLifetime,
        _ => InvitationError.InvalidKeyPackage,
    }, e.Message, e.Rule, e);
}
