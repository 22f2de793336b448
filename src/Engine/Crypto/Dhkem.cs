using System.Text;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Sim.Engine.Crypto;

/// <summary>
/// DHKEM of RFC 9180 §4.1 over X25519, X448 (RFC 7748) and the NIST curves P-256, P-384, P-521,
/// with the KDF the RFC pairs with each curve. The Diffie-Hellman runs on BouncyCastle.
/// </summary>
internal abstract class Dhkem : IKem
{
    public static readonly IKem X25519 = new MontgomeryDhkem(0x0020, HashKdf.Sha256, 32, 32, isX25519: true);
    public static readonly IKem X448 = new MontgomeryDhkem(0x0021, HashKdf.Sha512, 56, 64, isX25519: false);
    public static readonly IKem P256 = new NistDhkem(0x0010, HashKdf.Sha256, "P-256", 32, 65, 32, 0xFF);
    public static readonly IKem P384 = new NistDhkem(0x0011, HashKdf.Sha384, "P-384", 48, 97, 48, 0xFF);
    public static readonly IKem P521 = new NistDhkem(0x0012, HashKdf.Sha512, "P-521", 66, 133, 64, 0x01);


    private readonly byte[] _suiteId;
    protected readonly HashKdf Kdf;

    public ushort Id { get; }
    public virtual string Implementation => CryptoProvider.BouncyCastleName;
    public int PublicKeyLength { get; }
    public int PrivateKeyLength { get; }
    public int EncLength => PublicKeyLength;
    public int SharedSecretLength { get; }

    protected Dhkem(ushort id, HashKdf kdf, int nsk, int npk, int nsecret)
    {
        Id = id;
        Kdf = kdf;
        PrivateKeyLength = nsk;
        PublicKeyLength = npk;
        SharedSecretLength = nsecret;
        _suiteId = [(byte)'K', (byte)'E', (byte)'M', (byte)(id >> 8), (byte)id];
    }

    // RFC 9180 §4: LabeledExtract / LabeledExpand with suite_id = "KEM" || I2OSP(kem_id, 2).
    protected byte[] LabeledExtract(ReadOnlySpan<byte> salt, string label, ReadOnlySpan<byte> ikm) =>
        HpkeLabels.LabeledExtract(Kdf, _suiteId, salt, label, ikm);

    protected byte[] LabeledExpand(ReadOnlySpan<byte> prk, string label, ReadOnlySpan<byte> info, int length) =>
        HpkeLabels.LabeledExpand(Kdf, _suiteId, prk, label, info, length);

