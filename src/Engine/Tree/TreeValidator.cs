using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §12.4.3.1 "verify the integrity of the ratchet tree": tree hash, parent-hash validity
/// of every non-blank parent (§7.9.2), every leaf (§7.3), unmerged-leaf consistency, and
/// uniqueness of HPKE and signature keys.
/// </summary>
internal static class TreeValidator
{
    public static void Validate(RatchetTree tree, TreeValidationOptions options)
    {
        var ctx = options.Leaves;
        if (ctx.Suite.Id != tree.Suite.Id) throw new ArgumentException("validation context is for another cipher suite");
        if (options.ExpectedTreeHash is { } expected && !tree.TreeHash().AsSpan().SequenceEqual(expected))
            throw new MlsProtocolException(MlsError.InvalidTree, "tree hash does not match the group's tree_hash");
        if (!tree.Leaves.Any()) throw new MlsProtocolException(MlsError.InvalidTree, "tree has no member");

        ValidateLeaves(tree, ctx);
        ValidateUnmergedLeaves(tree);
        ValidateKeyUniqueness(tree);
        VerifyParentHashes(tree);
    }

    private static void ValidateLeaves(RatchetTree tree, LeafNodeValidationContext ctx)
    {
        var leaves = tree.Leaves.ToList();
        foreach (var (i, leaf) in leaves)
        {
            try { LeafNodeValidator.ValidateAlone(leaf, i, ctx, null); }
            catch (MlsProtocolException e) { throw new MlsProtocolException(e.Error, $"leaf {i}: {e.Message}", e); }
        }
        // §7.3: each member supports every credential type in use (the same rule as for a new leaf).
        foreach (var (i, leaf) in leaves) LeafNodeValidator.CredentialTypes(leaf, i, leaves);
    }

    private static void ValidateUnmergedLeaves(RatchetTree tree)
    {
        for (uint x = 1; x < tree.NodeCount; x += 2)
        {
            if (tree.GetParent(x) is not { } p) continue;
            var (first, last) = TreeMath.SubtreeNodeRange(x);
            uint? previous = null;
            foreach (var leaf in p.UnmergedLeaves)
            {
                if (previous is { } prev && leaf <= prev)
                    throw new MlsProtocolException(MlsError.InvalidTree, $"node {x}: unmerged_leaves not strictly increasing");
                previous = leaf;
                ulong node = 2UL * leaf;
                if (node < first || node > last || tree.TryGetLeaf(leaf) is null)
                    throw new MlsProtocolException(MlsError.InvalidTree, $"node {x}: unmerged leaf {leaf} is not a non-blank descendant");
                // Every non-blank node between the leaf and x lists it too.
                for (uint y = TreeMath.Parent((uint)node, tree.LeafCount); y != x; y = TreeMath.Parent(y, tree.LeafCount))
                    if (tree.GetParent(y) is { } between && !between.UnmergedLeaves.Contains(leaf))
                        throw new MlsProtocolException(MlsError.InvalidTree, $"node {y}: lacks unmerged leaf {leaf} listed at {x}");
            }
        }
    }

    private static void ValidateKeyUniqueness(RatchetTree tree)
    {
        var hpke = new HashSet<string>();
        var signature = new HashSet<string>();
        for (uint x = 0; x < tree.NodeCount; x++)
        {
            if (tree.EncryptionKeyOf(x) is not { } key) continue;
            if (!hpke.Add(Convert.ToHexString(key)))
                throw new MlsProtocolException(MlsError.InvalidTree, ValidationRule.LeafKeysUnique, $"node {x}: encryption key appears in another node");
            if (tree.GetNode(x)?.Leaf is { } leaf && !signature.Add(Convert.ToHexString(leaf.SignatureKey)))
                throw new MlsProtocolException(MlsError.InvalidTree, ValidationRule.LeafKeysUnique, $"node {x}: signature key appears in another leaf");
        }
    }

    /// <summary>
    /// RFC 9420 §7.9.2, top down: every non-blank parent P has exactly one descendant D, in the
    /// resolution of one child C (sibling S), whose parent_hash equals P's parent hash with copath
    /// child S, where P's unmerged leaves under C are exactly the rest of C's resolution.
    /// </summary>
    public static void VerifyParentHashes(RatchetTree tree)
    {
        for (uint p = 1; p < tree.NodeCount; p += 2)
        {
            if (tree.GetParent(p) is not { } parent) continue;
            int links = 0;
            foreach (var (c, s) in new[] { (TreeMath.Left(p), TreeMath.Right(p)), (TreeMath.Right(p), TreeMath.Left(p)) })
            {
                var resolution = tree.Resolution(c);
                var (first, last) = TreeMath.SubtreeNodeRange(c);
                var unmergedUnderC = parent.UnmergedLeaves.Select(l => 2UL * l).Where(n => n >= first && n <= last).Select(n => (uint)n).ToHashSet();
                byte[]? expected = null;
                foreach (var d in resolution)
                {
                    var field = ParentHashField(tree, d);
                    if (field is null) continue;
                    var rest = resolution.Where(r => r != d).ToHashSet();
                    if (!rest.SetEquals(unmergedUnderC)) continue;
                    expected ??= tree.ParentHash(p, s);
                    if (field.AsSpan().SequenceEqual(expected)) links++;
                }
            }
            if (links != 1)
                throw new MlsProtocolException(MlsError.InvalidParentHash, $"parent node {p} is not parent-hash valid ({links} links)");
        }
    }

    private static byte[]? ParentHashField(RatchetTree tree, uint node) => tree.GetNode(node) switch
    {
        { Leaf: { LeafNodeSource: LeafNodeSource.Commit } leaf } => leaf.ParentHash,
        { Parent: { } parent } => parent.ParentHash,
        _ => null,
    };
}
