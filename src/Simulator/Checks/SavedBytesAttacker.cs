using System.Buffers.Binary;
using Sim.Engine.Crypto;

namespace Sim.Simulator.Checks;

/// <summary>
/// The FS/PCS attacker of issue 10 that trusts nothing the engine says about what it deleted: it
/// works on the stolen saved bytes alone. Every window of the bytes as long as a secret (Nh) or an
/// AEAD key (Nk), at every offset, is a candidate (a window that repeats one before it, or holds four
/// or more zero bytes, as lengths and indices do and a random secret almost never does, is skipped); each candidate is
/// tried as every secret the key schedule (RFC 9420 §8) and the secret tree (§9) put on the way to a
/// datagram, and as what they derive:
/// <list type="bullet">
/// <item>the outer seal (PAIRMLS.md "Framing"): a candidate as the header key itself, or as an
/// epoch_secret / exporter_secret whose MLS-Exporter("PairMLS header seal") is the key;</item>
/// <item>the sender data (§6.3.2): a candidate as sender_data_secret, or as the epoch_secret it derives from;</item>
/// <item>the content (§6.3.1, §9): a candidate as the epoch_secret, the encryption_secret or any
/// node secret on the sender's path of a tree of 2, 4 or 8 leaves, or its leaf secret, each ratcheted
/// from generation 0 (tested on the sender's lowest generation captured in that epoch, which then
/// gives every generation of the epoch); as the application ratchet secret of exactly the
/// datagram's generation; and as the key of that generation with its nonce right behind it (0 to 4
/// bytes of framing between them).</item>
/// </list>
/// What a candidate opened once (a header key, a sender data secret, a ratchet) is remembered for the
/// datagrams after it, and an epoch whose sender data no candidate opens is not tried again (every
/// datagram of an epoch shares that secret). Nothing it finds is printed: a <see cref="Reading"/>
/// names the offset and the role, never the bytes. Not covered: ratchets more than 0 generations behind
/// the datagram (the datagram of that older generation is caught instead), HPKE-sealed datagrams of
/// epoch w (the invitation's init key), and secrets stored transformed (encrypted, split).
/// </summary>
public sealed class SavedBytesAttacker
{
    private const string HeaderSealLabel = "PairMLS header seal";
    private static readonly byte[] HeaderSealAad = "PairMLS/1"u8.ToArray();

    private readonly CipherSuite _suite;
    private readonly int _nh, _nk, _nn;
    private readonly byte[] _stolen;
    private readonly List<int> _secrets = [];   // offsets of Nh windows
    private readonly List<int> _keys = [];      // offsets of Nk windows
    private readonly IReadOnlyList<SentDatagram> _traffic;
    private List<(byte[] Key, string How)>? _headerKeys;
    private readonly List<(byte[] Key, string How)> _openedHeaderKeys = [];
    private readonly HashSet<ulong> _sealedEpochs = [];   // epochs whose first datagram no candidate opened
    private readonly Dictionary<(string Group, ulong Epoch), (byte[] Secret, string How)?> _senderData = [];
    private readonly Dictionary<(string Group, ulong Epoch, uint Leaf), (uint Generation, byte[] Ratchet, string How)?> _chains = [];

