using System.Security.Cryptography;
using System.Text;
using Sim.Engine.Codec;

namespace Sim.Engine.Crypto;

/// <summary>
/// The one seam to cryptography (RFC 9420 §5.1): one instance per cipher suite 0x0001–0x0007,
/// composing a KEM/HPKE, an AEAD, a hash/KDF and a signature scheme, and the labelled helpers of
/// RFC 9420 built on them. Nothing above Crypto/ calls BouncyCastle.
/// </summary>
public sealed class CipherSuite
{
    private static readonly byte[] MlsPrefix = "MLS 1.0 "u8.ToArray();
    private static readonly CipherSuite[] BouncyCastleSuites = Build(CryptoProvider.BouncyCastle);
    private static readonly CipherSuite[]? SodiumSuites = CryptoProvider.Sodium.IsAvailable ? Build(CryptoProvider.Sodium) : null;

    private static CipherSuite[] Build(CryptoProvider p) =>
    [
        new(0x0001, "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", p, p.X25519, HashKdf.Sha256, p.Aes128Gcm, p.Ed25519),
        new(0x0002, "MLS_128_DHKEMP256_AES128GCM_SHA256_P256", p, Dhkem.P256, HashKdf.Sha256, p.Aes128Gcm, SignatureSchemes.EcdsaP256Sha256),
        new(0x0003, "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519", p, p.X25519, HashKdf.Sha256, p.ChaCha20Poly1305, p.Ed25519),
        new(0x0004, "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448", p, Dhkem.X448, HashKdf.Sha512, p.Aes256Gcm, SignatureSchemes.Ed448),
        new(0x0005, "MLS_256_DHKEMP521_AES256GCM_SHA512_P521", p, Dhkem.P521, HashKdf.Sha512, p.Aes256Gcm, SignatureSchemes.EcdsaP521Sha512),
        new(0x0006, "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448", p, Dhkem.X448, HashKdf.Sha512, p.ChaCha20Poly1305, SignatureSchemes.Ed448),
        new(0x0007, "MLS_256_DHKEMP384_AES256GCM_SHA384_P384", p, Dhkem.P384, HashKdf.Sha384, p.Aes256Gcm, SignatureSchemes.EcdsaP384Sha384),
    ];

    private static CipherSuite[] SuitesOf(CryptoProvider provider) =>
        provider == CryptoProvider.BouncyCastle ? BouncyCastleSuites
        : SodiumSuites ?? throw new InvalidOperationException("libsodium does not load on this machine");

    /// <summary>The seven suites on the <see cref="CryptoProvider.Current"/> provider.</summary>
    public static IReadOnlyList<CipherSuite> All => SuitesOf(CryptoProvider.Current);

    /// <summary>The suite with this wire value on the <see cref="CryptoProvider.Current"/> provider;
    /// <see cref="MlsError.UnsupportedCipherSuite"/> otherwise.</summary>
    public static CipherSuite Get(ushort id) => Get(id, CryptoProvider.Current);

    /// <summary>The suite with this wire value on <paramref name="provider"/>.</summary>
    public static CipherSuite Get(ushort id, CryptoProvider provider) =>
        id is >= 1 and <= 7 ? SuitesOf(provider)[id - 1] : throw new MlsProtocolException(MlsError.UnsupportedCipherSuite, $"cipher suite 0x{id:x4}");

    public ushort Id { get; }
    public string Name { get; }
    /// <summary>The provider this instance was built on (the same suite on another provider is another instance).</summary>
    public CryptoProvider Provider { get; }
    internal IKem Kem { get; }
    internal HashKdf Kdf { get; }
    internal Aead Aead { get; }
    /// <summary>The signature scheme: public, because a user makes its signature key pair with it (<see cref="ISignatureScheme.GenerateKeyPair"/>).</summary>
    public ISignatureScheme Signature { get; }
    internal Hpke Hpke { get; }

    /// <summary>A fresh key pair of the suite's KEM (an HPKE init key, RFC 9180 §4).</summary>
    public KeyPair GenerateKemKeyPair(IRandomSource random) => Kem.GenerateKeyPair(random);

    /// <summary>Nk and Nn of the suite's AEAD.</summary>
    public (int KeyLength, int NonceLength) AeadLengths => (Aead.KeyLength, Crypto.Aead.NonceLength);

