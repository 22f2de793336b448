using Sim.Engine.Crypto;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §10.1 KeyPackage validation, with the parts of §7.3 leaf node validation that a
/// KeyPackage can be judged on alone (group-wide checks, such as required capabilities, credential
/// support by every member and key uniqueness, belong to the group). Checks, in order:
/// <list type="bullet">
/// <item>version is mls10 and cipher_suite is the group's (and supported);</item>
/// <item>init_key and encryption_key are public keys of the suite's KEM, and differ (§10.1);</item>
/// <item>leaf_node_source is key_package and the lifetime is ordered, not longer than a given maximum,
/// and (when a time is given) current; bounds are inclusive (§7.2);</item>
/// <item>the credential type is listed in the leaf's capabilities, and so is every non-default
/// extension of the leaf (§7.2, §7.3);</item>
/// <item>the leaf signature (LeafNodeTBS, no group context) and the KeyPackage signature
/// (KeyPackageTBS), both under the leaf's signature_key.</item>
/// </list>
/// Failures are <see cref="MlsProtocolException"/>: <see cref="MlsError.BadSignature"/> for a
/// signature, <see cref="MlsError.UnsupportedCipherSuite"/> for an unknown suite,
/// <see cref="MlsError.InvalidKeyPackage"/> for everything else.
/// </summary>
public static class KeyPackageValidation
{
    public const string Label = "KeyPackageTBS";

    /// <summary>Throws on the first failed check; returns normally if the KeyPackage is valid.</summary>
    /// <param name="groupSuite">The suite the KeyPackage must use (the group's, §10.1).</param>
    /// <param name="now">If given, the lifetime must contain this instant.</param>
    /// <param name="maxLifetime">If given, not_after − not_before may not exceed it (§7.2: the
    /// application's maximum total lifetime).</param>
    public static void Validate(CipherSuite groupSuite, KeyPackage keyPackage, DateTimeOffset? now = null, TimeSpan? maxLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(groupSuite);
        ArgumentNullException.ThrowIfNull(keyPackage);
        if (keyPackage.Version != GroupContext.Mls10)
            throw Invalid($"version {keyPackage.Version} is not mls10");
        var suite = CipherSuite.Get(keyPackage.CipherSuite);
        if (suite.Id != groupSuite.Id)
            throw Invalid($"cipher suite 0x{suite.Id:x4} does not match the group's 0x{groupSuite.Id:x4}");

        var leaf = keyPackage.LeafNode;
        if (keyPackage.InitKey.Length != suite.Kem.PublicKeyLength || leaf.EncryptionKey.Length != suite.Kem.PublicKeyLength)
            throw Invalid("init_key or encryption_key is not a public key of the suite's KEM");
        if (CipherSuite.FixedTimeEquals(keyPackage.InitKey, leaf.EncryptionKey))
            throw Invalid("init_key equals leaf_node.encryption_key");

        if (leaf.LeafNodeSource != LeafNodeSource.KeyPackage || leaf.Lifetime is not { } lifetime)
            throw Invalid($"leaf_node_source is {leaf.LeafNodeSource}, not key_package");
        CheckLifetime(lifetime, now, maxLifetime);

        if (!leaf.Capabilities.Credentials.Contains((ushort)leaf.Credential.CredentialType))
            throw Invalid($"credential type {leaf.Credential.CredentialType} is not in the leaf's capabilities");
        foreach (var extension in leaf.Extensions)
        {
            if (!IsDefaultExtension(extension.ExtensionType) && !leaf.Capabilities.Extensions.Contains(extension.ExtensionType))
                throw Invalid($"leaf extension 0x{extension.ExtensionType:x4} is not in the leaf's capabilities");
        }

        if (!LeafNodeSignature.Verify(suite, leaf))
            throw new MlsProtocolException(MlsError.BadSignature, "KeyPackage: leaf node signature does not verify");
        if (!suite.VerifyWithLabel(leaf.SignatureKey, Label, keyPackage.ToBeSigned(), keyPackage.Signature))
            throw new MlsProtocolException(MlsError.BadSignature, "KeyPackage: signature does not verify");
    }

    private static void CheckLifetime(Lifetime lifetime, DateTimeOffset? now, TimeSpan? maxLifetime)
    {
        if (lifetime.NotBefore > lifetime.NotAfter)
            throw Invalid("lifetime: not_before is after not_after");
        if (maxLifetime is { } max && lifetime.NotAfter - lifetime.NotBefore > (ulong)Math.Max(0, (long)max.TotalSeconds))
            throw Invalid("lifetime is longer than the maximum allowed");
        if (now is { } t)
        {
            long seconds = t.ToUnixTimeSeconds();
            if (seconds < 0 || (ulong)seconds < lifetime.NotBefore || (ulong)seconds > lifetime.NotAfter)
                throw Invalid("the current time is outside the lifetime");
        }
    }

    /// <summary>§7.2: application_id … external_senders (0x0001–0x0005) are default extension types,
    /// supported by every client and never listed in capabilities.</summary>
    private static bool IsDefaultExtension(ushort type) => type is >= Extension.ApplicationId and <= Extension.ExternalSenders;

    private static MlsProtocolException Invalid(string message) => new(MlsError.InvalidKeyPackage, $"KeyPackage: {message}");
}
