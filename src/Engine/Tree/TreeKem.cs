using System.Security.Cryptography;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §7.4–§7.6 TreeKEM: creating an UpdatePath as a committer and processing one as a
/// member. Both take the tree after the Commit's proposals were applied (§12.4.2) and return new
/// values; nothing passed in is changed, so a rejected UpdatePath leaves the caller's state as it was.
/// The HPKE context is the provisional GroupContext whose tree_hash is the tree hash after the
/// UpdatePath is merged (§12.4.2); callers pass the context with any tree_hash, it is replaced.
/// </summary>
internal static class TreeKem
{
    private const string UpdatePathNodeLabel = "UpdatePathNode";

    /// <summary>
    /// RFC 9420 §7.4, §7.5, §12.4.2: updates the direct path of <paramref name="committerLeaf"/>
    /// (which may be blank, for an external commit) with fresh keys from <paramref name="random"/>.
    /// The leaf secret is random; its node secret gives the leaf key pair and path_secret[0] =
    /// DeriveSecret(leaf_secret, "path") (the derivation chain of §7.4's figure);
    /// path_secret[n] = DeriveSecret(path_secret[n-1], "path"); commit_secret =
    /// DeriveSecret(last path secret, "path"). Each path secret is encrypted to the resolution of
    /// the copath child, without <paramref name="excludedLeaves"/> (members added by this Commit).
    /// </summary>
    public static UpdatePathCreated CreateUpdatePath(
        RatchetTree tree,
        uint committerLeaf,
        LeafNodeTemplate leaf,
        ReadOnlySpan<byte> signaturePrivateKey,
        GroupContext provisionalContext,
        IReadOnlyCollection<uint> excludedLeaves,
        IRandomSource random)
    {
        using var key = Secret.Copy(signaturePrivateKey);
        return CreateUpdatePath(tree, committerLeaf, leaf, key, provisionalContext, excludedLeaves, random);
    }

    /// <summary><see cref="CreateUpdatePath(RatchetTree, uint, LeafNodeTemplate, ReadOnlySpan{byte}, GroupContext, IReadOnlyCollection{uint}, IRandomSource)"/>
    /// with the signature key as a <see cref="Secret"/> (its parsed key kept with it).</summary>
    public static UpdatePathCreated CreateUpdatePath(
        RatchetTree tree,
        uint committerLeaf,
        LeafNodeTemplate leaf,
        Secret signaturePrivateKey,
        GroupContext provisionalContext,
        IReadOnlyCollection<uint> excludedLeaves,
        IRandomSource random)
    {
        var suite = tree.Suite;
        if (committerLeaf >= tree.LeafCount) throw new ArgumentOutOfRangeException(nameof(committerLeaf));
        var fdp = tree.FilteredDirectPathWithCopath(committerLeaf);

        // §7.4 path secrets and node key pairs.
        var leafSecret = random.NextBytes(suite.HashLength);
        var leafKeys = TreeKemPrivate.DeriveNodeKeyPair(suite, leafSecret);
        var pathSecrets = new byte[fdp.Count][];
        var nodeKeys = new KeyPair[fdp.Count];
        byte[] previous = leafSecret;
        for (int i = 0; i < fdp.Count; i++)
        {
            pathSecrets[i] = suite.DeriveSecret(previous, "path");
            nodeKeys[i] = TreeKemPrivate.DeriveNodeKeyPair(suite, pathSecrets[i]);
            previous = pathSecrets[i];
        }
        var commitSecret = new Secret(suite.DeriveSecret(previous, "path"));

        // §7.5 merge, parent hashes, the new signed leaf.
        var diff = tree.Stage();
        var nodePublicKeys = new byte[fdp.Count][];
        for (int i = 0; i < fdp.Count; i++) nodePublicKeys[i] = nodeKeys[i].PublicKey;
        var leafParentHash = MergePath(tree, diff, committerLeaf, fdp, nodePublicKeys);
        var unsigned = new LeafNode(leafKeys.PublicKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities,
            LeafNodeSource.Commit, null, leafParentHash, leaf.Extensions, []);
        var signature = LeafNodeSignature.SignatureOf(suite, unsigned, signaturePrivateKey, provisionalContext.GroupId, committerLeaf);
        var newLeaf = unsigned with { Signature = signature };
        diff.SetNode(2 * committerLeaf, Node.FromLeaf(newLeaf));
        var newTree = diff.ToTree();
        var context = provisionalContext with { TreeHash = newTree.TreeHash() };
        var contextBytes = TlsWriter.Rent();
        var pathNodes = new List<UpdatePathNode>(fdp.Count);
        try
        {
            context.Encode(contextBytes);
            // §7.6 encrypt each path secret to the copath child's resolution.
            for (int i = 0; i < fdp.Count; i++)
            {
                var ciphertexts = new List<HpkeCiphertext>();
                foreach (var r in tree.Resolution(fdp[i].CopathChild, excludedLeaves))
                {
                    var (kemOutput, ct) = suite.EncryptWithLabel(tree.EncryptionKeyOf(r)!, UpdatePathNodeLabel, contextBytes.WrittenSpan, pathSecrets[i], random);
                    ciphertexts.Add(new HpkeCiphertext(kemOutput, ct));
                }
                pathNodes.Add(new UpdatePathNode(nodeKeys[i].PublicKey, ciphertexts));
            }
        }
        finally { TlsWriter.Return(contextBytes); }

        var pathKeys = new (uint Node, KeyPair Pair)[fdp.Count];
        for (int i = 0; i < fdp.Count; i++) pathKeys[i] = (fdp[i].Node, nodeKeys[i]);
        var priv = TreeKemPrivate.ForLeaf(committerLeaf, leafKeys.PrivateKey, pathKeys);
        var secrets = new Dictionary<uint, Secret>();
        for (int i = 0; i < fdp.Count; i++) secrets[fdp[i].Node] = new Secret(pathSecrets[i]);
        CryptographicOperations.ZeroMemory(leafSecret);
        leafKeys.Clear();
        return new UpdatePathCreated(newTree, new UpdatePath(newLeaf, pathNodes), priv, commitSecret, context, secrets);
    }

