using System.Security.Cryptography;

namespace Sim.Engine.Crypto;

/// <summary>
/// The AEAD of one suite: AES-128-GCM, AES-256-GCM or ChaCha20-Poly1305, on .NET's own
/// implementations (measured faster than BouncyCastle's here) or, for the libsodium provider, on
/// libsodium's (AES-256-GCM and ChaCha20-Poly1305 only: libsodium has no AES-128-GCM). MLS uses a new
/// key for nearly every message, so each call keys afresh: libsodium takes the key per call, .NET
/// builds a key object per call. Tags are 16 bytes and checked in constant time by the library.
/// </summary>
internal sealed class Aead
{
    public static readonly Aead Aes128Gcm = new(AeadAlgorithm.Aes128Gcm, 16, 0x0001, sodium: false);
    public static readonly Aead Aes256Gcm = new(AeadAlgorithm.Aes256Gcm, 32, 0x0002, sodium: false);
    public static readonly Aead ChaCha20Poly1305 = new(AeadAlgorithm.ChaCha20Poly1305, 32, 0x0003, sodium: false);
    internal static readonly Aead SodiumAes256Gcm = new(AeadAlgorithm.Aes256Gcm, 32, 0x0002, sodium: true);
    internal static readonly Aead SodiumChaCha20Poly1305 = new(AeadAlgorithm.ChaCha20Poly1305, 32, 0x0003, sodium: true);

    public const int TagLength = 16;
    public const int NonceLength = 12;

    private enum AeadAlgorithm { Aes128Gcm, Aes256Gcm, ChaCha20Poly1305 }

    private readonly AeadAlgorithm _algorithm;
    private readonly bool _sodium;

    /// <summary>Which library computes it (<see cref="CryptoProvider"/> names).</summary>
    public string Implementation => _sodium ? CryptoProvider.SodiumName : CryptoProvider.DotNetName;

    /// <summary>Nk: the key length.</summary>
    public int KeyLength { get; }
    /// <summary>The HPKE AEAD identifier (RFC 9180 §7.3).</summary>
    public ushort HpkeAeadId { get; }

    private Aead(AeadAlgorithm algorithm, int keyLength, ushort hpkeAeadId, bool sodium)
    {
        _algorithm = algorithm;
        _sodium = sodium;
        KeyLength = keyLength;
        HpkeAeadId = hpkeAeadId;
    }

    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagLength];
        Seal(key, nonce, aad, plaintext, output);
        return output;
    }

    /// <summary>Seals into <paramref name="output"/>, exactly plaintext length + <see cref="TagLength"/> bytes (ciphertext || tag).</summary>
    public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        CheckSizes(key, nonce);
        if (output.Length != plaintext.Length + TagLength) throw new ArgumentException("AEAD output must be plaintext length + tag length", nameof(output));
        CryptoCounters.Count(CryptoOp.AeadSeal, plaintext.Length);
        if (_sodium)
        {
            Sodium.Libsodium.Seal(_algorithm == AeadAlgorithm.ChaCha20Poly1305, output, plaintext, aad, nonce, key);
            return;
        }
        var ct = output[..plaintext.Length];
        var tag = output[plaintext.Length..];
        if (_algorithm == AeadAlgorithm.ChaCha20Poly1305)
        {
            using var c = new System.Security.Cryptography.ChaCha20Poly1305(key);
            c.Encrypt(nonce, plaintext, ct, tag, aad);
        }
        else
        {
            using var g = new AesGcm(key, TagLength);
            g.Encrypt(nonce, plaintext, ct, tag, aad);
        }
    }

    /// <summary>Opens a sealed message; a wrong key, nonce, AAD or any flipped bit is <see cref="MlsError.DecryptionFailed"/>.</summary>
    public byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) =>
        TryOpen(key, nonce, aad, ciphertext) ?? throw new MlsProtocolException(MlsError.DecryptionFailed,
            ciphertext.Length < TagLength ? "ciphertext shorter than the AEAD tag" : "AEAD authentication failed");

    /// <summary>
    /// <see cref="Open"/> for trial decryption (a key that may not be the sender's): null instead of
    /// <see cref="MlsError.DecryptionFailed"/>, so a wrong key costs no second exception.
    /// </summary>
    public byte[]? TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < TagLength)
        {
            CheckSizes(key, nonce);
            CryptoCounters.Count(CryptoOp.AeadOpen, ciphertext.Length);
            return null;
        }
        var pt = new byte[ciphertext.Length - TagLength];
        return TryOpen(key, nonce, aad, ciphertext, pt) ? pt : null;
    }

    /// <summary>
    /// <see cref="TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> into
    /// <paramref name="plaintext"/> (exactly ciphertext length − <see cref="TagLength"/> bytes, or false when the
    /// ciphertext is shorter than a tag): false, with <paramref name="plaintext"/> zeroed, if it does not open.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        CheckSizes(key, nonce);
        CryptoCounters.Count(CryptoOp.AeadOpen, ciphertext.Length);
        if (ciphertext.Length < TagLength) return false;
        if (plaintext.Length != ciphertext.Length - TagLength) throw new ArgumentException("AEAD plaintext must be ciphertext length - tag length", nameof(plaintext));
        if (_sodium)
        {
            if (Sodium.Libsodium.Open(_algorithm == AeadAlgorithm.ChaCha20Poly1305, plaintext, ciphertext, aad, nonce, key)) return true;
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
        var ct = ciphertext[..plaintext.Length];
        var tag = ciphertext[plaintext.Length..];
        try
        {
            if (_algorithm == AeadAlgorithm.ChaCha20Poly1305)
            {
                using var c = new System.Security.Cryptography.ChaCha20Poly1305(key);
                c.Decrypt(nonce, ct, tag, plaintext, aad);
            }
            else
            {
                using var g = new AesGcm(key, TagLength);
                g.Decrypt(nonce, ct, tag, plaintext, aad);
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            // The platform has already cleared the plaintext buffer.
            return false;
        }
        return true;
    }

    private void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        if (key.Length != KeyLength) throw new ArgumentException($"AEAD key must be {KeyLength} bytes");
        if (nonce.Length != NonceLength) throw new ArgumentException($"AEAD nonce must be {NonceLength} bytes");
    }
}
