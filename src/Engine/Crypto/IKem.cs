namespace Sim.Engine.Crypto;

/// <summary>A key pair: private key in the KEM's SerializePrivateKey (or the signature scheme's
/// native) form, public key in SerializePublicKey form. The private half is cleared by <see cref="Clear"/>.</summary>
public sealed record KeyPair(byte[] PrivateKey, byte[] PublicKey)
{
    public void Clear() => Array.Clear(PrivateKey);

    /// <summary>Saved state (not an RFC 9420 wire format): <c>opaque private_key&lt;V&gt;;
    /// opaque public_key&lt;V&gt;</c>. The output holds the private key: callers must protect it and never log it.</summary>
    internal void Save(Codec.TlsWriter writer)
    {
        writer.WriteOpaque(PrivateKey);
        writer.WriteOpaque(PublicKey);
    }

    /// <summary>Loads what <see cref="Save"/> wrote; <see cref="Codec.MlsDecodeException"/> if malformed.
    /// A key pair does not know its suite, so the keys are not checked against each other here.</summary>
    internal static KeyPair Load(ref Codec.TlsReader reader) => new(reader.ReadOpaque(), reader.ReadOpaque());
    public override string ToString() => $"KeyPair(pub={Convert.ToHexString(PublicKey.AsSpan(0, Math.Min(8, PublicKey.Length)))}…)";
}

/// <summary>A DHKEM of RFC 9180 §4.1 (X25519, X448, P-256, P-384, P-521).</summary>
internal interface IKem
{
    /// <summary>The HPKE KEM identifier (RFC 9180 §7.1).</summary>
    ushort Id { get; }

    /// <summary>Which library computes the Diffie-Hellman (<see cref="CryptoProvider"/> names).</summary>
    string Implementation { get; }
    int PublicKeyLength { get; }   // Npk
    int PrivateKeyLength { get; }  // Nsk
    int EncLength { get; }         // Nenc
    int SharedSecretLength { get; } // Nsecret

    /// <summary>RFC 9180 §7.1.3 DeriveKeyPair(ikm).</summary>
    KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm);

    /// <summary>A fresh key pair: DeriveKeyPair over Nsk random bytes from <paramref name="random"/>.</summary>
    KeyPair GenerateKeyPair(IRandomSource random);

    /// <summary>The public key of a serialized private key; <see cref="MlsError.InvalidKey"/> if it is not one.</summary>
    byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey);

    /// <summary><see cref="PublicKeyOf"/> for a key that may not be one (a check, not a probe): null instead of throwing.</summary>
    byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey);

    /// <summary>Encap(pkR): (shared_secret, enc). Throws <see cref="MlsError.InvalidKey"/> on a bad public key.</summary>
    (byte[] SharedSecret, byte[] Enc) Encap(ReadOnlySpan<byte> publicKeyR, IRandomSource random);

    /// <summary>Decap(enc, skR). Throws <see cref="MlsError.InvalidKey"/> on a bad enc.</summary>
    byte[] Decap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR);

    /// <summary>Decap(enc, skR) with pkR, the public key of skR, already known (RFC 9180 §4.1 kem_context
    /// = enc || pkR): no scalar multiplication to recompute it. A pkR that is not skR's gives a wrong
    /// shared secret, so the AEAD that follows fails.</summary>
    byte[] Decap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR, ReadOnlySpan<byte> publicKeyR);

    /// <summary>Decap(enc, skR) for an enc from the network that may not be one (trial decryption):
    /// null where <see cref="Decap(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> throws <see cref="MlsError.InvalidKey"/>.</summary>
    byte[]? TryDecap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> privateKeyR);
}

/// <summary>A signature scheme of RFC 9420 (Ed25519, Ed448, ECDSA over P-256/P-384/P-521 with DER signatures).</summary>
public interface ISignatureScheme
{
    /// <summary>The TLS SignatureScheme value (e.g. 0x0807 for ed25519).</summary>
    ushort Id { get; }

    /// <summary>Which library computes it (<see cref="CryptoProvider"/> names).</summary>
    string Implementation { get; }

    /// <summary>The private key parsed once, its public key computed once, for many signatures
    /// (<see cref="SigningKey"/>; the caller owns and disposes it). <see cref="MlsError.InvalidKey"/> if it is not a key.</summary>
    SigningKey ImportSigningKey(ReadOnlySpan<byte> privateKey);

    KeyPair GenerateKeyPair(IRandomSource random);

    /// <summary>The public key of a private key; <see cref="MlsError.InvalidKey"/> if it is not one.</summary>
    byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey);

    /// <summary>Signs; ECDSA uses deterministic nonces (RFC 6979) so a seed fixes every byte.</summary>
    byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message);

    /// <summary>False for any bad signature, malformed signature or malformed public key; never throws on bad input.</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>Whether <paramref name="publicKey"/> is a well-formed public key of this scheme (RFC 9420 §5.1.2:
    /// an uncompressed point on the curve for ECDSA), so a bad key is told apart from a bad signature.
    /// The default accepts any key: an implementation that can tell says so.</summary>
    bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => true;
}