    public abstract KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm);

    public byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey) => TryPublicKeyOf(privateKey, out var why) ?? throw BadKey(why);
    public byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey) => TryPublicKeyOf(privateKey, out _);

    /// <summary>The public key, or null with the reason when <paramref name="privateKey"/> is not a private key of this KEM.</summary>
    protected abstract byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey, out string why);

    /// <summary>DH(skX, pkY), or null with the reason when either key is not one of this KEM (or the result
    /// is the identity / all zero, RFC 9180 §7.1.4): the caller decides whether that is an error.</summary>
    protected abstract byte[]? TryDh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, out string why);

    private byte[] Dh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey) => TryDh(privateKey, publicKey, out var why) ?? throw BadKey(why);

    public KeyPair GenerateKeyPair(IRandomSource random)
    {
        var ikm = random.NextBytes(PrivateKeyLength);
        try { return DeriveKeyPair(ikm); }
        finally { Array.Clear(ikm); }
    }

    public (byte[] SharedSecret, byte[] Enc) Encap(ReadOnlySpan<byte> publicKeyR, IRandomSource random)
    {
        var ephemeral = GenerateKeyPair(random);
        try
        {
            var dh = Dh(ephemeral.PrivateKey, publicKeyR);
            var enc = ephemeral.PublicKey;
            return (ExtractAndExpand(dh, enc, publicKeyR), enc);
        }
        finally { ephemeral.Clear(); }
    }

    public byte[] Decap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR) => Decap(enc, privateKeyR, PublicKeyOf(privateKeyR));

    public byte[] Decap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> publicKeyR)
    {
        if (publicKeyR.Length != PublicKeyLength) throw BadKey("public key has the wrong length");
        var dh = Dh(privateKeyR, enc);
        return ExtractAndExpand(dh, enc, publicKeyR);
    }

    public byte[]? TryDecap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR)
    {
        if (TryPublicKeyOf(privateKeyR, out _) is not { } publicKeyR || TryDh(privateKeyR, enc, out _) is not { } dh) return null;
        return ExtractAndExpand(dh, enc, publicKeyR);
    }

    private byte[] ExtractAndExpand(byte[] dh, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> pkR)
    {
        Span<byte> kemContext = stackalloc byte[enc.Length + pkR.Length];
        enc.CopyTo(kemContext);
        pkR.CopyTo(kemContext[enc.Length..]);
        var eaePrk = LabeledExtract(ReadOnlySpan<byte>.Empty, "eae_prk", dh);
        Array.Clear(dh);
        var shared = LabeledExpand(eaePrk, "shared_secret", kemContext, SharedSecretLength);
        Array.Clear(eaePrk);
        return shared;
    }

    protected static MlsProtocolException BadKey(string what) => new(MlsError.InvalidKey, what);

    /// <summary>RFC 9180 §7.1.4 / RFC 7748 §6: an all-zero X25519/X448 output means a low-order public key.</summary>
    protected static bool IsAllZero(ReadOnlySpan<byte> shared)
    {
        Span<byte> zero = stackalloc byte[shared.Length];
        zero.Clear();
        return CipherSuite.FixedTimeEquals(shared, zero);
    }

    private sealed class MontgomeryDhkem(ushort id, HashKdf kdf, int size, int nsecret, bool isX25519)
        : Dhkem(id, kdf, size, size, nsecret)
    {
        public override KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
        {
            // RFC 9180 §7.1.3: for X25519/X448 the expanded bytes are the private key.
            var prk = LabeledExtract(ReadOnlySpan<byte>.Empty, "dkp_prk", ikm);
            var sk = LabeledExpand(prk, "sk", ReadOnlySpan<byte>.Empty, PrivateKeyLength);
            Array.Clear(prk);
            return new KeyPair(sk, PublicKeyOf(sk));
        }

        protected override byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey, out string why)
        {
            // RFC 7748 §5: any Nsk bytes are a private key (the scalar is clamped), so only the length can be wrong.
            why = "private key has the wrong length";
            if (privateKey.Length != PrivateKeyLength) return null;
            CryptoCounters.Count(CryptoOp.KemPublicKey);
            var pub = new byte[PublicKeyLength];
            if (isX25519) Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(privateKey, pub);
            else Org.BouncyCastle.Math.EC.Rfc7748.X448.ScalarMultBase(privateKey, pub);
            why = "";
            return pub;
        }

        protected override byte[]? TryDh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, out string why)
        {
            why = privateKey.Length != PrivateKeyLength ? "private key has the wrong length"
                : publicKey.Length != PublicKeyLength ? "public key has the wrong length" : "";
            if (why.Length != 0) return null;
            CryptoCounters.Count(CryptoOp.Dh);
            var shared = new byte[PublicKeyLength];
            if (isX25519) Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(privateKey, publicKey, shared);
            else Org.BouncyCastle.Math.EC.Rfc7748.X448.ScalarMult(privateKey, publicKey, shared);
            if (IsAllZero(shared))
            {
                why = "low-order public key";
                return null;
            }
            return shared;
        }
    }

    internal sealed class NistDhkem : Dhkem
    {
        private readonly ECDomainParameters _domain;
        private readonly byte _bitmask;

        public NistDhkem(ushort id, HashKdf kdf, string curveName, int nsk, int npk, int nsecret, byte bitmask)
            : base(id, kdf, nsk, npk, nsecret)
        {
            _domain = NistCurves.Domain(curveName);
            _bitmask = bitmask;
        }

        public override KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
        {
            // RFC 9180 §7.1.3: rejection sampling of a scalar in [1, n-1].
            var prk = LabeledExtract(ReadOnlySpan<byte>.Empty, "dkp_prk", ikm);
            try
            {
                for (int counter = 0; counter < 256; counter++)
                {
                    var bytes = LabeledExpand(prk, "candidate", [(byte)counter], PrivateKeyLength);
                    bytes[0] &= _bitmask;
                    var d = new BigInteger(1, bytes);
                    if (d.SignValue != 0 && d.CompareTo(_domain.N) < 0)
                    {
                        CryptoCounters.Count(CryptoOp.KemPublicKey);
                        return new KeyPair(bytes, NistCurves.PublicKeyOf(_domain, d));
                    }
                    Array.Clear(bytes);
                }
            }
            finally { Array.Clear(prk); }
            throw new InvalidOperationException("DeriveKeyPair: no valid scalar after 256 candidates");
        }

        protected override byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey, out string why)
        {
            if (!NistCurves.TryScalar(_domain, privateKey, PrivateKeyLength, out var d, out why)) return null;
            CryptoCounters.Count(CryptoOp.KemPublicKey);
            return NistCurves.PublicKeyOf(_domain, d);
        }

        protected override byte[]? TryDh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, out string why)
        {
            CryptoCounters.Count(CryptoOp.Dh);
            if (!NistCurves.TryScalar(_domain, privateKey, PrivateKeyLength, out var d, out why)) return null;
            if (!NistCurves.TryDecodePublicKey(_domain, publicKey, PublicKeyLength, out var q, out why)) return null;
            var p = q.Multiply(d).Normalize();
            if (p.IsInfinity)
            {
                why = "shared point at infinity";
                return null;
            }
            // RFC 9180 §7.1.1: the shared secret is the x-coordinate, Ndh = Nsk bytes.
            return BigIntegers(p.AffineXCoord.ToBigInteger(), PrivateKeyLength);
        }
    }

    internal static byte[] BigIntegers(BigInteger value, int length) =>
        Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(length, value);
}