    /// <summary>The suite's AEAD (RFC 9420 §5.1) on its own, for checking the suite (<c>pairsim suites</c>); Open throws on a bad tag.</summary>
    public byte[] AeadSeal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext) =>
        Aead.Seal(key, nonce, aad, plaintext);

    /// <inheritdoc cref="AeadSeal"/>
    public byte[] AeadOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) =>
        Aead.Open(key, nonce, aad, ciphertext);

    /// <summary>The plaintext, or null when the tag does not verify (no exception: for callers that try many keys).</summary>
    public byte[]? AeadTryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) =>
        Aead.TryOpen(key, nonce, aad, ciphertext);

    /// <summary>Nh: the hash length, also the KDF extract size.</summary>
    public int HashLength => Kdf.Length;

    private CipherSuite(ushort id, string name, CryptoProvider provider, IKem kem, HashKdf kdf, Aead aead, ISignatureScheme signature)
    {
        Id = id;
        Name = name;
        Provider = provider;
        Kem = kem;
        Kdf = kdf;
        Aead = aead;
        Signature = signature;
        Hpke = new Hpke(kem, kdf, aead);
    }

    public override string ToString() => Name;

    /// <summary>Which library computes each primitive, e.g. "KEM libsodium, AEAD .NET, hash/KDF .NET, signature libsodium".</summary>
    public string Implementations => $"KEM {Kem.Implementation}, AEAD {Aead.Implementation}, hash/KDF {Kdf.Implementation}, signature {Signature.Implementation}";

    public byte[] Hash(ReadOnlySpan<byte> data) => Kdf.Hash(data);
    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => Kdf.Mac(key, data);
    public byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm) => Kdf.Extract(salt, ikm);
    public byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length) => Kdf.Expand(prk, info, length);

    /// <summary>Tags and MACs are compared in constant time.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    /// <summary>RFC 9420 §5.1.3 ExpandWithLabel: KDFLabel { uint16 length; opaque label&lt;V&gt; = "MLS 1.0 " + Label; opaque context&lt;V&gt; }.</summary>
    public byte[] ExpandWithLabel(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteUInt16(checked((ushort)length));
            WriteMlsLabel(w, label);
            w.WriteOpaque(context);
            return Kdf.Expand(secret, w.WrittenSpan, length);
        }
        finally { TlsWriter.Return(w); }
    }

    /// <summary>RFC 9420 §5.1.3 DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", Nh).</summary>
    public byte[] DeriveSecret(ReadOnlySpan<byte> secret, string label) => ExpandWithLabel(secret, label, default, HashLength);

    /// <summary>RFC 9420 §9 DeriveTreeSecret(Secret, Label, Generation, Length).</summary>
    public byte[] DeriveTreeSecret(ReadOnlySpan<byte> secret, string label, uint generation, int length)
    {
        Span<byte> context = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(context, generation);
        return ExpandWithLabel(secret, label, context, length);
    }

    /// <summary>RFC 9420 §5.2 RefHash(label, value) = Hash(RefHashInput { label&lt;V&gt;; value&lt;V&gt; }).</summary>
    public byte[] RefHash(string label, ReadOnlySpan<byte> value)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteUtf8(label);
            w.WriteOpaque(value);
            return Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }

    public byte[] MakeKeyPackageRef(ReadOnlySpan<byte> encodedKeyPackage) => RefHash("MLS 1.0 KeyPackage Reference", encodedKeyPackage);
    public byte[] MakeProposalRef(ReadOnlySpan<byte> encodedAuthenticatedContent) => RefHash("MLS 1.0 Proposal Reference", encodedAuthenticatedContent);

    /// <summary>RFC 9420 §5.1.2 SignWithLabel: Sign over SignContent { "MLS 1.0 " + Label; Content }.</summary>
    public byte[] SignWithLabel(ReadOnlySpan<byte> signaturePrivateKey, string label, ReadOnlySpan<byte> content)
    {
        var w = Labeled(label, content);
        try { return Signature.Sign(signaturePrivateKey, w.WrittenSpan); }
        finally { TlsWriter.Return(w); }
    }

    /// <summary>
    /// SignWithLabel with a private key held as a <see cref="Schedule.Secret"/>: the key is parsed (and its
    /// public key computed) once and kept attached to the secret, which disposes it when cleared.
    /// </summary>
    internal byte[] SignWithLabel(Schedule.Secret signaturePrivateKey, string label, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(signaturePrivateKey);
        SigningKey key;
        bool temporary = false;
        if (signaturePrivateKey.Attachment is SigningKey kept && kept.Scheme == Signature) key = kept;
        else
        {
            key = Signature.ImportSigningKey(signaturePrivateKey.Span);
            // Another provider's key may be attached (a test switching providers): then this one serves once.
            temporary = !signaturePrivateKey.TryAttach(key);
        }
        var w = Labeled(label, content);
        try { return key.Sign(w.WrittenSpan); }
        finally
        {
            TlsWriter.Return(w);
            if (temporary) key.Dispose();
        }
    }

    /// <summary>The parsed signing key attached to <paramref name="signaturePrivateKey"/> (made and attached on first use).</summary>
    internal SigningKey SigningKeyOf(Schedule.Secret signaturePrivateKey)
    {
        ArgumentNullException.ThrowIfNull(signaturePrivateKey);
        if (signaturePrivateKey.Attachment is SigningKey kept && kept.Scheme == Signature) return kept;
        var key = Signature.ImportSigningKey(signaturePrivateKey.Span);
        if (signaturePrivateKey.TryAttach(key)) return key;
        key.Dispose();
        throw new InvalidOperationException("the secret already carries a signing key of another provider");
    }

    /// <summary>RFC 9420 §5.1.2 VerifyWithLabel; false on any bad input.</summary>
    public bool VerifyWithLabel(ReadOnlySpan<byte> signaturePublicKey, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature)
    {
        var w = Labeled(label, content);
        try { return Signature.Verify(signaturePublicKey, w.WrittenSpan, signature); }
        finally { TlsWriter.Return(w); }
    }

    /// <summary>RFC 9420 §5.1.3 EncryptWithLabel: HPKE SealBase with info = EncryptContext { "MLS 1.0 " + Label; Context } and empty aad.</summary>
    public (byte[] KemOutput, byte[] Ciphertext) EncryptWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> plaintext, IRandomSource random) =>
        Hpke.Seal(publicKey, LabeledContent(label, context), default, plaintext, random);

    /// <summary>RFC 9420 §5.1.3 DecryptWithLabel; failures are <see cref="MlsProtocolException"/>.</summary>
    public byte[] DecryptWithLabel(ReadOnlySpan<byte> privateKey, string label, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext) =>
        Hpke.Open(kemOutput, privateKey, LabeledContent(label, context), default, ciphertext);

    /// <summary>DecryptWithLabel to a key pair whose public key <paramref name="publicKey"/> is known (no recomputation in Decap).</summary>
    public byte[] DecryptWithLabel(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext) =>
        Hpke.Open(kemOutput, privateKey, publicKey, LabeledContent(label, context), default, ciphertext);

    /// <summary>The suite KEM's DeriveKeyPair (RFC 9180 §7.1.3), as TreeKEM and the external key use it.</summary>
    public KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm) => Kem.DeriveKeyPair(ikm);

    /// <summary>SignContent and EncryptContext share one shape: { "MLS 1.0 " + Label &lt;V&gt;; content &lt;V&gt; }.</summary>
    private static byte[] LabeledContent(string label, ReadOnlySpan<byte> content)
    {
        var w = Labeled(label, content);
        try { return w.ToArray(); }
        finally { TlsWriter.Return(w); }
    }

    /// <summary><see cref="LabeledContent"/> in a pooled writer (the caller returns it).</summary>
    private static TlsWriter Labeled(string label, ReadOnlySpan<byte> content)
    {
        var w = TlsWriter.Rent();
        WriteMlsLabel(w, label);
        w.WriteOpaque(content);
        return w;
    }

    private static void WriteMlsLabel(TlsWriter w, string label)
    {
        int n = Encoding.UTF8.GetByteCount(label);
        w.WriteVarint((uint)(MlsPrefix.Length + n));
        w.WriteFixed(MlsPrefix);
        Span<byte> tmp = n <= 128 ? stackalloc byte[n] : new byte[n];
        Encoding.UTF8.GetBytes(label, tmp);
        w.WriteFixed(tmp);
    }
}
