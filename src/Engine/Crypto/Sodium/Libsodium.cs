using System.Runtime.InteropServices;

namespace Sim.Engine.Crypto.Sodium;

/// <summary>
/// The few libsodium functions the libsodium provider calls directly, in the native library that
/// NSec.Cryptography ships and loads (package <c>libsodium</c>). NSec's own API is used where it
/// costs nothing extra (Ed25519, see <see cref="SodiumEd25519"/>); these are the functions NSec's
/// API can reach only through a key object per call: X25519 (NSec's key import computes the public
/// key, a second scalar multiplication a Decap does not need) and the AEADs (a key object per
/// message, while MLS re-keys every message). Spans are passed by reference to their first byte;
/// an empty span passes a null pointer, which libsodium accepts with a zero length.
/// </summary>
internal static class Libsodium
{
    private const string Library = "libsodium";

    /// <summary>True when the native library loaded and initialised (sodium_init() ≥ 0).</summary>
    public static bool IsAvailable { get; } = Initialise();

    /// <summary>True when libsodium's AES-256-GCM can run here (it needs AES-NI and PCLMUL).</summary>
    public static bool HasAes256Gcm { get; } = IsAvailable && crypto_aead_aes256gcm_is_available() == 1;

    private static bool Initialise()
    {
        try { return sodium_init() >= 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
        catch (BadImageFormatException) { return false; }
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sodium_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_aead_aes256gcm_is_available();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_curve25519(ref byte q, ref byte n, ref byte p);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_curve25519_base(ref byte q, ref byte n);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_aead_aes256gcm_encrypt(ref byte c, out ulong clen, ref byte m, ulong mlen, ref byte ad, ulong adlen,
        IntPtr nsec, ref byte npub, ref byte k);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_aead_aes256gcm_decrypt(ref byte m, out ulong mlen, IntPtr nsec, ref byte c, ulong clen, ref byte ad,
        ulong adlen, ref byte npub, ref byte k);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_aead_chacha20poly1305_ietf_encrypt(ref byte c, out ulong clen, ref byte m, ulong mlen, ref byte ad,
        ulong adlen, IntPtr nsec, ref byte npub, ref byte k);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_aead_chacha20poly1305_ietf_decrypt(ref byte m, out ulong mlen, IntPtr nsec, ref byte c, ulong clen,
        ref byte ad, ulong adlen, ref byte npub, ref byte k);

    private static ref byte At(ReadOnlySpan<byte> s) => ref MemoryMarshal.GetReference(s);
    private static ref byte At(Span<byte> s) => ref MemoryMarshal.GetReference(s);

    /// <summary>X25519(n, p) into q (32 bytes each); false when the result is all zero (a low-order p).</summary>
    public static bool ScalarMult(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p)
    {
        Check(q.Length == 32 && n.Length == 32 && p.Length == 32);
        return crypto_scalarmult_curve25519(ref At(q), ref At(n), ref At(p)) == 0;
    }

    /// <summary>X25519(n, 9) into q: the public key of n.</summary>
    public static void ScalarMultBase(Span<byte> q, ReadOnlySpan<byte> n)
    {
        Check(q.Length == 32 && n.Length == 32);
        if (crypto_scalarmult_curve25519_base(ref At(q), ref At(n)) != 0) throw new InvalidOperationException("crypto_scalarmult_curve25519_base failed");
    }

    /// <summary>Seals into <paramref name="output"/> (plaintext length + 16).</summary>
    public static void Seal(bool chacha, Span<byte> output, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> key)
    {
        Check(output.Length == plaintext.Length + 16 && nonce.Length == 12 && key.Length == 32);
        int rc = chacha
            ? crypto_aead_chacha20poly1305_ietf_encrypt(ref At(output), out _, ref At(plaintext), (ulong)plaintext.Length, ref At(aad),
                (ulong)aad.Length, IntPtr.Zero, ref At(nonce), ref At(key))
            : crypto_aead_aes256gcm_encrypt(ref At(output), out _, ref At(plaintext), (ulong)plaintext.Length, ref At(aad), (ulong)aad.Length,
                IntPtr.Zero, ref At(nonce), ref At(key));
        if (rc != 0) throw new InvalidOperationException("libsodium AEAD encryption failed");
    }

    /// <summary>Opens into <paramref name="plaintext"/> (ciphertext length - 16); false if the tag does not verify.</summary>
    public static bool Open(bool chacha, Span<byte> plaintext, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> key)
    {
        Check(ciphertext.Length >= 16 && plaintext.Length == ciphertext.Length - 16 && nonce.Length == 12 && key.Length == 32);
        int rc = chacha
            ? crypto_aead_chacha20poly1305_ietf_decrypt(ref At(plaintext), out _, IntPtr.Zero, ref At(ciphertext), (ulong)ciphertext.Length,
                ref At(aad), (ulong)aad.Length, ref At(nonce), ref At(key))
            : crypto_aead_aes256gcm_decrypt(ref At(plaintext), out _, IntPtr.Zero, ref At(ciphertext), (ulong)ciphertext.Length, ref At(aad),
                (ulong)aad.Length, ref At(nonce), ref At(key));
        return rc == 0;
    }

    private static void Check(bool sizesOk)
    {
        if (!sizesOk) throw new ArgumentException("libsodium call with wrong buffer sizes");
        if (!IsAvailable) throw new InvalidOperationException("libsodium is not available on this machine");
    }
}
