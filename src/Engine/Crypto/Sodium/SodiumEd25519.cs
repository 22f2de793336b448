using NSec.Cryptography;

namespace Sim.Engine.Crypto.Sodium;

/// <summary>
/// Ed25519 (RFC 8032, pure) on NSec.Cryptography, i.e. libsodium's crypto_sign_ed25519. Signatures are
/// deterministic and byte-identical to BouncyCastle's, so the two providers give the same traces.
/// A <see cref="SigningKey"/> keeps NSec's key object (libsodium's expanded secret key, public key
/// included); disposing it frees and zeroes that memory.
/// </summary>
internal sealed class SodiumEd25519 : ISignatureScheme
{
    public static readonly SodiumEd25519 Instance = new();
    private const int KeyLength = 32;
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private SodiumEd25519() { }

    public ushort Id => 0x0807;
    public string Implementation => CryptoProvider.SodiumName;

    public KeyPair GenerateKeyPair(IRandomSource random)
    {
        var sk = random.NextBytes(KeyLength);
        return new KeyPair(sk, PublicKeyOf(sk));
    }

    public byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        CryptoCounters.Count(CryptoOp.SignaturePublicKey);
        using var key = Import(privateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public SigningKey ImportSigningKey(ReadOnlySpan<byte> privateKey)
    {
        CryptoCounters.Count(CryptoOp.SignaturePublicKey);
        var key = Import(privateKey);
        return new Kept(this, key, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        using var key = ImportSigningKey(privateKey);
        return key.Sign(message);
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        CryptoCounters.Count(CryptoOp.Verify, message.Length);
        if (publicKey.Length != Algorithm.PublicKeySize || signature.Length != Algorithm.SignatureSize) return false;
        return PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var pk) && pk is not null
            && Algorithm.Verify(pk, message, signature);
    }

    private static Key Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeyLength) throw new MlsProtocolException(MlsError.InvalidKey, "EdDSA private key has the wrong length");
        return Key.Import(Algorithm, privateKey, KeyBlobFormat.RawPrivateKey);
    }

    private sealed class Kept(SodiumEd25519 scheme, Key key, byte[] publicKey) : SigningKey(scheme, publicKey)
    {
        protected override byte[] SignCore(ReadOnlySpan<byte> message)
        {
            CryptoCounters.Count(CryptoOp.Sign, message.Length);
            return Algorithm.Sign(key, message);
        }

        protected override void ZeroPrivate() => key.Dispose();
    }
}
