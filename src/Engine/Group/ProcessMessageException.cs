using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>Why <see cref="MlsGroup.Process(Framing.MlsMessage)"/> refused a message (RFC 9420 §6, §12.1, §12.4.2, §15).</summary>
public enum ProcessMessageError
{
    /// <summary>Not a decodable MLSMessage, or not a PublicMessage/PrivateMessage.</summary>
    Malformed,
    /// <summary>For another group.</summary>
    WrongGroup,
    /// <summary>For another epoch than the current one (or a retained one, for application data); also any handshake once we were removed or the group was reinitialised.</summary>
    WrongEpoch,
    /// <summary>The sender is not a member (or external sender) of this epoch.</summary>
    UnknownSender,
    /// <summary>§6.1: a sender type that may not send this content, or our own message come back.</summary>
    InvalidSender,
    /// <summary>§6.3: sender data or content does not decrypt.</summary>
    DecryptionFailed,
    /// <summary>§6.1: the signature does not verify.</summary>
    BadSignature,
    /// <summary>§6.2: the membership tag does not verify.</summary>
    BadMembershipTag,
    /// <summary>§12.4.2: the confirmation tag does not verify.</summary>
    BadConfirmationTag,
    /// <summary>§9: its generation's key was already deleted (older than the out-of-order window).</summary>
    GenerationTooOld,
    /// <summary>§9: its generation is beyond the maximum forward distance.</summary>
    GenerationTooFar,
    /// <summary>§9: its generation's key was already used (a replay).</summary>
    GenerationReused,
    /// <summary>§12.1, §12.2, §12.4.2: a proposal or the Commit's proposal list breaks a rule (<see cref="MlsOperationException.Rule"/> names it).</summary>
    InvalidProposal,
    /// <summary>§10.1: an Add's KeyPackage is invalid.</summary>
    InvalidKeyPackage,
    /// <summary>§7.3: a leaf (of an Update or a Commit's path) is invalid.</summary>
    InvalidLeafNode,
    /// <summary>§7.9, §12.4.2: the Commit's UpdatePath, or the tree it yields, is invalid (parent hashes, path secrets).</summary>
    InvalidUpdatePath,
    /// <summary>§5.1: a public key in the message is not a key of the suite.</summary>
    InvalidKey,
    /// <summary>A key the message needs is not held: a PSK its Commit names (§8.4), a path secret.</summary>
    MissingKey,
    /// <summary>§5.3.1: the Authentication Service refused a leaf (its reason is the inner exception, e.g. PairMLS's <see cref="Identity.IdentityException"/>).</summary>
    RejectedByAuthenticationService,
}

/// <summary><see cref="MlsGroup.Process(Framing.MlsMessage)"/> refused a message; the group is unchanged.</summary>
public sealed class ProcessMessageException : MlsOperationException
{
    internal ProcessMessageException(ProcessMessageError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public ProcessMessageError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static ProcessMessageException From(MlsProtocolException e) => new(Of(e), e.Message, e.Rule, e);

    /// <summary>By the engine's reason alone: the rule, when there is one, stays in <see cref="MlsOperationException.Rule"/>.</summary>
    private static ProcessMessageError Of(MlsProtocolException e) => e.Error switch
    {
        MlsError.Malformed or MlsError.UnsupportedWireFormat => ProcessMessageError.Malformed,
        MlsError.WrongGroup or MlsError.WelcomeNotForUs => ProcessMessageError.WrongGroup,
        MlsError.WrongEpoch => ProcessMessageError.WrongEpoch,
        MlsError.UnknownSender => ProcessMessageError.UnknownSender,
        MlsError.InvalidSender => ProcessMessageError.InvalidSender,
        MlsError.DecryptionFailed => ProcessMessageError.DecryptionFailed,
        MlsError.BadSignature => ProcessMessageError.BadSignature,
        MlsError.BadMembershipTag => ProcessMessageError.BadMembershipTag,
        MlsError.BadConfirmationTag => ProcessMessageError.BadConfirmationTag,
        MlsError.GenerationTooOld => ProcessMessageError.GenerationTooOld,
        MlsError.GenerationTooFar => ProcessMessageError.GenerationTooFar,
        MlsError.GenerationReused => ProcessMessageError.GenerationReused,
        MlsError.InvalidProposalList => ProcessMessageError.InvalidProposal,
        MlsError.InvalidKeyPackage or MlsError.UnsupportedCipherSuite => ProcessMessageError.InvalidKeyPackage,
        MlsError.InvalidLeafNode => ProcessMessageError.InvalidLeafNode,
        MlsError.InvalidKey => ProcessMessageError.InvalidKey,
        MlsError.MissingKey => ProcessMessageError.MissingKey,
        MlsError.RejectedByAuthenticationService => ProcessMessageError.RejectedByAuthenticationService,
        // InvalidTree, InvalidParentHash, InvalidUpdatePath, InvalidWelcome: what a Commit's path yields.
        _ => ProcessMessageError.InvalidUpdatePath,
    };
}