/// <summary>The NIST curves as BouncyCastle domains, with strict key decoding.</summary>
internal static class NistCurves
{
    public static ECDomainParameters Domain(string name)
    {
        X9ECParameters x9 = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByName(name)
            ?? throw new InvalidOperationException($"curve {name} unknown to BouncyCastle");
        return new ECDomainParameters(x9.Curve, x9.G, x9.N, x9.H, x9.GetSeed());
    }

    public static BigInteger Scalar(ECDomainParameters domain, ReadOnlySpan<byte> privateKey, int length) =>
        TryScalar(domain, privateKey, length, out var d, out var why) ? d : throw new MlsProtocolException(MlsError.InvalidKey, why);

    /// <summary>The private scalar in [1, n-1], or false with the reason (a check, not a probe).</summary>
    public static bool TryScalar(ECDomainParameters domain, ReadOnlySpan<byte> privateKey, int length,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BigInteger? scalar, out string why)
    {
        // A shorter encoding is the same scalar with its leading zero bytes stripped (some peers, and
        // the IETF passive-client vectors for P-521, serialize private keys that way).
        scalar = null;
        if (privateKey.Length == 0 || privateKey.Length > length)
        {
            why = "private key has the wrong length";
            return false;
        }
        var d = new BigInteger(1, privateKey);
        if (d.SignValue == 0 || d.CompareTo(domain.N) >= 0)
        {
            why = "private scalar out of range";
            return false;
        }
        scalar = d;
        why = "";
        return true;
    }

    public static byte[] PublicKeyOf(ECDomainParameters domain, BigInteger d) =>
        domain.G.Multiply(d).Normalize().GetEncoded(false);

    /// <summary>An uncompressed point on the curve and not the identity, else <see cref="MlsError.InvalidKey"/>.</summary>
    public static ECPoint DecodePublicKey(ECDomainParameters domain, ReadOnlySpan<byte> publicKey, int length) =>
        TryDecodePublicKey(domain, publicKey, length, out var q, out var why) ? q : throw new MlsProtocolException(MlsError.InvalidKey, why);

    /// <summary>
    /// SEC1 §2.3.4 for an uncompressed point, without exceptions (a check, not a probe): 0x04 ‖ x ‖ y
    /// of <paramref name="length"/> bytes, both coordinates below the field prime, on the curve and of
    /// the group's order (not the identity, which has no uncompressed encoding anyway).
    /// </summary>
    public static bool TryDecodePublicKey(ECDomainParameters domain, ReadOnlySpan<byte> publicKey, int length,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ECPoint? point, out string why)
    {
        point = null;
        if (publicKey.Length != length || publicKey[0] != 0x04)
        {
            why = "public key is not an uncompressed point";
            return false;
        }
        int n = (length - 1) / 2;
        var x = new BigInteger(1, publicKey.Slice(1, n));
        var y = new BigInteger(1, publicKey.Slice(1 + n, n));
        var p = domain.Curve.Field.Characteristic;
        if (x.CompareTo(p) >= 0 || y.CompareTo(p) >= 0)
        {
            why = "public key coordinate is not a field element";
            return false;
        }
        var q = domain.Curve.CreatePoint(x, y);
        if (q.IsInfinity || !q.IsValid())
        {
            why = "public key is not on the curve";
            return false;
        }
        point = q;
        why = "";
        return true;
    }
}

/// <summary>RFC 9180 §4 labelled extract/expand, shared by DHKEM and the HPKE key schedule.</summary>
internal static class HpkeLabels
{
    private static readonly byte[] Version = "HPKE-v1"u8.ToArray();

    public static byte[] LabeledExtract(HashKdf kdf, ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> salt, string label, ReadOnlySpan<byte> ikm)
    {
        int labelLength = Encoding.ASCII.GetByteCount(label);
        int total = Version.Length + suiteId.Length + labelLength + ikm.Length;
        // The labelled IKM holds the secret IKM: zeroed after use (on the stack when small).
        Span<byte> labeled = total <= 256 ? stackalloc byte[total] : new byte[total];
        var s = labeled;
        Version.CopyTo(s); s = s[Version.Length..];
        suiteId.CopyTo(s); s = s[suiteId.Length..];
        Encoding.ASCII.GetBytes(label, s); s = s[labelLength..];
        ikm.CopyTo(s);
        var prk = kdf.Extract(salt, labeled);
        labeled.Clear();
        return prk;
    }

    public static byte[] LabeledExpand(HashKdf kdf, ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> prk, string label, ReadOnlySpan<byte> info, int length)
    {
        int labelLength = Encoding.ASCII.GetByteCount(label);
        int total = 2 + Version.Length + suiteId.Length + labelLength + info.Length;
        Span<byte> labeled = total <= 256 ? stackalloc byte[total] : new byte[total];
        var s = labeled;
        s[0] = (byte)(length >> 8); s[1] = (byte)length; s = s[2..];
        Version.CopyTo(s); s = s[Version.Length..];
        suiteId.CopyTo(s); s = s[suiteId.Length..];
        Encoding.ASCII.GetBytes(label, s); s = s[labelLength..];
        info.CopyTo(s);
        return kdf.Expand(prk, labeled, length);
    }
}
