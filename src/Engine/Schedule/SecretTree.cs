using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Tree;

namespace Sim.Engine.Schedule;

/// <summary>
/// How far a receiver tolerates out-of-order delivery in one sender ratchet (after OpenMLS's
/// SenderRatchetConfiguration). <see cref="OutOfOrderTolerance"/>: how many generations below the
/// newest one used keep their keys for late messages. <see cref="MaximumForwardDistance"/>: how far
/// ahead of the next expected generation a message may jump (each skipped step costs a derivation).
/// </summary>
public sealed record SecretTreeOptions(uint OutOfOrderTolerance = 32, uint MaximumForwardDistance = 1000)
{
    public static readonly SecretTreeOptions Default = new();

    /// <summary>Saved state: <c>uint32 out_of_order_tolerance; uint32 maximum_forward_distance</c>.</summary>
    internal void Save(TlsWriter writer)
    {
        writer.WriteUInt32(OutOfOrderTolerance);
        writer.WriteUInt32(MaximumForwardDistance);
    }

    /// <summary>Loads what <see cref="Save"/> wrote (any two uint32 values are valid options).</summary>
    internal static SecretTreeOptions Load(ref TlsReader reader) => new(reader.ReadUInt32(), reader.ReadUInt32());
}

/// <summary>
/// The secret tree of RFC 9420 §9: from the epoch's encryption_secret at the root, each node's
/// secret yields its children's (ExpandWithLabel(., "tree", "left"/"right", Nh)); each leaf's secret
/// yields a handshake and an application ratchet. Secrets are derived lazily and deleted as soon as
/// they are consumed (§9.2): a parent once both children exist, a leaf secret once its ratchets
/// exist, a ratchet secret once the next one exists, a key once it was handed out.
/// A value: <see cref="Clone"/> copies every secret, so a group state can process a message on a
/// copy and swap it in only when every check passed.
/// </summary>
internal sealed class SecretTree : IDisposable
{
    private readonly CipherSuite _suite;
    private readonly Secret?[] _nodes;
    private readonly HashRatchet?[] _handshake;
    private readonly HashRatchet?[] _application;

    public uint LeafCount { get; }
    public SecretTreeOptions Options { get; }

    /// <summary>The cipher suite whose KDF derives this tree's secrets.</summary>
    public CipherSuite Suite => _suite;

    public SecretTree(CipherSuite suite, ReadOnlySpan<byte> encryptionSecret, uint leafCount, SecretTreeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        // RFC 9420 §7.8, §9: the secret tree has the shape of the ratchet tree, which is always full.
        if (!TreeMath.IsFullTreeSize(leafCount))
            throw new ArgumentOutOfRangeException(nameof(leafCount), "the leaf count of a ratchet tree is a power of two");
        if (encryptionSecret.Length != suite.HashLength)
            throw new ArgumentException($"encryption_secret must be {suite.HashLength} bytes", nameof(encryptionSecret));
        _suite = suite;
        LeafCount = leafCount;
        Options = options ?? SecretTreeOptions.Default;
        _nodes = new Secret?[TreeMath.NodeWidth(leafCount)];
        _nodes[TreeMath.Root(leafCount)] = Secret.Copy(encryptionSecret);
        _handshake = new HashRatchet?[leafCount];
        _application = new HashRatchet?[leafCount];
    }

    private SecretTree(SecretTree other)
    {
        _suite = other._suite;
        LeafCount = other.LeafCount;
        Options = other.Options;
        // Loops, not LINQ: a tree is cloned for every PrivateMessage sent or received.
        _nodes = new Secret?[other._nodes.Length];
        for (int i = 0; i < _nodes.Length; i++) _nodes[i] = other._nodes[i]?.Clone();
        _handshake = new HashRatchet?[other._handshake.Length];
        for (int i = 0; i < _handshake.Length; i++) _handshake[i] = other._handshake[i]?.Clone();
        _application = new HashRatchet?[other._application.Length];
        for (int i = 0; i < _application.Length; i++) _application[i] = other._application[i]?.Clone();
    }

    private SecretTree(CipherSuite suite, uint leafCount, SecretTreeOptions options, Secret?[] nodes,
        HashRatchet?[] handshake, HashRatchet?[] application)
    {
        _suite = suite;
        LeafCount = leafCount;
        Options = options;
        _nodes = nodes;
        _handshake = handshake;
        _application = application;
    }

    /// <summary>An independent copy: consuming keys in one never affects the other.</summary>
    public SecretTree Clone() => new(this);

    /// <summary>The key for the next generation of <paramref name="leaf"/>'s ratchet, for sending.
    /// The key is consumed: the ratchet never hands it out again.</summary>
    public MessageKey NextForEncryption(uint leaf, RatchetKind kind) => Ratchet(leaf, kind).Next(Options);

