namespace Sim.Engine.Crypto.Sodium;

/// <summary>
/// DHKEM(X25519, HKDF-SHA256) of RFC 9180 §4.1 with libsodium's crypto_scalarmult_curve25519 (RFC 7748
/// §5, the scalar clamped as there): the same keys, shared secrets and vectors as BouncyCastle's.
/// </summary>
internal sealed class SodiumX25519 : Dhkem
{
    public static readonly SodiumX25519 Instance = new();

    private SodiumX25519() : base(0x0020, HashKdf.Sha256, 32, 32, 32) { }

    public override string Implementation => CryptoProvider.SodiumName;

    public override KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        // RFC 9180 §7.1.3: for X25519 the expanded bytes are the private key.
        var prk = LabeledExtract(ReadOnlySpan<byte>.Empty, "dkp_prk", ikm);
        var sk = LabeledExpand(prk, "sk", ReadOnlySpan<byte>.Empty, PrivateKeyLength);
        Array.Clear(prk);
        return new KeyPair(sk, PublicKeyOf(sk));
    }

    protected override byte[]? TryPublicKeyOf(ReadOnlySpan<byte> privateKey, out string why)
    {
        // RFC 7748 §5: any 32 bytes are a private key (the scalar is clamped), so only the length can be wrong.
        why = "private key has the wrong length";
        if (privateKey.Length != PrivateKeyLength) return null;
        CryptoCounters.Count(CryptoOp.KemPublicKey);
        var pub = new byte[PublicKeyLength];
        Libsodium.ScalarMultBase(pub, privateKey);
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
        // libsodium returns -1 for an all-zero result (a low-order public key, RFC 7748 §6.1).
        if (!Libsodium.ScalarMult(shared, privateKey, publicKey) || IsAllZero(shared))
        {
            why = "low-order public key";
            return null;
        }
        return shared;
    }
}
