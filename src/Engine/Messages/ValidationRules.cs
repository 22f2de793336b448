using Sim.Engine.Crypto;

namespace Sim.Engine.Messages;

/// <summary>
/// The <see cref="ValidationRule"/>s that judge a LeafNode or a KeyPackage on its own, each once.
/// Every method throws <see cref="MlsProtocolException"/> naming its rule, with <paramref name="error"/>
/// as the reason (<see cref="MlsError.InvalidLeafNode"/> for a leaf, <see cref="MlsError.InvalidKeyPackage"/>
/// inside a KeyPackage) unless the rule has a reason of its own (a bad key is <see cref="MlsError.InvalidKey"/>,
/// a bad signature <see cref="MlsError.BadSignature"/> in a KeyPackage). The rules that compare a leaf
/// with the other members are in <see cref="Tree.LeafNodeValidator"/>.
/// </summary>
internal static class ValidationRules
{
    /// <summary>§7.2: application_id … external_senders (0x0001–0x0005) are default extension types,
    /// supported by every client and never listed in capabilities.</summary>
    public static bool IsDefaultExtension(ushort type) => type is >= Extension.ApplicationId and <= Extension.ExternalSenders;

    /// <summary>§17.4: proposal types 0x0001–0x0007 are supported by every client and need not be listed.</summary>
    public static bool IsDefaultProposal(ushort type) => type is >= 1 and <= 7;

    /// <summary>
    /// <see cref="ValidationRule.LeafSignatureKey"/>, asked once a signature did not verify (so a good
    /// signature costs no second key decoding): a malformed or compressed key is an invalid key, not a bad signature.
    /// </summary>
    public static void SignatureKey(CipherSuite suite, ReadOnlySpan<byte> signatureKey, string whose)
    {
        if (!suite.Signature.IsValidPublicKey(signatureKey))
            throw new MlsProtocolException(MlsError.InvalidKey, ValidationRule.LeafSignatureKey,
                $"{whose}: signature_key ({signatureKey.Length} bytes) is not a public key of signature scheme 0x{suite.Signature.Id:x4}");
    }

    /// <summary><see cref="ValidationRule.LeafOwnCapabilities"/>.</summary>
    public static void LeafOwnCapabilities(LeafNode leaf, MlsError error)
    {
        if (!leaf.Capabilities.Versions.Contains(GroupContext.Mls10))
            throw new MlsProtocolException(error, ValidationRule.LeafOwnCapabilities, "capabilities lack mls10");
        if (!leaf.Capabilities.Credentials.Contains((ushort)leaf.Credential.CredentialType))
            throw new MlsProtocolException(error, ValidationRule.LeafOwnCapabilities,
                $"capabilities lack its own credential type {leaf.Credential.CredentialType}");
    }

    /// <summary><see cref="ValidationRule.LeafCipherSuite"/>; checked only when asked for.</summary>
    public static void LeafCipherSuite(CipherSuite suite, LeafNode leaf, MlsError error)
    {
        if (!leaf.Capabilities.CipherSuites.Contains(suite.Id))
            throw new MlsProtocolException(error, ValidationRule.LeafCipherSuite, $"capabilities lack the group's cipher suite 0x{suite.Id:x4}");
    }

    /// <summary><see cref="ValidationRule.LeafExtensionsInCapabilities"/>.</summary>
    public static void LeafExtensionsInCapabilities(LeafNode leaf, MlsError error)
    {
        var extensions = leaf.Extensions;
        for (int i = 0; i < extensions.Count; i++) // by index: no boxed enumerator (every leaf received is checked)
            if (extensions[i] is var extension && !IsDefaultExtension(extension.ExtensionType) && !leaf.Capabilities.Extensions.Contains(extension.ExtensionType))
                throw new MlsProtocolException(error, ValidationRule.LeafExtensionsInCapabilities,
                    $"leaf extension 0x{extension.ExtensionType:x4} is not listed in capabilities");
    }

    /// <summary>The part of <see cref="ValidationRule.LeafRequiredCapabilities"/> a Capabilities decides: null if supported, else why not.</summary>
    public static string? MissingRequiredCapability(Capabilities capabilities, RequiredCapabilities? required)
    {
        if (required is null) return null;
        foreach (var e in required.ExtensionTypes)
            if (!IsDefaultExtension(e) && !capabilities.Extensions.Contains(e)) return $"required extension 0x{e:x4} unsupported";
        foreach (var p in required.ProposalTypes)
            if (!IsDefaultProposal(p) && !capabilities.Proposals.Contains(p)) return $"required proposal 0x{p:x4} unsupported";
        foreach (var c in required.CredentialTypes)
            if (!capabilities.Credentials.Contains(c)) return $"required credential type 0x{c:x4} unsupported";
        return null;
    }

    /// <summary><see cref="ValidationRule.LeafRequiredCapabilities"/>.</summary>
    public static void LeafRequiredCapabilities(LeafNode leaf, RequiredCapabilities? required, MlsError error)
    {
        if (MissingRequiredCapability(leaf.Capabilities, required) is { } why)
            throw new MlsProtocolException(error, ValidationRule.LeafRequiredCapabilities, why);
    }

    /// <summary>
    /// <see cref="ValidationRule.LeafLifetime"/> for a key_package leaf (the only source with a lifetime):
    /// ordered, at most <paramref name="maxSeconds"/> long, and containing <paramref name="now"/> (seconds
    /// since the Unix epoch, bounds inclusive) when a clock is given. §7.3 requires the time check for
    /// leaves a client sends and recommends it for leaves it receives: the group layer does both.
    /// </summary>
    public static void LeafLifetime(LeafNode leaf, ulong? now, ulong? maxSeconds, MlsError error)
    {
        if (leaf.LeafNodeSource != LeafNodeSource.KeyPackage || leaf.Lifetime is not { } life) return;
        if (life.NotBefore > life.NotAfter)
            throw new MlsProtocolException(error, ValidationRule.LeafLifetime, "lifetime: not_before is after not_after");
        if (maxSeconds is { } max && life.NotAfter - life.NotBefore > max)
            throw new MlsProtocolException(error, ValidationRule.LeafLifetime, "lifetime is longer than the maximum allowed");
        if (now is { } t && (t < life.NotBefore || t > life.NotAfter))
            throw new MlsProtocolException(error, ValidationRule.LeafLifetime,
                $"lifetime [{life.NotBefore}, {life.NotAfter}] does not contain the current time {t}");
    }

    /// <summary>Seconds since the Unix epoch of a clock reading (negative: before the epoch, so 0).</summary>
    public static ulong? Seconds(DateTimeOffset? time) => time is { } t ? (ulong)Math.Max(0, t.ToUnixTimeSeconds()) : null;
}