    /// <summary>The key for <paramref name="generation"/> of <paramref name="leaf"/>'s ratchet, for
    /// receiving; consumed. Throws <see cref="MlsError.GenerationTooOld"/> (below the out-of-order
    /// window), <see cref="MlsError.GenerationReused"/> (already used), <see cref="MlsError.GenerationTooFar"/>
    /// (beyond the forward distance) or <see cref="MlsError.UnknownSender"/> (leaf outside the tree).
    /// To keep a key only if the message then authenticates, work on a <see cref="Clone"/>.</summary>
    public MessageKey ForDecryption(uint leaf, RatchetKind kind, uint generation) => Ratchet(leaf, kind).Get(generation, Options);

    /// <summary>The generation <see cref="NextForEncryption"/> would use for <paramref name="leaf"/>.</summary>
    public ulong NextGeneration(uint leaf, RatchetKind kind) => Ratchet(leaf, kind).NextGeneration;

    /// <summary>How many secrets of the tree itself (not the ratchets) are still held; for tests of the deletion schedule.</summary>
    public int RetainedNodeSecretCount => _nodes.Count(s => s is not null);

    /// <summary>How many skipped keys <paramref name="leaf"/>'s ratchet keeps for late messages.</summary>
    public int SkippedKeyCount(uint leaf, RatchetKind kind) => Ratchet(leaf, kind).SkippedCount;

