namespace Sim.Engine.Crypto;

/// <summary>
/// HPKE base mode (RFC 9180 §5.1, mode_base = 0x00) for one (KEM, KDF, AEAD) triple:
/// single-shot seal/open, and a context for several messages and for Export.
/// </summary>
internal sealed class Hpke
{
    private readonly IKem _kem;
    private readonly HashKdf _kdf;
    private readonly Aead _aead;
    private readonly byte[] _suiteId;
    // psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id) with mode_base's empty psk_id: a constant of the suite.
    private byte[]? _pskIdHash;

    public Hpke(IKem kem, HashKdf kdf, Aead aead)
    {
        _kem = kem;
        _kdf = kdf;
        _aead = aead;
        // suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)
        _suiteId = [(byte)'H', (byte)'P', (byte)'K', (byte)'E',
            (byte)(kem.Id >> 8), (byte)kem.Id, (byte)(kdf.HpkeKdfId >> 8), (byte)kdf.HpkeKdfId,
            (byte)(aead.HpkeAeadId >> 8), (byte)aead.HpkeAeadId];
    }

    public IKem Kem => _kem;

    /// <summary>SetupBaseS(pkR, info) → (enc, context).</summary>
    public (byte[] Enc, HpkeContext Context) SetupBaseSender(ReadOnlySpan<byte> publicKeyR, ReadOnlySpan<byte> info, IRandomSource random)
    {
        var (shared, enc) = _kem.Encap(publicKeyR, random);
        return (enc, KeySchedule(shared, info));
    }

    /// <summary>SetupBaseR(enc, skR, info) → context.</summary>
    public HpkeContext SetupBaseReceiver(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> info) =>
        KeySchedule(_kem.Decap(enc, privateKeyR), info);

    /// <summary>SetupBaseR with the receiver's public key known (no recomputation in Decap).</summary>
    public HpkeContext SetupBaseReceiver(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> publicKeyR, ReadOnlySpan<byte> info) =>
        KeySchedule(_kem.Decap(enc, privateKeyR, publicKeyR), info);

    /// <summary>Single-shot SealBase(pkR, info, aad, pt) → (enc, ct).</summary>
    public (byte[] Enc, byte[] Ciphertext) Seal(ReadOnlySpan<byte> publicKeyR, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext, IRandomSource random)
    {
        var (enc, ctx) = SetupBaseSender(publicKeyR, info, random);
        using (ctx) return (enc, ctx.Seal(aad, plaintext));
    }

    /// <summary>Single-shot OpenBase(enc, skR, info, aad, ct) → pt; failures are <see cref="MlsProtocolException"/>.</summary>
    public byte[] Open(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> ciphertext)
    {
        using var ctx = SetupBaseReceiver(enc, privateKeyR, info);
        return ctx.Open(aad, ciphertext);
    }

    /// <summary>
    /// Single-shot OpenBase for trial decryption (a ciphertext that may be for another key, with an enc
    /// from the network): null where <see cref="Open(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    /// throws <see cref="MlsError.InvalidKey"/> (enc is not a public key) or <see cref="MlsError.DecryptionFailed"/>.
    /// </summary>
    public byte[]? TryOpen(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> ciphertext)
    {
        if (_kem.TryDecap(enc, privateKeyR) is not { } shared) return null;
        using var ctx = KeySchedule(shared, info);
        return ctx.TryOpen(aad, ciphertext);
    }

    /// <summary>Single-shot OpenBase with the receiver's public key known.</summary>
    public byte[] Open(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> publicKeyR, ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        using var ctx = SetupBaseReceiver(enc, privateKeyR, publicKeyR, info);
        return ctx.Open(aad, ciphertext);
    }

