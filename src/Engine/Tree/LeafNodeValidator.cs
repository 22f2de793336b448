using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §7.3 leaf node validation (the credential itself is the Authentication Service's
/// job, in Identity/), as the named <see cref="ValidationRule"/>s: those that judge the leaf alone
/// are in <see cref="ValidationRules"/>, those that compare it with the other members here. Every
/// failure is <see cref="MlsError.InvalidLeafNode"/> naming its rule, except a malformed
/// signature_key (<see cref="MlsError.InvalidKey"/>).
/// </summary>
internal static class LeafNodeValidator
{
    private const MlsError Error = MlsError.InvalidLeafNode;

    /// <summary>
    /// Validates <paramref name="leaf"/> for leaf <paramref name="leafIndex"/> of <paramref name="tree"/>.
    /// <paramref name="leafIndex"/> is the leaf's place (signed over for update/commit sources; the
    /// leaf currently there is the one being replaced, so it is left out of the uniqueness and
    /// credential-type comparisons); null for a KeyPackage leaf not yet placed.
    /// <paramref name="expectedSource"/>, when given, must match leaf_node_source.
    /// <paramref name="signatureVerified"/>: the caller already knows the signature over this leaf at
    /// <paramref name="leafIndex"/> in this group is valid (verified when the proposal carrying it was
    /// received, or made by us with the leaf's own key), so it is not verified again; everything else is.
    /// </summary>
    public static void Validate(LeafNode leaf, uint? leafIndex, LeafNodeValidationContext context, RatchetTree? tree,
        LeafNodeSource? expectedSource = null, bool signatureVerified = false)
    {
        ValidateAlone(leaf, leafIndex, context, expectedSource, signatureVerified);
        if (tree is null) return;
        EncryptionKeyChanged(leaf, leafIndex, tree);
        CredentialTypes(leaf, leafIndex, tree.Leaves);
        KeysUnique(leaf, leafIndex, tree);
    }

    /// <summary>The rules that need no other member: source, signature, capabilities, extensions, lifetime.</summary>
    internal static void ValidateAlone(LeafNode leaf, uint? leafIndex, LeafNodeValidationContext context, LeafNodeSource? expectedSource,
        bool signatureVerified = false)
    {
        if (expectedSource is { } s && leaf.LeafNodeSource != s)
            throw new MlsProtocolException(Error, ValidationRule.LeafSource, $"leaf_node_source is {leaf.LeafNodeSource}, expected {s}");
        bool inGroup = leaf.LeafNodeSource is LeafNodeSource.Update or LeafNodeSource.Commit;
        if (inGroup && leafIndex is null)
            throw new MlsProtocolException(Error, ValidationRule.LeafSource, $"a {leaf.LeafNodeSource} leaf must be validated at a leaf index");
        if (!signatureVerified &&
            !LeafNodeSignature.Verify(context.Suite, leaf, inGroup ? context.GroupId : null, inGroup ? leafIndex : null))
        {
            ValidationRules.SignatureKey(context.Suite, leaf.SignatureKey, "leaf");
            throw new MlsProtocolException(Error, ValidationRule.LeafSignature, "signature does not verify");
        }
        if (context.RequireCipherSuiteInCapabilities) ValidationRules.LeafCipherSuite(context.Suite, leaf, Error);
        ValidationRules.LeafOwnCapabilities(leaf, Error);
        ValidationRules.LeafExtensionsInCapabilities(leaf, Error);
        ValidationRules.LeafRequiredCapabilities(leaf, context.RequiredCapabilities, Error);
        ValidationRules.LeafLifetime(leaf, context.CurrentTime, context.MaxLifetimeSeconds, Error);
    }

    /// <summary><see cref="ValidationRule.LeafEncryptionKeyChanged"/>: an update or commit leaf replaces the leaf at its index with a new encryption_key.</summary>
    private static void EncryptionKeyChanged(LeafNode leaf, uint? leafIndex, RatchetTree tree)
    {
        if (leaf.LeafNodeSource is LeafNodeSource.Update or LeafNodeSource.Commit && leafIndex is { } at &&
            tree.TryGetLeaf(at) is { } replaced && replaced.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
            throw new MlsProtocolException(Error, ValidationRule.LeafEncryptionKeyChanged, $"encryption_key of leaf {at} is unchanged");
    }

    /// <summary>
    /// <see cref="ValidationRule.LeafCredentialTypes"/>: the leaf's credential type is supported by every
    /// other member of <paramref name="members"/>, and the leaf supports every type they use.
    /// </summary>
    internal static void CredentialTypes(LeafNode leaf, uint? leafIndex, IEnumerable<(uint LeafIndex, LeafNode Leaf)> members)
    {
        foreach (var (i, other) in members)
        {
            if (leafIndex == i) continue;
            if (!other.Capabilities.Credentials.Contains((ushort)leaf.Credential.CredentialType))
                throw new MlsProtocolException(Error, ValidationRule.LeafCredentialTypes,
                    $"leaf {i} does not support credential type {leaf.Credential.CredentialType}");
            if (!leaf.Capabilities.Credentials.Contains((ushort)other.Credential.CredentialType))
                throw new MlsProtocolException(Error, ValidationRule.LeafCredentialTypes,
                    $"capabilities lack credential type {other.Credential.CredentialType} used by leaf {i}");
        }
    }

    /// <summary><see cref="ValidationRule.LeafKeysUnique"/>: signature_key and encryption_key unique among the members, and no parent node has this HPKE key.</summary>
    private static void KeysUnique(LeafNode leaf, uint? leafIndex, RatchetTree tree)
    {
        foreach (var (i, other) in tree.Leaves)
        {
            if (leafIndex == i) continue;
            if (other.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey))
                throw new MlsProtocolException(Error, ValidationRule.LeafKeysUnique, $"signature_key already used by leaf {i}");
            if (other.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
                throw new MlsProtocolException(Error, ValidationRule.LeafKeysUnique, $"encryption_key already used by leaf {i}");
        }
        for (uint x = 1; x < tree.NodeCount; x += 2)
            if (tree.GetParent(x) is { } p && p.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
                throw new MlsProtocolException(Error, ValidationRule.LeafKeysUnique, $"encryption_key already used by parent node {x}");
    }
}
