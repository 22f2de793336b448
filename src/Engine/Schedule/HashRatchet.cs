using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Schedule;

/// <summary>
/// One sender ratchet of RFC 9420 §9.1: holds ratchet_secret_[next] and the keys of generations it
/// skipped but has not yet used. Invariant: every generation in [floor, next) is either in
/// <c>_skipped</c> or has been consumed, and every generation below floor is gone for good; that
/// tells a reused generation from one that is merely too old.
/// </summary>
internal sealed class HashRatchet
{
    private const ulong Exhausted = 1UL << 32;

    private readonly CipherSuite _suite;
    private Secret _secret;
    private ulong _next;
    private ulong _floor;
    private readonly SortedDictionary<uint, MessageKey> _skipped;

    public HashRatchet(CipherSuite suite, Secret initialSecret)
    {
        _suite = suite;
        _secret = initialSecret;
        _skipped = [];
    }

    private HashRatchet(HashRatchet other)
    {
        _suite = other._suite;
        _secret = other._secret.Clone();
        _next = other._next;
        _floor = other._floor;
        // A group state is cloned to process each PrivateMessage on a copy: no intermediate dictionary,
        // and no enumerator when nothing was skipped (in-order delivery).
        _skipped = [];
        if (other._skipped.Count > 0)
            foreach (var (generation, key) in other._skipped) _skipped.Add(generation, key.Clone());
    }

    public HashRatchet Clone() => new(this);

    private HashRatchet(CipherSuite suite, Secret secret, ulong next, ulong floor, SortedDictionary<uint, MessageKey> skipped)
    {
        _suite = suite;
        _secret = secret;
        _next = next;
        _floor = floor;
        _skipped = skipped;
    }

    /// <summary>The generation the next <see cref="Next"/> will return.</summary>
    public ulong NextGeneration => _next;
    public int SkippedCount => _skipped.Count;

    /// <summary>The key for the next generation (for sending), consumed.</summary>
    public MessageKey Next(SecretTreeOptions options)
    {
        if (_next >= Exhausted) throw new MlsProtocolException(MlsError.GenerationTooFar, "sender ratchet exhausted (2^32 generations)");
        return Take((uint)_next, options);
    }

    /// <summary>The key for <paramref name="generation"/> (for receiving), consumed.</summary>
    public MessageKey Get(uint generation, SecretTreeOptions options)
    {
        if (generation < _next)
        {
            if (_skipped.Remove(generation, out var kept)) return kept;
            if (generation < _floor)
                throw new MlsProtocolException(MlsError.GenerationTooOld, $"generation {generation} is older than the out-of-order window");
            throw new MlsProtocolException(MlsError.GenerationReused, $"generation {generation} was already used");
        }
        if (generation - _next > options.MaximumForwardDistance)
            throw new MlsProtocolException(MlsError.GenerationTooFar,
                $"generation {generation} is more than {options.MaximumForwardDistance} ahead of {_next}");
        return Take(generation, options);
    }

    /// <summary>Ratchets forward to <paramref name="generation"/> (≥ next), keeping the keys of the
    /// skipped generations that fall within the out-of-order window, and consumes it.</summary>
    private MessageKey Take(uint generation, SecretTreeOptions options)
    {
        // Only the newest OutOfOrderTolerance generations below the new next are worth deriving keys for.
        ulong newNext = (ulong)generation + 1;
        ulong keepFrom = newNext > options.OutOfOrderTolerance + 1 ? newNext - 1 - options.OutOfOrderTolerance : 0;
        while (_next < generation)
        {
            uint g = (uint)_next;
            if (g >= keepFrom) _skipped[g] = KeyAt(g);
            Step(g);
        }
        var key = KeyAt(generation);
        Step(generation);

        // Forget everything below the window: those generations can no longer be decrypted (§9.2).
        ulong floor = Math.Max(_floor, keepFrom);
        if (_skipped.Count > 0)
            foreach (var g in _skipped.Keys.TakeWhile(g => g < floor).ToList())
            {
                _skipped[g].Clear();
                _skipped.Remove(g);
            }
        _floor = floor;
        return key;
    }

    private MessageKey KeyAt(uint generation) => new(generation,
        _suite.DeriveTreeSecret(_secret.Span, "key", generation, _suite.Aead.KeyLength),
        _suite.DeriveTreeSecret(_secret.Span, "nonce", generation, Aead.NonceLength));

    /// <summary>ratchet_secret_[j+1] = DeriveTreeSecret(ratchet_secret_[j], "secret", j, Nh); the old one is deleted.</summary>
    private void Step(uint generation)
    {
        var next = new Secret(_suite.DeriveTreeSecret(_secret.Span, "secret", generation, _suite.HashLength));
        _secret.Clear();
        _secret = next;
        _next = (ulong)generation + 1;
    }

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>
    /// Saves the ratchet exactly: <c>uint64 next; uint64 floor; opaque ratchet_secret&lt;V&gt;;
    /// SkippedKey skipped&lt;V&gt;</c> with <c>SkippedKey = { uint32 generation; opaque key&lt;V&gt;;
    /// opaque nonce&lt;V&gt; }</c> in ascending generation order. Consumed generations are the ones in
    /// [floor, next) that are not skipped, so they need no marker of their own. Holds secrets.
    /// </summary>
    public void Save(TlsWriter writer)
    {
        writer.WriteUInt64(_next);
        writer.WriteUInt64(_floor);
        _secret.Save(writer);
        int mark = writer.BeginVector();
        if (_skipped.Count > 0)
            foreach (var k in _skipped.Values)
            {
                writer.WriteUInt32(k.Generation);
                writer.WriteOpaque(k.Key);
                writer.WriteOpaque(k.Nonce);
            }
        writer.EndVector(mark);
    }

    /// <summary>Loads what <see cref="Save"/> wrote, checking the invariant (floor ≤ next ≤ 2^32,
    /// skipped generations strictly ascending within [floor, next)) and every length;
    /// <see cref="MlsDecodeException"/> if anything is off.</summary>
    public static HashRatchet Load(ref TlsReader reader, CipherSuite suite)
    {
        ulong next = reader.ReadUInt64();
        ulong floor = reader.ReadUInt64();
        if (next > Exhausted || floor > next)
            throw new MlsDecodeException($"saved ratchet: floor {floor} / next {next} out of range");
        var secret = Secret.Load(ref reader, suite.HashLength);
        var skipped = new SortedDictionary<uint, MessageKey>();
        var list = reader.ReadVectorReader();
        long previous = -1;
        while (!list.End)
        {
            uint generation = list.ReadUInt32();
            var key = list.ReadOpaqueSpan();
            var nonce = list.ReadOpaqueSpan();
            if (generation <= previous || generation < floor || generation >= next)
                throw new MlsDecodeException($"saved ratchet: skipped generation {generation} out of order or outside [{floor}, {next})");
            if (key.Length != suite.Aead.KeyLength || nonce.Length != Aead.NonceLength)
                throw new MlsDecodeException($"saved ratchet: key or nonce of generation {generation} has the wrong length");
            skipped[generation] = new MessageKey(generation, key.ToArray(), nonce.ToArray());
            previous = generation;
        }
        return new HashRatchet(suite, secret, next, floor, skipped);
    }

    public void Clear()
    {
        _secret.Clear();
        if (_skipped.Count == 0) return;
        foreach (var k in _skipped.Values) k.Clear();
        _skipped.Clear();
    }
}
