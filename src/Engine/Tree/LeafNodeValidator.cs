using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §7.3 leaf node validation (the credential itself is the Authentication Service's
/// job, in Identity/). Every failure is <see cref="MlsError.InvalidLeafNode"/>.
/// </summary>
public static class LeafNodeValidator
{
    /// <summary>Extension types every client supports and that need not be listed (§7.2).</summary>
    private static readonly ushort[] DefaultExtensions = [1, 2, 3, 4, 5];

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

        // §7.3, §12.4.2: an update or commit leaf replaces the leaf at its index with a new encryption_key.
        if (leaf.LeafNodeSource is LeafNodeSource.Update or LeafNodeSource.Commit && leafIndex is { } at &&
            tree.TryGetLeaf(at) is { } replaced && replaced.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
            throw Fail($"encryption_key of leaf {at} is unchanged");

        foreach (var (i, other) in tree.Leaves)
        {
            if (leafIndex == i) continue;
            // §7.3: credential type supported by all members, and this leaf supports all types in use.
            if (!other.Capabilities.Credentials.Contains((ushort)leaf.Credential.CredentialType))
                throw Fail($"leaf {i} does not support credential type {leaf.Credential.CredentialType}");
            if (!leaf.Capabilities.Credentials.Contains((ushort)other.Credential.CredentialType))
                throw Fail($"capabilities lack credential type {other.Credential.CredentialType} used by leaf {i}");
            // §7.3: signature_key and encryption_key unique among the members.
            if (other.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey))
                throw Fail($"signature_key already used by leaf {i}");
            if (other.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
                throw Fail($"encryption_key already used by leaf {i}");
        }
        // §5.3 / §12.4.3.1: an HPKE key appears in one node only; parent keys count too.
        for (uint x = 1; x < tree.NodeCount; x += 2)
            if (tree.GetParent(x) is { } p && p.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
                throw Fail($"encryption_key already used by parent node {x}");
    }

    /// <summary>The checks that need no other member: signature, source, capabilities, extensions, lifetime.</summary>
    internal static void ValidateAlone(LeafNode leaf, uint? leafIndex, LeafNodeValidationContext context, LeafNodeSource? expectedSource,
        bool signatureVerified = false)
    {
        if (expectedSource is { } s && leaf.LeafNodeSource != s)
            throw Fail($"leaf_node_source is {leaf.LeafNodeSource}, expected {s}");

        bool inGroup = leaf.LeafNodeSource is LeafNodeSource.Update or LeafNodeSource.Commit;
        if (inGroup && leafIndex is null)
            throw Fail($"a {leaf.LeafNodeSource} leaf must be validated at a leaf index");
        if (!signatureVerified &&
            !context.Suite.VerifyWithLabel(leaf.SignatureKey, "LeafNodeTBS", leaf.ToBeSigned(inGroup ? context.GroupId : null, inGroup ? leafIndex : null), leaf.Signature))
            throw Fail("signature does not verify");

        var caps = leaf.Capabilities;
        if (context.RequireCipherSuiteInCapabilities && !caps.CipherSuites.Contains(context.Suite.Id))
            throw Fail($"capabilities lack the group's cipher suite 0x{context.Suite.Id:x4}");
        if (!caps.Versions.Contains(GroupContext.Mls10))
            throw Fail("capabilities lack mls10");
        if (!caps.Credentials.Contains((ushort)leaf.Credential.CredentialType))
            throw Fail($"capabilities lack its own credential type {leaf.Credential.CredentialType}");
        foreach (var ext in leaf.Extensions)
            if (!DefaultExtensions.Contains(ext.ExtensionType) && !caps.Extensions.Contains(ext.ExtensionType))
                throw Fail($"extension 0x{ext.ExtensionType:x4} not listed in capabilities");
        if (context.RequiredCapabilities is { } req)
        {
            foreach (var e in req.ExtensionTypes)
                if (!DefaultExtensions.Contains(e) && !caps.Extensions.Contains(e)) throw Fail($"required extension 0x{e:x4} unsupported");
            foreach (var p in req.ProposalTypes)
                if (p > 7 && !caps.Proposals.Contains(p)) throw Fail($"required proposal 0x{p:x4} unsupported");
            foreach (var c in req.CredentialTypes)
                if (!caps.Credentials.Contains(c)) throw Fail($"required credential type 0x{c:x4} unsupported");
        }

        if (leaf.LeafNodeSource == LeafNodeSource.KeyPackage && leaf.Lifetime is { } life)
        {
            if (life.NotBefore > life.NotAfter) throw Fail("lifetime not_before is after not_after");
            if (context.MaxLifetimeSeconds is { } max && life.NotAfter - life.NotBefore > max)
                throw Fail("lifetime longer than allowed");
            if (context.CurrentTime is { } now && (now < life.NotBefore || now > life.NotAfter))
                throw Fail($"lifetime [{life.NotBefore}, {life.NotAfter}] does not contain {now}");
        }
    }

    private static MlsProtocolException Fail(string message) => new(MlsError.InvalidLeafNode, message);
}
