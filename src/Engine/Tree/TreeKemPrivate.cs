using System.Security.Cryptography;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Tree;

/// <summary>
/// RFC 9420 §4.2, §7.4 one member's private view of the ratchet tree: its leaf index, its leaf's
/// HPKE private key, and the HPKE private keys of the nodes on its direct path that it knows.
/// A value: operations that change it return a new instance; <see cref="Clear"/> zeroes the keys
/// of an instance that is no longer needed. Never prints a key.
/// </summary>
internal sealed class TreeKemPrivate
{
    private readonly byte[] _leafPrivateKey;
    private readonly SortedDictionary<uint, byte[]> _nodeKeys;

    /// <summary>
    /// The public keys of <see cref="_nodeKeys"/> entries where known: kept from the derivation that
    /// produced the key pair (or computed once by <see cref="PrunedTo"/> for a loaded state), so that
    /// pruning compares keys instead of repeating a scalar multiplication per key. Never mutated
    /// after construction; not saved.
    /// </summary>
    private readonly Dictionary<uint, byte[]> _publicKeys;

    private TreeKemPrivate(uint leafIndex, byte[] leafPrivateKey, SortedDictionary<uint, byte[]> nodeKeys, Dictionary<uint, byte[]>? publicKeys = null)
    {
        LeafIndex = leafIndex;
        _leafPrivateKey = leafPrivateKey;
        _nodeKeys = nodeKeys;
        _publicKeys = publicKeys ?? [];
    }

    /// <summary>A member at <paramref name="leafIndex"/> that knows only its leaf's private key (copied).</summary>
    public static TreeKemPrivate ForLeaf(uint leafIndex, ReadOnlySpan<byte> leafPrivateKey) =>
        new(leafIndex, leafPrivateKey.ToArray(), new SortedDictionary<uint, byte[]>());

    /// <summary>A committer after its UpdatePath: its new leaf key (copied) and the derived key pairs of its path (private keys
    /// taken over). One instance: not <see cref="ForLeaf(uint, ReadOnlySpan{byte})"/> then <see cref="WithNodeKeys"/>, which
    /// would leave an unzeroed copy of the leaf key behind.</summary>
    public static TreeKemPrivate ForLeaf(uint leafIndex, ReadOnlySpan<byte> leafPrivateKey, IEnumerable<(uint Node, KeyPair Pair)> nodeKeys)
    {
        var priv = ForLeaf(leafIndex, leafPrivateKey);
        foreach (var (n, pair) in nodeKeys)
        {
            priv._nodeKeys[n] = pair.PrivateKey;
            priv._publicKeys[n] = pair.PublicKey;
        }
        return priv;
    }

    public uint LeafIndex { get; }

    public ReadOnlySpan<byte> LeafPrivateKey => _leafPrivateKey;

    /// <summary>The parent nodes whose private key this member holds.</summary>
    public IReadOnlyCollection<uint> ParentNodesWithKeys => _nodeKeys.Keys;

    /// <summary>The private key for <paramref name="node"/> (this member's leaf node or a known parent), or null.</summary>
    public byte[]? PrivateKeyOf(uint node) =>
        node == 2 * LeafIndex ? _leafPrivateKey : _nodeKeys.TryGetValue(node, out var k) ? k : null;

    public TreeKemPrivate Clone() => CopyWithLeaf(_leafPrivateKey.ToArray());

    /// <summary>A copy of the node keys with <paramref name="leafPrivateKey"/> (taken over) as the leaf key:
    /// the old leaf key is not copied only to be dropped (an unzeroed copy of a secret).</summary>
    private TreeKemPrivate CopyWithLeaf(byte[] leafPrivateKey)
    {
        var nodeKeys = new SortedDictionary<uint, byte[]>();
        foreach (var (node, key) in _nodeKeys) nodeKeys[node] = key.ToArray();
        return new(LeafIndex, leafPrivateKey, nodeKeys, new Dictionary<uint, byte[]>(_publicKeys));
    }

    /// <summary>A copy with a new leaf private key (after this member's Update proposal is committed).</summary>
    public TreeKemPrivate WithLeafPrivateKey(ReadOnlySpan<byte> leafPrivateKey) => CopyWithLeaf(leafPrivateKey.ToArray());

