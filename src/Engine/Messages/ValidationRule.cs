namespace Sim.Engine.Messages;

/// <summary>
/// The engine's validation rules, each named once with the RFC 9420 section it implements (as
/// OpenMLS tags its rules <c>ValSem…</c>). A refusal by one of them is an
/// <see cref="MlsProtocolException"/> whose <see cref="MlsProtocolException.Rule"/> names it, so a
/// caller (or a test) knows exactly which check fired. Each rule is implemented once, in
/// <see cref="ValidationRules"/>, and called from every path that needs it (KeyPackage, Add,
/// Update, Commit path, tree import, GroupContextExtensions).
/// </summary>
public enum ValidationRule
{
    /// <summary>§7.3: the LeafNode's signature verifies under its signature_key (over group_id and leaf_index for update/commit leaves).</summary>
    LeafSignature = 1,
    /// <summary>§5.1.2, §7.3: the signature_key is a well-formed public key of the suite's signature scheme (an uncompressed point for ECDSA).</summary>
    LeafSignatureKey,
    /// <summary>§7.3: leaf_node_source is key_package in a KeyPackage, update in an Update, commit in an UpdatePath.</summary>
    LeafSource,
    /// <summary>§7.2: capabilities list the group's protocol version (mls10) and the leaf's own credential type.</summary>
    LeafOwnCapabilities,
    /// <summary>§7.2: capabilities list the group's cipher suite. Stricter than §7.3: only when <c>RequireCipherSuiteInCapabilities</c> is set.</summary>
    LeafCipherSuite,
    /// <summary>§7.3: every extension of the leaf is listed in its capabilities (default types, §7.2, need not be).</summary>
    LeafExtensionsInCapabilities,
    /// <summary>§7.3, §11.1: the group's required_capabilities (extensions, proposals, credentials) are in the leaf's capabilities.</summary>
    LeafRequiredCapabilities,
    /// <summary>§7.3: the leaf's credential type is supported by every member, and the leaf supports every type in use.</summary>
    LeafCredentialTypes,
    /// <summary>§7.2, §7.3: a key_package leaf's lifetime is ordered, not longer than allowed, and (given a clock) contains the current time.</summary>
    LeafLifetime,
    /// <summary>§7.3, §12.4.2: an Update's or a Commit path's leaf has another encryption_key than the leaf it replaces.</summary>
    LeafEncryptionKeyChanged,
    /// <summary>§7.3, §5.3: signature_key and encryption_key are unique among the members; an HPKE key is in one node only.</summary>
    LeafKeysUnique,
    /// <summary>§10.1: a KeyPackage has version mls10 and the group's cipher suite.</summary>
    KeyPackageVersionAndSuite,
    /// <summary>§10.1: init_key and encryption_key are public keys of the suite's KEM, and differ.</summary>
    KeyPackageKeys,
    /// <summary>§10.1: the KeyPackage's signature (KeyPackageTBS) verifies under its leaf's signature_key.</summary>
    KeyPackageSignature,
    /// <summary>§12.1.7, §11.1: every member supports every non-default GroupContext extension and the required capabilities.</summary>
    GroupExtensionsSupported,
}

/// <summary>The RFC section of each <see cref="ValidationRule"/>, for messages.</summary>
internal static class ValidationRuleSections
{
    public static string Section(this ValidationRule rule) => rule switch
    {
        ValidationRule.LeafSignatureKey => "§5.1.2",
        ValidationRule.LeafOwnCapabilities or ValidationRule.LeafCipherSuite => "§7.2",
        ValidationRule.LeafEncryptionKeyChanged => "§7.3/§12.4.2",
        ValidationRule.KeyPackageVersionAndSuite or ValidationRule.KeyPackageKeys or ValidationRule.KeyPackageSignature => "§10.1",
        ValidationRule.GroupExtensionsSupported => "§12.1.7",
        _ => "§7.3",
    };
}