    /// <summary>
    /// RFC 9420 §7.6, §12.4.2 processing a Commit's UpdatePath from <paramref name="senderLeaf"/> as
    /// the member <paramref name="me"/>: validates the leaf (§7.3, source commit, new encryption key),
    /// checks the path length against the filtered direct path and that no key in it is already in
    /// the tree, merges it and checks the leaf's parent_hash, decrypts the path secret meant for this
    /// member, derives the rest and checks every derived public key. Failures are
    /// <see cref="MlsProtocolException"/> (InvalidLeafNode, InvalidUpdatePath, InvalidParentHash,
    /// DecryptionFailed, MissingKey).
    /// </summary>
    public static UpdatePathProcessed ProcessUpdatePath(
        RatchetTree tree,
        TreeKemPrivate me,
        uint senderLeaf,
        UpdatePath path,
        GroupContext provisionalContext,
        IReadOnlyCollection<uint> excludedLeaves,
        LeafNodeValidationContext? leafValidation = null)
    {
        var suite = tree.Suite;
        if (senderLeaf >= tree.LeafCount) throw new MlsProtocolException(MlsError.UnknownSender, $"sender leaf {senderLeaf} outside the tree");
        if (senderLeaf == me.LeafIndex) throw new InvalidOperationException("a committer does not process its own UpdatePath");
        if (me.LeafIndex >= tree.LeafCount || tree.GetLeaf(me.LeafIndex) is null || excludedLeaves.Contains(me.LeafIndex))
            throw new InvalidOperationException($"leaf {me.LeafIndex} is not a member that can process this UpdatePath");

        // §12.4.2 leaf validation; §7.3 for commit-source leaves.
        var leafContext = leafValidation ?? new LeafNodeValidationContext(suite, provisionalContext.GroupId);
        LeafNodeValidator.Validate(path.LeafNode, senderLeaf, leafContext, tree, LeafNodeSource.Commit);

        var fdp = tree.FilteredDirectPathWithCopath(senderLeaf);
        if (path.Nodes.Count != fdp.Count)
            throw new MlsProtocolException(MlsError.InvalidUpdatePath, $"{path.Nodes.Count} path nodes for a filtered direct path of {fdp.Count}");
        CheckKeysAreNew(tree, path);

        // §7.5 merge the public part and check the committer's parent_hash.
        var diff = tree.Stage();
        var leafParentHash = MergePath(tree, diff, senderLeaf, fdp, path.Nodes.Select(n => n.EncryptionKey).ToArray());
        if (path.LeafNode.ParentHash is not { } claimed || !claimed.AsSpan().SequenceEqual(leafParentHash))
            throw new MlsProtocolException(MlsError.InvalidParentHash, "UpdatePath leaf parent_hash does not match the merged path");
        diff.SetNode(2 * senderLeaf, Node.FromLeaf(path.LeafNode));
        var newTree = diff.ToTree();
        var context = provisionalContext with { TreeHash = newTree.TreeHash() };

        // §7.6 decrypt: the first filtered-direct-path node whose copath child holds this member.
        int index = -1;
        for (int i = 0; i < fdp.Count && index < 0; i++)
            if (TreeMath.IsInSubtree(2 * me.LeafIndex, fdp[i].CopathChild)) index = i;
        if (index < 0) throw new InvalidOperationException("member is not below the committer's filtered direct path");
        var resolution = tree.Resolution(fdp[index].CopathChild, excludedLeaves);
        var encrypted = path.Nodes[index].EncryptedPathSecret;
        if (encrypted.Count != resolution.Count)
            throw new MlsProtocolException(MlsError.InvalidUpdatePath, $"{encrypted.Count} ciphertexts for a resolution of {resolution.Count}");
        int position = -1;
        byte[]? key = null;
        for (int j = 0; j < resolution.Count && key is null; j++)
            if (me.PrivateKeyOf(resolution[j]) is { } k) { key = k; position = j; }
        if (key is null) throw new MlsProtocolException(MlsError.MissingKey, "no private key for any node of the copath resolution");
        var ct = encrypted[position];
        // The node's public key is in the tree (and matches the private key held, FORMAT.md): Decap need not recompute it.
        var publicKey = tree.EncryptionKeyOf(resolution[position])
            ?? throw new MlsProtocolException(MlsError.MissingKey, $"node {resolution[position]} of the resolution has no public key");
        var pathSecret = Tls.Encoded(context, (suite, key, publicKey, ct), static (a, contextBytes) =>
            a.suite.DecryptWithLabel(a.key, a.publicKey, UpdatePathNodeLabel, contextBytes, a.ct.KemOutput, a.ct.Ciphertext));

        // Derive upwards and check each public key.
        var added = new List<(uint, KeyPair)>();
        byte[] secret = pathSecret.ToArray();
        for (int i = index; i < fdp.Count; i++)
        {
            if (i > index)
            {
                var next = suite.DeriveSecret(secret, "path");
                CryptographicOperations.ZeroMemory(secret);
                secret = next;
            }
            var pair = TreeKemPrivate.DeriveNodeKeyPair(suite, secret);
            if (!pair.PublicKey.AsSpan().SequenceEqual(path.Nodes[i].EncryptionKey))
            {
                foreach (var (_, k) in added) k.Clear();
                pair.Clear();
                CryptographicOperations.ZeroMemory(secret);
                throw new MlsProtocolException(MlsError.InvalidUpdatePath, $"derived public key differs at node {fdp[i].Node}");
            }
            added.Add((fdp[i].Node, pair));
        }
        var commitSecret = new Secret(suite.DeriveSecret(secret, "path"));
        CryptographicOperations.ZeroMemory(secret);

        var priv = me.WithNodeKeysPrunedTo(tree.DirectPath(senderLeaf), added, newTree);
        return new UpdatePathProcessed(newTree, priv, commitSecret, context, fdp[index].Node, new Secret(pathSecret));
    }