    public SavedBytesAttacker(CipherSuite suite, byte[] stolen, IReadOnlyList<SentDatagram> traffic)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(stolen);
        ArgumentNullException.ThrowIfNull(traffic);
        _suite = suite;
        _stolen = stolen;
        _traffic = traffic;
        _nh = suite.HashLength;
        (_nk, _nn) = suite.AeadLengths;
        Windows(_nh, _secrets);
        Windows(_nk, _keys);
    }

    /// <summary>How many Nh and Nk windows of the stolen bytes are candidates.</summary>
    public (int Secrets, int Keys) Candidates => (_secrets.Count, _keys.Count);

    /// <summary>What the attacker read of one datagram: the payload id (null if it carries none) and which material opened it.</summary>
    public sealed record Reading(long? PayloadId, string How);

    /// <summary>The datagram's application content, if the stolen bytes open it; null otherwise.</summary>
    public Reading? Read(SentDatagram datagram)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        if (OpenOuter(datagram) is not { } body) return null;
        if (!PrivateApplication.TryParse(body, out var message)) return null;
        if (OpenSenderData(message) is not { } sender) return null;
        var (leaf, generation, guard) = sender;
        string group = Convert.ToHexString(message.GroupId);
        var chainKey = (group, message.Epoch, leaf);
        if (!_chains.ContainsKey(chainKey)) _chains[chainKey] = FindEpochChain(message, leaf);
        if (_chains[chainKey] is { } chain && chain.Generation <= generation)
        {
            var ratchet = Forward(chain.Ratchet, chain.Generation, generation);
            if (OpenContent(message, ratchet, generation, guard) is { } p1) return new Reading(p1, chain.How + $", ratcheted to generation {generation}");
        }
        foreach (int o in _secrets)
            if (OpenContent(message, _stolen.AsSpan(o, _nh), generation, guard) is { } p2)
                return new Reading(p2, $"the {_nh}-byte window at offset {o} as the application ratchet secret of leaf {leaf}, generation {generation}");
        foreach (int o in _keys)
            for (int gap = 0; gap <= 4; gap++)
            {
                if (o + _nk + gap + _nn > _stolen.Length) break;
                if (OpenWithKey(message, _stolen.AsSpan(o, _nk), _stolen.AsSpan(o + _nk + gap, _nn), guard) is { } p3)
                    return new Reading(p3, $"the {_nk}-byte window at offset {o} as the key of leaf {leaf}, generation {generation}, with its nonce {gap} bytes after it");
            }
        return null;
    }

    /// <summary>
    /// The opened body. Every datagram of an epoch after w is sealed under that epoch's one header
    /// key, so an epoch whose first datagram tried no candidate opens is not scanned again (the
    /// epoch is the sender's, from the trace: it only groups datagrams, it opens nothing).
    /// </summary>
    private byte[]? OpenOuter(SentDatagram datagram)
    {
        var bytes = datagram.Bytes;
        if (bytes.Length < _nn + 16) return null;
        foreach (var (key, _) in _openedHeaderKeys)
            if (TryOpenSeal(key, bytes) is { } body) return body;
        if (_sealedEpochs.Contains(datagram.Epoch)) return null;
        _headerKeys ??= HeaderKeyCandidates();
        foreach (var candidate in _headerKeys)
            if (TryOpenSeal(candidate.Key, bytes) is { } body)
            {
                _openedHeaderKeys.Add(candidate);
                return body;
            }
        _sealedEpochs.Add(datagram.Epoch);
        return null;
    }

    private List<(byte[] Key, string How)> HeaderKeyCandidates()
    {
        var all = new List<(byte[], string)>();
        foreach (int o in _keys) all.Add((_stolen.AsSpan(o, _nk).ToArray(), $"offset {o} as a header key"));
        foreach (int o in _secrets)
        {
            var w = _stolen.AsSpan(o, _nh);
            all.Add((Exporter(w), $"offset {o} as an exporter_secret"));
            var exporter = _suite.DeriveSecret(w, "exporter");
            all.Add((Exporter(exporter), $"offset {o} as an epoch_secret"));
        }
        return all;
    }

    private byte[] Exporter(ReadOnlySpan<byte> exporterSecret) =>
        _suite.ExpandWithLabel(_suite.DeriveSecret(exporterSecret, HeaderSealLabel), "exported", _suite.Hash([]), _nk);

    private byte[]? TryOpenSeal(byte[] key, byte[] datagram) =>
        TryAead(key, datagram.AsSpan(0, _nn), HeaderSealAad, datagram.AsSpan(_nn));

    private (uint Leaf, uint Generation, byte[] Guard)? OpenSenderData(PrivateApplication message)
    {
        var epochKey = (Convert.ToHexString(message.GroupId), message.Epoch);
        if (_senderData.TryGetValue(epochKey, out var known))
            return known is { } k ? TrySenderData(message, k.Secret) : null;
        foreach (int o in _secrets)
        {
            var w = _stolen.AsSpan(o, _nh).ToArray();
            foreach (var (secret, how) in new[] { (w, $"offset {o} as sender_data_secret"), (_suite.DeriveSecret(w, "sender data"), $"offset {o} as an epoch_secret") })
                if (TrySenderData(message, secret) is { } found)
                {
                    _senderData[epochKey] = (secret, how);
                    return found;
                }
        }
        _senderData[epochKey] = null;
        return null;
    }

    private (uint, uint, byte[])? TrySenderData(PrivateApplication message, byte[] secret)
    {
        var sample = message.Ciphertext.AsSpan(0, Math.Min(_nh, message.Ciphertext.Length));
        var key = _suite.ExpandWithLabel(secret, "key", sample, _nk);
        var nonce = _suite.ExpandWithLabel(secret, "nonce", sample, _nn);
        var plain = TryAead(key, nonce, message.SenderDataAad(), message.EncryptedSenderData);
        if (plain is not { Length: 12 }) return null;
        return (BinaryPrimitives.ReadUInt32BigEndian(plain), BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(4)), plain[8..12]);
    }

    /// <summary>An epoch-level secret among the candidates: tested on the sender's lowest captured generation of the epoch.</summary>
    private (uint, byte[], string)? FindEpochChain(PrivateApplication message, uint leaf)
    {
        // The attacker holds every captured datagram: find the sender's lowest generation of this epoch it can read the sender data of.
        (PrivateApplication Message, uint Generation, byte[] Guard)? lowest = null;
        foreach (var d in _traffic)
        {
            if (d.Epoch != message.Epoch || OpenOuter(d) is not { } body || !PrivateApplication.TryParse(body, out var m)
                || !m.GroupId.AsSpan().SequenceEqual(message.GroupId) || OpenSenderData(m) is not { } s || s.Leaf != leaf) continue;
            if (lowest is null || s.Generation < lowest.Value.Generation) lowest = (m, s.Generation, s.Guard);
        }
        if (lowest is not { } low || low.Generation > 64) return null;
        foreach (int o in _secrets)
            foreach (var (ratchet0, how) in Ratchets0(_stolen.AsSpan(o, _nh), leaf, o))
            {
                var ratchet = Forward(ratchet0, 0, low.Generation);
                if (OpenContent(low.Message, ratchet, low.Generation, low.Guard) is not null) return (0u, ratchet0, how);
            }
        return null;
    }

    /// <summary>The application ratchet secret of generation 0 of <paramref name="leaf"/>, for each role the window could have.</summary>
    private IEnumerable<(byte[], string)> Ratchets0(ReadOnlySpan<byte> window, uint leaf, int offset)
    {
        var w = window.ToArray();
        var list = new List<(byte[], string)>
        {
            (_suite.ExpandWithLabel(w, "application", [], _nh), $"offset {offset} as the leaf secret of leaf {leaf}"),
        };
        var encryption = _suite.DeriveSecret(w, "encryption");
        int smallest = (int)System.Numerics.BitOperations.RoundUpToPowerOf2(Math.Max(2u, leaf + 1));
        foreach (int width in new[] { smallest, 2 * smallest })
        {
            int height = System.Numerics.BitOperations.Log2((uint)width);
            // From the root down: at height h the node's child towards the leaf is left or right by bit h-1 of the leaf index.
            for (int start = height; start >= 1; start--)
            {
                var node = w;
                for (int h = start; h >= 1; h--) node = _suite.ExpandWithLabel(node, "tree", ((leaf >> (h - 1)) & 1) == 0 ? "left"u8 : "right"u8, _nh);
                list.Add((_suite.ExpandWithLabel(node, "application", [], _nh), start == height
                    ? $"offset {offset} as the encryption_secret (tree of {width} leaves)"
                    : $"offset {offset} as the node secret {start} levels above leaf {leaf} (tree of {width} leaves)"));
            }
            var root = encryption;
            for (int h = height; h >= 1; h--) root = _suite.ExpandWithLabel(root, "tree", ((leaf >> (h - 1)) & 1) == 0 ? "left"u8 : "right"u8, _nh);
            list.Add((_suite.ExpandWithLabel(root, "application", [], _nh), $"offset {offset} as the epoch_secret (tree of {width} leaves)"));
        }
        return list;
    }

    private byte[] Forward(byte[] ratchet, uint from, uint to)
    {
        var r = ratchet;
        for (uint g = from; g < to; g++) r = _suite.DeriveTreeSecret(r, "secret", g, _nh);
        return r;
    }

    private long? OpenContent(PrivateApplication message, ReadOnlySpan<byte> ratchet, uint generation, byte[] guard) =>
        OpenWithKey(message, _suite.DeriveTreeSecret(ratchet, "key", generation, _nk), _suite.DeriveTreeSecret(ratchet, "nonce", generation, _nn), guard);

    /// <summary>The payload id (or -1 for a payload without one) if the key and nonce open the content.</summary>
    private long? OpenWithKey(PrivateApplication message, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, byte[] guard)
    {
        Span<byte> n = stackalloc byte[nonce.Length];
        nonce.CopyTo(n);
        for (int i = 0; i < 4; i++) n[i] ^= guard[i];
        var plain = TryAead(key, n, message.ContentAad(), message.Ciphertext);
        return plain is null ? null : PrivateApplication.PayloadId(plain) ?? -1;
    }

    private byte[]? TryAead(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) =>
        _suite.AeadTryOpen(key, nonce, aad, ciphertext);

    private void Windows(int length, List<int> into)
    {
        var mine = new HashSet<string>(StringComparer.Ordinal);
        for (int o = 0; o + length <= _stolen.Length; o++)
        {
            var w = _stolen.AsSpan(o, length);
            if (!LowEntropy(w) && mine.Add(Convert.ToHexString(w))) into.Add(o);
        }
    }

    /// <summary>A key-sized random secret has on average one zero byte in 256; lengths, indices and padding have many.</summary>
    private static bool LowEntropy(ReadOnlySpan<byte> w) => w.Count((byte)0) >= 4;
}
