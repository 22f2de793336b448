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
/// Failures are <see cref="MlsProtocolException"/> naming their <see cref="ValidationRule"/>:
/// <see cref="MlsError.BadSignature"/> for a signature, <see cref="MlsError.InvalidKey"/> for a malformed
/// signature_key, <see cref="MlsError.UnsupportedCipherSuite"/> for an unknown suite,
/// <see cref="MlsError.InvalidKeyPackage"/> for everything else.
/// </summary>
internal static class KeyPackageValidation
{
    public const string Label = "KeyPackageTBS";
    private const MlsError Error = MlsError.InvalidKeyPackage;

    /// <summary>Throws on the first failed check; returns normally if the KeyPackage is valid.</summary>
    /// <param name="groupSuite">The suite the KeyPackage must use (the group's, §10.1).</param>
    /// <param name="now">If given, the lifetime must contain this instant.</param>
    /// <param name="maxLifetime">If given, not_after − not_before may not exceed it (§7.2: the
    /// application's maximum total lifetime).</param>
    public static void Validate(CipherSuite groupSuite, KeyPackage keyPackage, DateTimeOffset? now = null, TimeSpan? maxLifetime = null) =>
        Validate(groupSuite, keyPackage, ValidationRules.Seconds(now), maxLifetime is { } m ? (ulong)Math.Max(0, (long)m.TotalSeconds) : null);

    /// <summary><see cref="Validate(CipherSuite, KeyPackage, DateTimeOffset?, TimeSpan?)"/> with the time in seconds since the Unix epoch.</summary>
    internal static void Validate(CipherSuite groupSuite, KeyPackage keyPackage, ulong? now, ulong? maxLifetimeSeconds)
    {
        ArgumentNullException.ThrowIfNull(groupSuite);
        ArgumentNullException.ThrowIfNull(keyPackage);
        if (keyPackage.Version != GroupContext.Mls10)
            throw new MlsProtocolException(Error, ValidationRule.KeyPackageVersionAndSuite, $"KeyPackage: version {keyPackage.Version} is not mls10");
        var suite = CipherSuite.Get(keyPackage.CipherSuite);
        if (suite.Id != groupSuite.Id)
            throw new MlsProtocolException(Error, ValidationRule.KeyPackageVersionAndSuite,
                $"KeyPackage: cipher suite 0x{suite.Id:x4} does not match the group's 0x{groupSuite.Id:x4}");

        var leaf = keyPackage.LeafNode;
        if (keyPackage.InitKey.Length != suite.Kem.PublicKeyLength || leaf.EncryptionKey.Length != suite.Kem.PublicKeyLength)
            throw new MlsProtocolException(Error, ValidationRule.KeyPackageKeys, "KeyPackage: init_key or encryption_key is not a public key of the suite's KEM");
        if (CipherSuite.FixedTimeEquals(keyPackage.InitKey, leaf.EncryptionKey))
            throw new MlsProtocolException(Error, ValidationRule.KeyPackageKeys, "KeyPackage: init_key equals leaf_node.encryption_key");

        if (leaf.LeafNodeSource != LeafNodeSource.KeyPackage || leaf.Lifetime is null)
            throw new MlsProtocolException(Error, ValidationRule.LeafSource, $"KeyPackage: leaf_node_source is {leaf.LeafNodeSource}, not key_package");
        ValidationRules.LeafLifetime(leaf, now, maxLifetimeSeconds, Error);
        ValidationRules.LeafOwnCapabilities(leaf, Error);
        ValidationRules.LeafExtensionsInCapabilities(leaf, Error);

        if (!LeafNodeSignature.Verify(suite, leaf))
        {
            ValidationRules.SignatureKey(suite, leaf.SignatureKey, "KeyPackage");
            throw new MlsProtocolException(MlsError.BadSignature, ValidationRule.LeafSignature, "KeyPackage: leaf node signature does not verify");
        }
        if (!suite.VerifyWithLabel(leaf.SignatureKey, Label, keyPackage.ToBeSigned(), keyPackage.Signature))
            throw new MlsProtocolException(MlsError.BadSignature, ValidationRule.KeyPackageSignature, "KeyPackage: signature does not verify");
    }
}
