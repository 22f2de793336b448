using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032;

namespace Sim.Engine.Crypto;

/// <summary>The signature schemes of RFC 9420's suites, on BouncyCastle.</summary>
internal static class SignatureSchemes
{
    public static readonly ISignatureScheme Ed25519 = new EdDsa(0x0807, is25519: true);
    public static readonly ISignatureScheme Ed448 = new EdDsa(0x0808, is25519: false);
    public static readonly ISignatureScheme EcdsaP256Sha256 = new Ecdsa(0x0403, "P-256", 32, () => new Sha256Digest());
    public static readonly ISignatureScheme EcdsaP384Sha384 = new Ecdsa(0x0503, "P-384", 48, () => new Sha384Digest());
    public static readonly ISignatureScheme EcdsaP521Sha512 = new Ecdsa(0x0603, "P-521", 66, () => new Sha512Digest());

    /// <summary>Ed25519 / Ed448 (RFC 8032, pure, empty context).</summary>
    private sealed class EdDsa(ushort id, bool is25519) : ISignatureScheme
    {
        private static readonly byte[] NoContext = [];
        private readonly int _keyLength = is25519 ? Rfc8032.Ed25519.SecretKeySize : Rfc8032.Ed448.SecretKeySize;
        private readonly int _publicKeyLength = is25519 ? Rfc8032.Ed25519.PublicKeySize : Rfc8032.Ed448.PublicKeySize;
        private readonly int _sigLength = is25519 ? Rfc8032.Ed25519.SignatureSize : Rfc8032.Ed448.SignatureSize;

        public ushort Id => id;
        public string Implementation => CryptoProvider.BouncyCastleName;

        public KeyPair GenerateKeyPair(IRandomSource random)
        {
            var sk = random.NextBytes(_keyLength);
            return new KeyPair(sk, PublicKeyOf(sk));
        }

        public byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
        {
            CheckPrivate(privateKey);
            CryptoCounters.Count(CryptoOp.SignaturePublicKey);
            var pk = new byte[_publicKeyLength];
            if (is25519) Rfc8032.Ed25519.GeneratePublicKey(privateKey, pk);
            else Rfc8032.Ed448.GeneratePublicKey(privateKey, pk);
            return pk;
        }

        public SigningKey ImportSigningKey(ReadOnlySpan<byte> privateKey) => new EdSigningKey(this, privateKey.ToArray(), PublicKeyOf(privateKey));

        /// <summary>Signing from bytes alone recomputes the public key (RFC 8032 §5.1.6 step 1 needs A).</summary>
        public byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
        {
            using var key = ImportSigningKey(privateKey);
            return key.Sign(message);
        }

        private byte[] SignWith(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
        {
            CryptoCounters.Count(CryptoOp.Sign, message.Length);
            var sig = new byte[_sigLength];
            if (is25519) Rfc8032.Ed25519.Sign(sk: privateKey, pk: publicKey, m: message, sig: sig);
            else Rfc8032.Ed448.Sign(sk: privateKey, pk: publicKey, ctx: NoContext, m: message, sig: sig);
            return sig;
        }

        public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) =>
            publicKey.Length == (is25519 ? Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.PublicKeySize : Org.BouncyCastle.Math.EC.Rfc8032.Ed448.PublicKeySize);

        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            CryptoCounters.Count(CryptoOp.Verify, message.Length);
            if (publicKey.Length != _publicKeyLength || signature.Length != _sigLength) return false;
            if (!is25519) return Rfc8032.Ed448.Verify(sig: signature, pk: publicKey, ctx: NoContext, m: message);
            // The decoded point is kept per thread: decompressing it is a field exponentiation per call.
            var point = PublicPoints.Get(publicKey);
            return point is not null && Rfc8032.Ed25519.Verify(sig: signature, publicPoint: point, m: message);
        }

        private void CheckPrivate(ReadOnlySpan<byte> privateKey)
        {
            if (privateKey.Length != _keyLength) throw new MlsProtocolException(MlsError.InvalidKey, "EdDSA private key has the wrong length");
        }

        /// <summary>The private key with its public key computed once (what BouncyCastle's own key objects keep),
        /// in arrays this class can zero (BouncyCastle's key objects cannot be).</summary>
        private sealed class EdSigningKey(EdDsa scheme, byte[] privateKey, byte[] publicKey) : SigningKey(scheme, publicKey)
        {
            protected override byte[] SignCore(ReadOnlySpan<byte> message) => scheme.SignWith(privateKey, PublicKeySpan, message);
            protected override void ZeroPrivate() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Decoded Ed25519 public points of recently verified keys, per thread (public data only).</summary>
    private static class PublicPoints
    {
        private const int Size = 16;
        [ThreadStatic] private static byte[][]? t_keys;
        [ThreadStatic] private static Rfc8032.Ed25519.PublicPoint?[]? t_points;
        [ThreadStatic] private static int t_next;

        /// <summary>The decoded point, or null if <paramref name="publicKey"/> is not a point encoding.</summary>
        public static Rfc8032.Ed25519.PublicPoint? Get(ReadOnlySpan<byte> publicKey)
        {
            var keys = t_keys ??= new byte[Size][];
            var points = t_points ??= new Rfc8032.Ed25519.PublicPoint?[Size];
            for (int i = 0; i < Size; i++)
                if (keys[i] is { } k && publicKey.SequenceEqual(k)) return points[i];
            var point = Rfc8032.Ed25519.ValidatePublicKeyPartialExport(publicKey);
            if (point is null) return null;
            int slot = t_next;
            t_next = (slot + 1) % Size;
            keys[slot] = publicKey.ToArray();
            points[slot] = point;
            return point;
        }
    }

