using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>Why <see cref="MlsGroup.JoinExternal"/> refused a GroupInfo (RFC 9420 §12.4.3.2).</summary>
public enum ExternalJoinError
{
    /// <summary>The GroupInfo's cipher suite is unknown.</summary>
    UnsupportedCipherSuite,
    /// <summary>The GroupInfo cannot be joined: another version, signer not a member, no external_pub, no ratchet tree, an extension that does not decode.</summary>
    InvalidGroupInfo,
    /// <summary>The GroupInfo's signature does not verify.</summary>
    BadSignature,
    /// <summary>§7.9: the ratchet tree is invalid, or our new leaf would be (<see cref="MlsOperationException.Rule"/> names a leaf rule).</summary>
    InvalidTree,
    /// <summary>§5.1: external_pub or a key of the tree is not a key of the suite.</summary>
    InvalidKey,
    /// <summary>§5.3.1: the Authentication Service refused a member (its reason is the inner exception).</summary>
    RejectedByAuthenticationService,
}

/// <summary><see cref="MlsGroup.JoinExternal"/> was refused; nothing was made.</summary>
public sealed class ExternalJoinException : MlsOperationException
{
    internal ExternalJoinException(ExternalJoinError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public ExternalJoinError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static ExternalJoinException From(MlsProtocolException e) => new(Of(e), e.Message, e.Rule, e);

    private static ExternalJoinError Of(MlsProtocolException e) => OperationErrors.Category(e.Rule) switch
    {
        RuleCategory.Leaf or RuleCategory.KeyPackage when e.Error is not (MlsError.InvalidKey or MlsError.RejectedByAuthenticationService) => ExternalJoinError.InvalidTree,
        _ => e.Error switch
        {
            MlsError.UnsupportedCipherSuite => ExternalJoinError.UnsupportedCipherSuite,
            MlsError.BadSignature => ExternalJoinError.BadSignature,
            MlsError.InvalidTree or MlsError.InvalidParentHash or MlsError.InvalidLeafNode or MlsError.InvalidUpdatePath => ExternalJoinError.InvalidTree,
            MlsError.InvalidKey => ExternalJoinError.InvalidKey,
            MlsError.RejectedByAuthenticationService => ExternalJoinError.RejectedByAuthenticationService,
            _ => ExternalJoinError.InvalidGroupInfo,
        },
    };
}