    private HashRatchet Ratchet(uint leaf, RatchetKind kind)
    {
        if (leaf >= LeafCount)
            throw new MlsProtocolException(MlsError.UnknownSender, $"leaf {leaf} is outside a tree of {LeafCount} leaves");
        if (_handshake[leaf] is null) InitializeLeaf(leaf);
        return kind switch
        {
            RatchetKind.Handshake => _handshake[leaf]!,
            RatchetKind.Application => _application[leaf]!,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Derives the leaf's secret down from its lowest ancestor that still holds one, keeping
    /// the siblings (other senders need them) and deleting each consumed parent; then starts the two
    /// ratchets and deletes the leaf secret.</summary>
    private void InitializeLeaf(uint leaf)
    {
        uint node = TreeMath.LeafToNode(leaf);
        var path = new List<uint> { node };
        path.AddRange(TreeMath.DirectPath(node, LeafCount));
        int top = path.FindIndex(n => _nodes[n] is not null);
        if (top < 0) throw new InvalidOperationException($"secret tree holds no secret above leaf {leaf}");
        for (int i = top; i > 0; i--)
        {
            uint parent = path[i];
            var secret = _nodes[parent]!;
            uint left = TreeMath.Left(parent), right = TreeMath.Right(parent, LeafCount);
            _nodes[left] = new Secret(_suite.ExpandWithLabel(secret.Span, "tree", "left"u8, _suite.HashLength));
            _nodes[right] = new Secret(_suite.ExpandWithLabel(secret.Span, "tree", "right"u8, _suite.HashLength));
            secret.Clear();
            _nodes[parent] = null;
        }
        var leafSecret = _nodes[node]!;
        _handshake[leaf] = new HashRatchet(_suite,
            new Secret(_suite.ExpandWithLabel(leafSecret.Span, "handshake", ReadOnlySpan<byte>.Empty, _suite.HashLength)));
        _application[leaf] = new HashRatchet(_suite,
            new Secret(_suite.ExpandWithLabel(leafSecret.Span, "application", ReadOnlySpan<byte>.Empty, _suite.HashLength)));
        leafSecret.Clear();
        _nodes[node] = null;
    }

    /// <summary>RFC 9420 §6.3.2: ciphertext_sample = the first Nh bytes of the content ciphertext
    /// (all of it if shorter).</summary>
    public static ReadOnlySpan<byte> CiphertextSample(CipherSuite suite, ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length <= suite.HashLength ? ciphertext : ciphertext[..suite.HashLength];

    /// <summary>RFC 9420 §6.3.2: sender_data_key = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, Nk).</summary>
    public static byte[] SenderDataKey(CipherSuite suite, ReadOnlySpan<byte> senderDataSecret, ReadOnlySpan<byte> ciphertext) =>
        suite.ExpandWithLabel(senderDataSecret, "key", CiphertextSample(suite, ciphertext), suite.Aead.KeyLength);

    /// <summary>RFC 9420 §6.3.2: sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, Nn).</summary>
    public static byte[] SenderDataNonce(CipherSuite suite, ReadOnlySpan<byte> senderDataSecret, ReadOnlySpan<byte> ciphertext) =>
        suite.ExpandWithLabel(senderDataSecret, "nonce", CiphertextSample(suite, ciphertext), Aead.NonceLength);

    /// <summary>Clears every secret still held (the epoch ended).</summary>
    public void Clear()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            _nodes[i]?.Clear();
            _nodes[i] = null;
        }
        foreach (var r in _handshake) r?.Clear();
        foreach (var r in _application) r?.Clear();
        Array.Clear(_handshake);
        Array.Clear(_application);
    }

    public void Dispose() => Clear();

    public override string ToString() => $"SecretTree({LeafCount} leaves)";

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>
    /// Saves the tree's exact internal state, so that the loaded tree hands out the same keys and
    /// raises the same GenerationReused/TooOld/TooFar errors as this one from then on:
    /// <code>
    /// uint16 cipher_suite; uint32 leaf_count; SecretTreeOptions options;
    /// optional&lt;opaque node_secret&lt;V&gt;&gt; node_secrets&lt;V&gt;;   // one per node (NodeWidth(leaf_count))
    /// optional&lt;LeafRatchets&gt; leaves&lt;V&gt;;                    // one per leaf
    /// struct { HashRatchet handshake; HashRatchet application; } LeafRatchets;
    /// </code>
    /// A node secret is present only while it has not been consumed (§9.2); a leaf's ratchets only
    /// once the leaf was used. The output holds the epoch's message secrets: callers must protect it
    /// and never log it. Saving a cleared tree is a programming error (<see cref="InvalidOperationException"/>).
    /// </summary>
    public void Save(TlsWriter writer)
    {
        if (Array.TrueForAll(_nodes, n => n is null) && Array.TrueForAll(_handshake, r => r is null))
            throw new InvalidOperationException("cannot save a cleared secret tree");
        writer.WriteUInt16(_suite.Id);
        writer.WriteUInt32(LeafCount);
        Options.Save(writer);
        writer.WriteVector(_nodes, (w, n) => w.WriteOptional(n, (w2, secret) => secret.Save(w2)));
        int mark = writer.BeginVector();
        for (int i = 0; i < (int)LeafCount; i++)
        {
            if (_handshake[i] is not { } handshake) { writer.WriteUInt8(0); continue; }
            writer.WriteUInt8(1);
            handshake.Save(writer);
            _application[i]!.Save(writer);
        }
        writer.EndVector(mark);
    }

    /// <summary>
    /// Loads what <see cref="Save"/> wrote. Besides every length, checks the §9.2 shape: on the path
    /// from each leaf to the root there is exactly one node secret if the leaf's ratchets do not
    /// exist yet, and none if they do. <see cref="MlsDecodeException"/> if anything is off.
    /// </summary>
    public static SecretTree Load(ref TlsReader reader)
    {
        var suite = StateCodec.ReadSuite(ref reader);
        uint leafCount = reader.ReadUInt32();
        if (!TreeMath.IsFullTreeSize(leafCount))
            throw new MlsDecodeException($"saved secret tree: leaf count {leafCount} is not a power of two");
        var options = SecretTreeOptions.Load(ref reader);
        int nh = suite.HashLength;
        // Counts are checked against the lists read (bounded by the input) before anything is sized by leaf_count.
        var nodes = reader.ReadVector((ref TlsReader r) => r.ReadPresence() ? Secret.Load(ref r, nh) : null);
        if ((uint)nodes.Count != TreeMath.NodeWidth(leafCount))
            throw new MlsDecodeException($"saved secret tree: {nodes.Count} node entries for {leafCount} leaves");
        var ratchets = reader.ReadVector((ref TlsReader r) => r.ReadPresence()
            ? new[] { HashRatchet.Load(ref r, suite), HashRatchet.Load(ref r, suite) }
            : null);
        if ((uint)ratchets.Count != leafCount)
            throw new MlsDecodeException($"saved secret tree: {ratchets.Count} leaf entries for {leafCount} leaves");

        for (uint leaf = 0; leaf < leafCount; leaf++)
        {
            uint node = TreeMath.LeafToNode(leaf);
            int held = nodes[(int)node] is null ? 0 : 1;
            foreach (var ancestor in TreeMath.DirectPath(node, leafCount))
                if (nodes[(int)ancestor] is not null) held++;
            if (held != (ratchets[(int)leaf] is null ? 1 : 0))
                throw new MlsDecodeException($"saved secret tree: leaf {leaf} has {held} secrets on its path, inconsistent with its ratchets");
        }
        return new SecretTree(suite, leafCount, options, nodes.ToArray(),
            ratchets.Select(r => r?[0]).ToArray(), ratchets.Select(r => r?[1]).ToArray());
    }
}