    /// <summary>A copy where <paramref name="node"/>'s private key is derived from <paramref name="pathSecret"/> (§7.4); returns the derived public key too.</summary>
    public (TreeKemPrivate Private, byte[] PublicKey) WithPathSecret(CipherSuite suite, uint node, ReadOnlySpan<byte> pathSecret)
    {
        var pair = DeriveNodeKeyPair(suite, pathSecret);
        var copy = Clone();
        copy._nodeKeys[node] = pair.PrivateKey;
        copy._publicKeys[node] = pair.PublicKey;
        return (copy, pair.PublicKey);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1 joining with a path secret: sets the key of <paramref name="ancestor"/> (the
    /// lowest common ancestor of this leaf and the committer's) and of every node above it on the
    /// committer's filtered direct path, each path secret derived from the one below; every derived
    /// public key must be the one in <paramref name="tree"/> (<see cref="MlsError.InvalidTree"/> if not).
    /// </summary>
    public TreeKemPrivate WithJoinerPathSecret(RatchetTree tree, uint committerLeaf, ReadOnlySpan<byte> pathSecret)
    {
        uint ancestor = TreeMath.CommonAncestor(2 * LeafIndex, 2 * committerLeaf);
        var path = tree.FilteredDirectPath(committerLeaf);
        int start = path.ToList().IndexOf(ancestor);
        if (start < 0) throw new MlsProtocolException(MlsError.InvalidWelcome, $"common ancestor {ancestor} is not on the committer's filtered direct path");
        var copy = Clone();
        byte[] secret = pathSecret.ToArray();
        for (int i = start; i < path.Count; i++)
        {
            if (i > start)
            {
                var next = tree.Suite.DeriveSecret(secret, "path");
                CryptographicOperations.ZeroMemory(secret);
                secret = next;
            }
            var pair = DeriveNodeKeyPair(tree.Suite, secret);
            if (tree.EncryptionKeyOf(path[i]) is not { } pub || !pub.AsSpan().SequenceEqual(pair.PublicKey))
                throw new MlsProtocolException(MlsError.InvalidTree, $"path secret does not yield node {path[i]}'s public key");
            copy._nodeKeys[path[i]] = pair.PrivateKey;
            copy._publicKeys[path[i]] = pair.PublicKey;
        }
        CryptographicOperations.ZeroMemory(secret);
        return copy;
    }

    /// <summary>
    /// The vector check of FORMAT.md: every key held corresponds to a non-blank node of
    /// <paramref name="tree"/> with the matching public key. Throws <see cref="MlsError.InvalidTree"/> otherwise.
    /// </summary>
    public void CheckConsistentWith(RatchetTree tree)
    {
        foreach (var (node, key) in AllKeys())
        {
            var pub = node < tree.NodeCount ? tree.EncryptionKeyOf(node) : null;
            if (pub is null) throw new MlsProtocolException(MlsError.InvalidTree, $"private key held for blank node {node}");
            if (!tree.Suite.Kem.PublicKeyOf(key).AsSpan().SequenceEqual(pub))
                throw new MlsProtocolException(MlsError.InvalidTree, $"private key for node {node} does not match its public key");
        }
    }

    /// <summary>A copy keeping only the parent keys whose node in <paramref name="tree"/> still carries the matching public key.</summary>
    public TreeKemPrivate PrunedTo(RatchetTree tree)
    {
        var keep = new SortedDictionary<uint, byte[]>();
        var publicKeys = new Dictionary<uint, byte[]>();
        foreach (var (node, key) in _nodeKeys)
        {
            if (node >= tree.NodeCount || tree.EncryptionKeyOf(node) is not { } pub) continue;
            var own = _publicKeys.TryGetValue(node, out var known) ? known : tree.Suite.Kem.PublicKeyOf(key);
            if (!own.AsSpan().SequenceEqual(pub)) continue;
            keep[node] = key.ToArray();
            publicKeys[node] = own;
        }
        return new TreeKemPrivate(LeafIndex, _leafPrivateKey.ToArray(), keep, publicKeys);
    }

    /// <summary><see cref="WithNodeKeys"/> then <see cref="PrunedTo"/>, in one copy: the keys pruning drops are zeroed, and no
    /// intermediate copy of the other keys is left unzeroed.</summary>
    internal TreeKemPrivate WithNodeKeysPrunedTo(IEnumerable<uint> dropped, IEnumerable<(uint Node, KeyPair Pair)> added, RatchetTree tree) =>
        WithNodeKeys(dropped, added).PruneInPlace(tree);

    /// <summary><see cref="WithLeafPrivateKey"/> then <see cref="PrunedTo"/>, in one copy (as <see cref="WithNodeKeysPrunedTo"/>).</summary>
    internal TreeKemPrivate WithLeafPrivateKeyPrunedTo(ReadOnlySpan<byte> leafPrivateKey, RatchetTree tree) =>
        WithLeafPrivateKey(leafPrivateKey).PruneInPlace(tree);

    /// <summary>What <see cref="PrunedTo"/> keeps, done on this instance itself: only for a copy no one else holds yet.</summary>
    private TreeKemPrivate PruneInPlace(RatchetTree tree)
    {
        List<uint>? drop = null;
        foreach (var (node, key) in _nodeKeys)
        {
            if (node < tree.NodeCount && tree.EncryptionKeyOf(node) is { } pub)
            {
                var own = _publicKeys.TryGetValue(node, out var known) ? known : tree.Suite.Kem.PublicKeyOf(key);
                if (own.AsSpan().SequenceEqual(pub))
                {
                    _publicKeys[node] = own;
                    continue;
                }
            }
            (drop ??= []).Add(node);
        }
        if (drop is not null)
            foreach (var node in drop)
            {
                if (_nodeKeys.Remove(node, out var old)) CryptographicOperations.ZeroMemory(old);
                _publicKeys.Remove(node);
            }
        return this;
    }

    /// <summary>A copy without the keys of <paramref name="dropped"/> and with the derived key pairs <paramref name="added"/> (private keys taken over).</summary>
    internal TreeKemPrivate WithNodeKeys(IEnumerable<uint> dropped, IEnumerable<(uint Node, KeyPair Pair)> added, byte[]? leafPrivateKey = null)
    {
        var copy = CopyWithLeaf(leafPrivateKey ?? _leafPrivateKey.ToArray());
        foreach (var d in dropped)
        {
            if (copy._nodeKeys.Remove(d, out var old)) CryptographicOperations.ZeroMemory(old);
            copy._publicKeys.Remove(d);
        }
        foreach (var (n, pair) in added)
        {
            copy._nodeKeys[n] = pair.PrivateKey;
            copy._publicKeys[n] = pair.PublicKey;
        }
        return copy;
    }

    private IEnumerable<(uint Node, byte[] Key)> AllKeys()
    {
        yield return (2 * LeafIndex, _leafPrivateKey);
        foreach (var kv in _nodeKeys) yield return (kv.Key, kv.Value);
    }

    /// <summary>RFC 9420 §7.4 node_secret = DeriveSecret(path_secret, "node"); key pair = KEM.DeriveKeyPair(node_secret).</summary>
    internal static KeyPair DeriveNodeKeyPair(CipherSuite suite, ReadOnlySpan<byte> pathSecret)
    {
        var nodeSecret = suite.DeriveSecret(pathSecret, "node");
        try { return suite.DeriveKeyPair(nodeSecret); }
        finally { CryptographicOperations.ZeroMemory(nodeSecret); }
    }

    /// <summary>Zeroes every private key held by this instance.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_leafPrivateKey);
        foreach (var k in _nodeKeys.Values) CryptographicOperations.ZeroMemory(k);
    }

    public override string ToString() => $"TreeKemPrivate(leaf {LeafIndex}, {_nodeKeys.Count} parent keys)";

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>
    /// Saves the member's private tree state: <c>uint32 leaf_index; opaque leaf_private_key&lt;V&gt;;
    /// NodeKey node_keys&lt;V&gt;</c> with <c>NodeKey = { uint32 node; opaque private_key&lt;V&gt; }</c> in
    /// ascending node order. The output holds HPKE private keys: callers must protect it and never log it.
    /// </summary>
    public void Save(TlsWriter writer)
    {
        writer.WriteUInt32(LeafIndex);
        writer.WriteOpaque(_leafPrivateKey);
        writer.WriteVector(_nodeKeys, (w, kv) =>
        {
            w.WriteUInt32(kv.Key);
            w.WriteOpaque(kv.Value);
        });
    }

    /// <summary>Loads what <see cref="Save"/> wrote; <see cref="MlsDecodeException"/> if malformed
    /// (a leaf index beyond 2^31 − 1, a node key for a leaf (even) index, nodes not strictly ascending).
    /// Whether the keys fit a tree is checked by <see cref="CheckConsistentWith"/>, not here.</summary>
    public static TreeKemPrivate Load(ref TlsReader reader)
    {
        uint leafIndex = reader.ReadUInt32();
        if (leafIndex >= 0x80000000u) throw new MlsDecodeException($"saved TreeKEM private state: leaf index {leafIndex} out of range");
        var leafKey = reader.ReadOpaque();
        var nodeKeys = new SortedDictionary<uint, byte[]>();
        var list = reader.ReadVectorReader();
        long previous = -1;
        while (!list.End)
        {
            uint node = list.ReadUInt32();
            var key = list.ReadOpaque();
            if (node <= previous || TreeMath.IsLeaf(node))
                throw new MlsDecodeException($"saved TreeKEM private state: node {node} is not a parent in ascending order");
            nodeKeys[node] = key;
            previous = node;
        }
        return new TreeKemPrivate(leafIndex, leafKey, nodeKeys);
    }
}
