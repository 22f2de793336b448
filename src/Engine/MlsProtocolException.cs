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
