namespace Sim.Engine.Messages;

/// <summary>Why a KeyPackage was refused (RFC 9420 §10.1, §7.3), e.g. by <see cref="Group.MlsGroup.ProposeAdd"/>.</summary>
public enum KeyPackageError
{
    /// <summary>Not version mls10, or not the group's (a known) cipher suite.</summary>
    UnsupportedVersionOrSuite,
    /// <summary>init_key, encryption_key or signature_key is not a key of the suite, or init_key equals encryption_key.</summary>
    InvalidKey,
    /// <summary>The KeyPackage's or its leaf's signature does not verify.</summary>
    BadSignature,
    /// <summary>§7.2, §7.3: the lifetime is not ordered, too long, or (with a clock) does not contain the current time.</summary>
    InvalidLifetime,
    /// <summary>§7.3: another rule on its leaf (source, capabilities, extensions: <see cref="MlsOperationException.Rule"/> names it).</summary>
    InvalidLeafNode,
}

/// <summary>A KeyPackage was refused; nothing changed.</summary>
public sealed class KeyPackageException : MlsOperationException
{
    internal KeyPackageException(KeyPackageError reason, string message, ValidationRule? rule, Exception? inner)
        : base(message, rule, inner) => Reason = reason;

    public KeyPackageError Reason { get; }

    public override string ReasonName => Reason.ToString();

    internal static KeyPackageException From(MlsProtocolException e) => new(Of(e), e.Message, e.Rule, e);

    private static KeyPackageError Of(MlsProtocolException e) => e.Rule switch
    {
        ValidationRule.KeyPackageVersionAndSuite => KeyPackageError.UnsupportedVersionOrSuite,
        ValidationRule.KeyPackageKeys or ValidationRule.LeafSignatureKey => KeyPackageError.InvalidKey,
        ValidationRule.KeyPackageSignature or ValidationRule.LeafSignature => KeyPackageError.BadSignature,
        ValidationRule.LeafLifetime => KeyPackageError.InvalidLifetime,
        _ => e.Error switch
        {
            MlsError.UnsupportedCipherSuite => KeyPackageError.UnsupportedVersionOrSuite,
            MlsError.InvalidKey => KeyPackageError.InvalidKey,
            MlsError.BadSignature => KeyPackageError.BadSignature,
            _ => KeyPackageError.InvalidLeafNode,
        },
    };
}
