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
    private static readonly CipherSuite[] Suites =
    [
        new(0x0001, "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", Dhkem.X25519, HashKdf.Sha256, Aead.Aes128Gcm, SignatureSchemes.Ed25519),
        new(0x0002, "MLS_128_DHKEMP256_AES128GCM_SHA256_P256", Dhkem.P256, HashKdf.Sha256, Aead.Aes128Gcm, SignatureSchemes.EcdsaP256Sha256),
        new(0x0003, "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519", Dhkem.X25519, HashKdf.Sha256, Aead.ChaCha20Poly1305, SignatureSchemes.Ed25519),
        new(0x0004, "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448", Dhkem.X448, HashKdf.Sha512, Aead.Aes256Gcm, SignatureSchemes.Ed448),
        new(0x0005, "MLS_256_DHKEMP521_AES256GCM_SHA512_P521", Dhkem.P521, HashKdf.Sha512, Aead.Aes256Gcm, SignatureSchemes.EcdsaP521Sha512),
        new(0x0006, "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448", Dhkem.X448, HashKdf.Sha512, Aead.ChaCha20Poly1305, SignatureSchemes.Ed448),
        new(0x0007, "MLS_256_DHKEMP384_AES256GCM_SHA384_P384", Dhkem.P384, HashKdf.Sha384, Aead.Aes256Gcm, SignatureSchemes.EcdsaP384Sha384),
    ];

    public static IReadOnlyList<CipherSuite> All => Suites;

    /// <summary>The suite with this wire value; <see cref="MlsError.UnsupportedCipherSuite"/> otherwise.</summary>
    public static CipherSuite Get(ushort id) =>
        id is >= 1 and <= 7 ? Suites[id - 1] : throw new MlsProtocolException(MlsError.UnsupportedCipherSuite, $"cipher suite 0x{id:x4}");

    public ushort Id { get; }
    public string Name { get; }
    public IKem Kem { get; }
    public HashKdf Kdf { get; }
    public Aead Aead { get; }
    public ISignatureScheme Signature { get; }
    public Hpke Hpke { get; }

    /// <summary>Nh: the hash length, also the KDF extract size.</summary>
    public int HashLength => Kdf.Length;

    private CipherSuite(ushort id, string name, IKem kem, HashKdf kdf, Aead aead, ISignatureScheme signature)
    {
        Id = id;
        Name = name;
        Kem = kem;
        Kdf = kdf;
        Aead = aead;
        Signature = signature;
        Hpke = new Hpke(kem, kdf, aead);
    }

    public override string ToString() => Name;

    public byte[] Hash(ReadOnlySpan<byte> data) => Kdf.Hash(data);
    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => Kdf.Mac(key, data);
    public byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm) => Kdf.Extract(salt, ikm);
    public byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length) => Kdf.Expand(prk, info, length);

    /// <summary>Tags and MACs are compared in constant time.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    /// <summary>RFC 9420 §5.1.3 ExpandWithLabel: KDFLabel { uint16 length; opaque label&lt;V&gt; = "MLS 1.0 " + Label; opaque context&lt;V&gt; }.</summary>
    public byte[] ExpandWithLabel(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var w = new TlsWriter(16 + label.Length + context.Length);
        w.WriteUInt16(checked((ushort)length));
        WriteMlsLabel(w, label);
        w.WriteOpaque(context);
        return Kdf.Expand(secret, w.WrittenSpan, length);
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
        var w = new TlsWriter(8 + label.Length + value.Length);
        w.WriteUtf8(label);
        w.WriteOpaque(value);
        return Hash(w.WrittenSpan);
    }

    public byte[] MakeKeyPackageRef(ReadOnlySpan<byte> encodedKeyPackage) => RefHash("MLS 1.0 KeyPackage Reference", encodedKeyPackage);
    public byte[] MakeProposalRef(ReadOnlySpan<byte> encodedAuthenticatedContent) => RefHash("MLS 1.0 Proposal Reference", encodedAuthenticatedContent);

    /// <summary>RFC 9420 §5.1.2 SignWithLabel: Sign over SignContent { "MLS 1.0 " + Label; Content }.</summary>
    public byte[] SignWithLabel(ReadOnlySpan<byte> signaturePrivateKey, string label, ReadOnlySpan<byte> content) =>
        Signature.Sign(signaturePrivateKey, LabeledContent(label, content));

    /// <summary>RFC 9420 §5.1.2 VerifyWithLabel; false on any bad input.</summary>
    public bool VerifyWithLabel(ReadOnlySpan<byte> signaturePublicKey, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature) =>
        Signature.Verify(signaturePublicKey, LabeledContent(label, content), signature);

    /// <summary>RFC 9420 §5.1.3 EncryptWithLabel: HPKE SealBase with info = EncryptContext { "MLS 1.0 " + Label; Context } and empty aad.</summary>
    public (byte[] KemOutput, byte[] Ciphertext) EncryptWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> plaintext, IRandomSource random) =>
        Hpke.Seal(publicKey, LabeledContent(label, context), default, plaintext, random);

    /// <summary>RFC 9420 §5.1.3 DecryptWithLabel; failures are <see cref="MlsProtocolException"/>.</summary>
    public byte[] DecryptWithLabel(ReadOnlySpan<byte> privateKey, string label, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext) =>
        Hpke.Open(kemOutput, privateKey, LabeledContent(label, context), default, ciphertext);

    /// <summary>The suite KEM's DeriveKeyPair (RFC 9180 §7.1.3), as TreeKEM and the external key use it.</summary>
    public KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm) => Kem.DeriveKeyPair(ikm);

    /// <summary>SignContent and EncryptContext share one shape: { "MLS 1.0 " + Label &lt;V&gt;; content &lt;V&gt; }.</summary>
    private static byte[] LabeledContent(string label, ReadOnlySpan<byte> content)
    {
        var w = new TlsWriter(16 + label.Length + content.Length);
        WriteMlsLabel(w, label);
        w.WriteOpaque(content);
        return w.ToArray();
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
