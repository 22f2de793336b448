namespace Sim.Engine;

/// <summary>Why the engine refused a message or an operation on protocol grounds.</summary>
internal enum MlsError
{
    Malformed,
    DecryptionFailed,
    BadSignature,
    BadMembershipTag,
    BadConfirmationTag,
    WrongGroup,
    WrongEpoch,
    UnknownSender,
    GenerationTooOld,
    GenerationTooFar,
    GenerationReused,
    InvalidProposalList,
    InvalidTree,
    InvalidParentHash,
    InvalidLeafNode,
    InvalidKeyPackage,
    UnsupportedCipherSuite,
    UnsupportedWireFormat,
    MissingKey,
    InvalidWelcome,
    InvalidKey,
    /// <summary>A Welcome has no EncryptedGroupSecrets for our KeyPackage (RFC 9420 §12.4.3.1): addressed to others.</summary>
    WelcomeNotForUs,
    InvalidUpdatePath,
    /// <summary>RFC 9420 §6.1: a sender type that may not send this content (e.g. an external commit).</summary>
    InvalidSender,
    /// <summary>RFC 9420 §5.3.1: the Authentication Service refused a leaf (its reason, e.g. PairMLS's
    /// <see cref="Identity.IdentityError"/>, is in the exception it threw).</summary>
    RejectedByAuthenticationService,
}

/// <summary>
/// Bad input from the network, below the PairMLS surface: a typed reason, never a crash.
/// Programming errors are ordinary .NET exceptions, not this one. Internal: every public operation
/// reports it as its own typed error (<see cref="MlsOperationException"/>), PairMLS as a Rejected
/// outcome; an application's Authentication Service refuses with the public
/// <see cref="Group.AuthenticationServiceException"/>.
/// </summary>
internal class MlsProtocolException : Exception
{
    public MlsError Error { get; }

    /// <summary>The named validation rule that refused the input, when one did (RFC section in the message).</summary>
    public Messages.ValidationRule? Rule { get; }

    public MlsProtocolException(MlsError error, string message) : base($"{error}: {message}") => Error = error;
    public MlsProtocolException(MlsError error, string message, Exception inner) : base($"{error}: {message}", inner)
    {
        Error = error;
        Rule = (inner as MlsProtocolException)?.Rule;
    }

    /// <summary>A refusal by <paramref name="rule"/>: the message reads "error: [Rule §x] message".</summary>
    public MlsProtocolException(MlsError error, Messages.ValidationRule rule, string message)
        : base($"{error}: [{rule} {Messages.ValidationRuleSections.Section(rule)}] {message}")
    {
        Error = error;
        Rule = rule;
    }
}