    /// <summary>
    /// §7.5 "merge UpdatePath into the tree": blank the direct path, set each filtered-direct-path
    /// node's key with no unmerged leaves, and chain the parent hashes from the root down (§7.9).
    /// Returns the parent hash the committer's leaf must carry.
    /// </summary>
    private static byte[] MergePath(RatchetTree before, TreeDiff diff, uint leafIndex,
        IReadOnlyList<(uint Node, uint CopathChild)> fdp, byte[][] publicKeys)
    {
        diff.BlankDirectPath(leafIndex);
        // The copath children are untouched by the merge, so their tree hashes in the old tree are
        // the original sibling tree hashes (the new nodes have no unmerged leaves).
        byte[] parentHash = [];
        for (int i = fdp.Count - 1; i >= 0; i--)
        {
            diff.SetNode(fdp[i].Node, Node.FromParent(new ParentNode(publicKeys[i], parentHash, [])));
            parentHash = TreeHash.ParentHashOf(before.Suite, publicKeys[i], parentHash, before.TreeHash(fdp[i].CopathChild));
        }
        return parentHash;
    }

    /// <summary>§12.4.2: none of the UpdatePath's public keys may already be in the tree, nor repeat within it.</summary>
    private static void CheckKeysAreNew(RatchetTree tree, UpdatePath path)
    {
        // The path has one key per level (a handful): compare each tree key with them directly
        // rather than building a set of every key in the tree.
        var keys = new byte[path.Nodes.Count + 1][];
        keys[0] = path.LeafNode.EncryptionKey;
        for (int i = 0; i < path.Nodes.Count; i++) keys[i + 1] = path.Nodes[i].EncryptionKey;
        for (int i = 1; i < keys.Length; i++)
            for (int j = 0; j < i; j++)
                if (keys[i].AsSpan().SequenceEqual(keys[j])) throw RepeatedKey();
        for (uint x = 0; x < tree.NodeCount; x++)
        {
            if (tree.EncryptionKeyOf(x) is not { } existing) continue;
            foreach (var key in keys)
                if (key.AsSpan().SequenceEqual(existing)) throw RepeatedKey();
        }

        static MlsProtocolException RepeatedKey() => new(MlsError.InvalidUpdatePath, "UpdatePath repeats a public key already in the tree");
    }
}