    private HpkeContext KeySchedule(byte[] sharedSecret, ReadOnlySpan<byte> info)
    {
        CryptoCounters.Count(CryptoOp.HpkeSetup);
        // RFC 9180 §5.1 with mode_base: psk = psk_id = "".
        var pskIdHash = _pskIdHash ??= HpkeLabels.LabeledExtract(_kdf, _suiteId, default, "psk_id_hash", default);
        var infoHash = HpkeLabels.LabeledExtract(_kdf, _suiteId, default, "info_hash", info);
        var context = new byte[1 + pskIdHash.Length + infoHash.Length];
        context[0] = 0x00;
        pskIdHash.CopyTo(context, 1);
        infoHash.CopyTo(context, 1 + pskIdHash.Length);
        var secret = HpkeLabels.LabeledExtract(_kdf, _suiteId, sharedSecret, "secret", default);
        Array.Clear(sharedSecret);
        var key = HpkeLabels.LabeledExpand(_kdf, _suiteId, secret, "key", context, _aead.KeyLength);
        var baseNonce = HpkeLabels.LabeledExpand(_kdf, _suiteId, secret, "base_nonce", context, Aead.NonceLength);
        // exporter_secret is derived on the first Export only (MLS never exports from its single-shot
        // HPKE): the context keeps the secret until it is disposed.
        return new HpkeContext(_kdf, _aead, _suiteId, key, baseNonce, secret, context);
    }
}

/// <summary>An HPKE encryption context (RFC 9180 §5.2): sequence-numbered AEAD and the exporter.</summary>
internal sealed class HpkeContext : IDisposable
{
    private readonly HashKdf _kdf;
    private readonly Aead _aead;
    private readonly byte[] _suiteId;
    private readonly byte[] _key;
    private readonly byte[] _baseNonce;
    private readonly byte[] _secret;
    private readonly byte[] _keyScheduleContext;
    private byte[]? _exporterSecret;
    private ulong _sequence;

    internal HpkeContext(HashKdf kdf, Aead aead, byte[] suiteId, byte[] key, byte[] baseNonce, byte[] secret, byte[] keyScheduleContext)
    {
        _kdf = kdf;
        _aead = aead;
        _suiteId = suiteId;
        _key = key;
        _baseNonce = baseNonce;
        _secret = secret;
        _keyScheduleContext = keyScheduleContext;
    }

    private byte[] NextNonce()
    {
        if (_sequence == ulong.MaxValue) throw new InvalidOperationException("HPKE message limit reached");
        var nonce = (byte[])_baseNonce.Clone();
        ulong seq = _sequence++;
        for (int i = 0; i < 8; i++) nonce[nonce.Length - 1 - i] ^= (byte)(seq >> (8 * i));
        return nonce;
    }

    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext) => _aead.Seal(_key, NextNonce(), aad, plaintext);

    public byte[] Open(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) =>
        TryOpen(aad, ciphertext) ?? throw new MlsProtocolException(MlsError.DecryptionFailed,
            ciphertext.Length < Aead.TagLength ? "ciphertext shorter than the AEAD tag" : "AEAD authentication failed");

    /// <summary><see cref="Open"/> returning null on a wrong key or a flipped bit; the sequence number advances only on success.</summary>
    public byte[]? TryOpen(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        var nonce = (byte[])_baseNonce.Clone();
        ulong seq = _sequence;
        for (int i = 0; i < 8; i++) nonce[nonce.Length - 1 - i] ^= (byte)(seq >> (8 * i));
        var pt = _aead.TryOpen(_key, nonce, aad, ciphertext);
        if (pt is not null) _sequence++;
        return pt;
    }

    /// <summary>Export(exporter_context, L) of RFC 9180 §5.3.</summary>
    public byte[] Export(ReadOnlySpan<byte> exporterContext, int length)
    {
        // RFC 9180 §5.1: exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh).
        var exporter = _exporterSecret ??= HpkeLabels.LabeledExpand(_kdf, _suiteId, _secret, "exp", _keyScheduleContext, _kdf.Length);
        return HpkeLabels.LabeledExpand(_kdf, _suiteId, exporter, "sec", exporterContext, length);
    }

    public void Dispose()
    {
        Array.Clear(_key);
        Array.Clear(_baseNonce);
        Array.Clear(_secret);
        if (_exporterSecret is not null) Array.Clear(_exporterSecret);
    }
}
