using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>Why joining from a Welcome (<see cref="MlsGroup.JoinFromWelcome"/>, <see cref="MlsGroup.JoinReInit"/>,
/// <see cref="MlsGroup.JoinBranch"/>) was refused (RFC 9420 §12.4.3.1, §11).</summary>
public enum WelcomeError
{
    /// <summary>A part of the Welcome (group secrets, GroupInfo, ratchet tree) does not decode.</summary>
    Malformed,
    /// <summary>No EncryptedGroupSecrets names our KeyPackage: the Welcome is for others.</summary>
    NotForUs,
    /// <summary>The Welcome's cipher suite is unknown, or not our KeyPackage's.</summary>
    UnsupportedCipherSuite,
    /// <summary>The group secrets or the GroupInfo do not decrypt.</summary>
    DecryptionFailed,
    /// <summary>The Welcome is inconsistent (duplicate entries, sizes, version, our leaf missing, the signer),
    /// or a ReInit/branch Welcome breaks a rule of §11 / §12.4.3.1 (its resumption PSK, epoch 1, same members).</summary>
    InvalidWelcome,
    /// <summary>The GroupInfo's signature does not verify.</summary>
    BadSignature,
    /// <summary>The GroupInfo's confirmation tag does not match the secrets.</summary>
    BadConfirmationTag,
    /// <summary>§7.9, §12.4.3.1: the ratchet tree is invalid (tree hash, parent hashes, a leaf: <see cref="MlsOperationException.Rule"/> names a leaf rule).</summary>
    InvalidTree,
    /// <summary>§5.1: a public key is not a key of the suite.</summary>
    InvalidKey,
    /// <summary>A PSK the Welcome names is not available (for a branch: the original epoch's resumption PSK is no longer retained).</summary>
    MissingPsk,
    /// <summary>§5.3.1: the Authentication Service refused a member (its reason is the inner exception).</summary>
    RejectedByAuthenticationService,
}

/// <summary>Joining from a Welcome was refused; nothing changed (a ReInit's or branch's old group neither).</summary>
public sealed class WelcomeException : MlsOperationException
{
    internal WelcomeException(WelcomeError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public WelcomeError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static WelcomeException From(MlsProtocolException e) => new(Of(e), e.Message, e.Rule, e);

    private static WelcomeError Of(MlsProtocolException e) => OperationErrors.Category(e.Rule) switch
    {
        RuleCategory.Leaf or RuleCategory.KeyPackage when e.Error is not (MlsError.InvalidKey or MlsError.RejectedByAuthenticationService) => WelcomeError.InvalidTree,
        _ => e.Error switch
        {
            MlsError.Malformed or MlsError.UnsupportedWireFormat => WelcomeError.Malformed,
            MlsError.WelcomeNotForUs => WelcomeError.NotForUs,
            MlsError.UnsupportedCipherSuite => WelcomeError.UnsupportedCipherSuite,
            MlsError.DecryptionFailed => WelcomeError.DecryptionFailed,
            MlsError.BadSignature => WelcomeError.BadSignature,
            MlsError.BadConfirmationTag => WelcomeError.BadConfirmationTag,
            MlsError.InvalidTree or MlsError.InvalidParentHash or MlsError.InvalidLeafNode or MlsError.InvalidUpdatePath => WelcomeError.InvalidTree,
            MlsError.InvalidKey => WelcomeError.InvalidKey,
            MlsError.MissingKey => WelcomeError.MissingPsk,
            MlsError.RejectedByAuthenticationService => WelcomeError.RejectedByAuthenticationService,
            // InvalidWelcome, and what cannot be a Welcome's fault otherwise (a GroupInfo of another group or epoch, ...).
            _ => WelcomeError.InvalidWelcome,
        },
    };
}