    /// <summary>ECDSA with DER-encoded signatures (as TLS 1.3, which RFC 9420 follows) and RFC 6979 nonces.</summary>
    private sealed class Ecdsa : ISignatureScheme
    {
        private readonly ECDomainParameters _domain;
        private readonly int _scalarLength;
        private readonly Func<IDigest> _digest;

        public Ecdsa(ushort id, string curve, int scalarLength, Func<IDigest> digest)
        {
            Id = id;
            _domain = NistCurves.Domain(curve);
            _scalarLength = scalarLength;
            _digest = digest;
        }

        public ushort Id { get; }
        public string Implementation => CryptoProvider.BouncyCastleName;

        public SigningKey ImportSigningKey(ReadOnlySpan<byte> privateKey) => new BytesSigningKey(this, privateKey.ToArray(), PublicKeyOf(privateKey));

        public KeyPair GenerateKeyPair(IRandomSource random)
        {
            var buffer = new byte[_scalarLength];
            int topBits = _domain.N.BitLength % 8;
            while (true)
            {
                random.Fill(buffer);
                if (topBits != 0) buffer[0] &= (byte)((1 << topBits) - 1);
                var d = new BigInteger(1, buffer);
                if (d.SignValue != 0 && d.CompareTo(_domain.N) < 0)
                {
                    CryptoCounters.Count(CryptoOp.SignaturePublicKey);
                    return new KeyPair(buffer, NistCurves.PublicKeyOf(_domain, d));
                }
            }
        }

        public byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
        {
            var d = PrivateScalar(privateKey);
            CryptoCounters.Count(CryptoOp.SignaturePublicKey);
            return NistCurves.PublicKeyOf(_domain, d);
        }

        /// <summary>The private scalar, big-endian. A signature private key has no fixed wire form in
        /// RFC 9420, and the interop vectors drop leading zero bytes (a 65-byte P-521 key), so a
        /// shorter encoding is left-padded to the scalar length first.</summary>
        private BigInteger PrivateScalar(ReadOnlySpan<byte> privateKey)
        {
            if (privateKey.Length is 0 || privateKey.Length >= _scalarLength)
                return NistCurves.Scalar(_domain, privateKey, _scalarLength);
            Span<byte> padded = stackalloc byte[_scalarLength];
            padded.Clear();
            privateKey.CopyTo(padded[(_scalarLength - privateKey.Length)..]);
            var d = NistCurves.Scalar(_domain, padded, _scalarLength);
            padded.Clear();
            return d;
        }

        private byte[] Digest(ReadOnlySpan<byte> message)
        {
            var digest = _digest();
            digest.BlockUpdate(message);
            var hash = new byte[digest.GetDigestSize()];
            digest.DoFinal(hash, 0);
            return hash;
        }

        public byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
        {
            var d = PrivateScalar(privateKey);
            CryptoCounters.Count(CryptoOp.Sign, message.Length);
            var signer = new ECDsaSigner(new HMacDsaKCalculator(_digest()));
            signer.Init(true, new ECPrivateKeyParameters(d, _domain));
            var rs = signer.GenerateSignature(Digest(message));
            return new DerSequence(new DerInteger(rs[0]), new DerInteger(rs[1])).GetEncoded(Asn1Encodable.Der);
        }

        /// <summary>RFC 9420 §5.1.2: an uncompressed SEC1 point (0x04 ‖ x ‖ y) on the curve; compressed points are not allowed.</summary>
        public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) =>
            NistCurves.TryDecodePublicKey(_domain, publicKey, 1 + 2 * _scalarLength, out _, out _);

        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            CryptoCounters.Count(CryptoOp.Verify, message.Length);
            if (!TryParseDer(signature, out var r, out var s)) return false;
            if (!NistCurves.TryDecodePublicKey(_domain, publicKey, 1 + 2 * _scalarLength, out var q, out _)) return false;
            var verifier = new ECDsaSigner();
            verifier.Init(false, new ECPublicKeyParameters(q, _domain));
            return verifier.VerifySignature(Digest(message), r, s);
        }

        /// <summary>Strict DER: a SEQUENCE of two positive INTEGERs that re-encodes to the same bytes.</summary>
        private bool TryParseDer(ReadOnlySpan<byte> signature, out BigInteger r, out BigInteger s)
        {
            r = s = BigInteger.Zero;
            if (signature.Length < 8 || signature.Length > 2 * _scalarLength + 16 || signature[0] != 0x30) return false;
            var bytes = signature.ToArray();
            try
            {
                if (Asn1Object.FromByteArray(bytes) is not Asn1Sequence seq || seq.Count != 2) return false;
                if (seq[0] is not DerInteger ri || seq[1] is not DerInteger si) return false;
                r = ri.PositiveValue;
                s = si.PositiveValue;
                if (ri.Value.SignValue <= 0 || si.Value.SignValue <= 0) return false;
                var again = new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
                return again.AsSpan().SequenceEqual(bytes);
            }
            catch (IOException) { return false; }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
        }
    }
}
