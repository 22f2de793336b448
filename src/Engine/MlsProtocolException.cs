namespace Sim.Engine;

/// <summary>Why the engine refused a message or an operation on protocol grounds.</summary>
public enum MlsError
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
    /// <summary>PairMLS identity layer: a leaf's credential, card assertion or conversation binding is not acceptable.</summary>
    IdentityRejected,
    /// <summary>PairMLS identity layer: a new agent without a valid succession chain from the accepted one.</summary>
    BadSuccession,
    /// <summary>PairMLS identity layer: a new card whose version does not exceed the accepted card's.</summary>
    StaleCard,
    /// <summary>PairMLS identity layer: a leaf has no IdentityBinding extension (or more than one).</summary>
    MissingIdentityBinding,
    /// <summary>PairMLS identity layer: a leaf's IdentityBinding does not match the assertions presented for it.</summary>
    IdentityBindingMismatch,
}

/// <summary>
/// Bad input from the network, below the PairMLS surface: a typed reason, never a crash.
/// Programming errors are ordinary .NET exceptions, not this one.
/// </summary>
public sealed class MlsProtocolException : Exception
{
    public MlsError Error { get; }

    public MlsProtocolException(MlsError error, string message) : base($"{error}: {message}") => Error = error;
    public MlsProtocolException(MlsError error, string message, Exception inner) : base($"{error}: {message}", inner) => Error = error;
}
