using System.Security.Cryptography;

namespace Sim.Engine.Crypto;

/// <summary>
/// Hash and HKDF of one suite (RFC 5869), on .NET's own SHA-2. HMAC (RFC 2104) is computed here over a
/// per-thread <see cref="IncrementalHash"/>, H((K0 ^ opad) || H((K0 ^ ipad) || text)), instead of the
/// one-shot HMACSHA256.HashData: on OpenSSL 3 that builds (fetches) a MAC context on every call, which
/// measured about twice the cost of the two hashes, and a PairMLS datagram computes ~90 HMACs (HKDF).
/// </summary>
internal sealed class HashKdf
{
    public static readonly HashKdf Sha256 = new(HashAlgorithmName.SHA256, 32, 0x0001);
    public static readonly HashKdf Sha384 = new(HashAlgorithmName.SHA384, 48, 0x0002);
    public static readonly HashKdf Sha512 = new(HashAlgorithmName.SHA512, 64, 0x0003);

    public HashAlgorithmName Name { get; }
    /// <summary>Which library computes it: always .NET (measured faster than BouncyCastle's HKDF).</summary>
    public string Implementation => CryptoProvider.DotNetName;
    /// <summary>Nh: the hash output length, also the HKDF extract size.</summary>
    public int Length { get; }
    /// <summary>The HPKE KDF identifier (RFC 9180 §7.2).</summary>
    public ushort HpkeKdfId { get; }

    private HashKdf(HashAlgorithmName name, int length, ushort hpkeKdfId)
    {
        Name = name;
        Length = length;
        HpkeKdfId = hpkeKdfId;
    }

    public byte[] Hash(ReadOnlySpan<byte> data)
    {
        CryptoCounters.Count(CryptoOp.Hash, data.Length);
        var digest = new byte[Length];
        var hash = Hasher();
        hash.AppendData(data);
        hash.GetHashAndReset(digest);
        return digest;
    }

    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        CryptoCounters.Count(CryptoOp.Mac, data.Length);
        var mac = new byte[Length];
        Hmac(key, data, mac);
        return mac;
    }

    public byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm)
    {
        // RFC 5869 §2.2 PRK = HMAC-Hash(salt, IKM). An empty salt means Nh zero bytes; HMAC pads short
        // keys with zeros, so the empty key gives the same result.
        CryptoCounters.Count(CryptoOp.Extract, ikm.Length);
        var prk = new byte[Length];
        Hmac(salt, ikm, prk);
        return prk;
    }

    /// <summary>
    /// RFC 5869 §2.3 HKDF-Expand: T(i) = HMAC-Hash(PRK, T(i-1) || info || i). Written on the one-shot
    /// HMAC: .NET's HKDF.Expand builds a KDF context per call, which costs more than the one or two HMACs
    /// an MLS expansion needs (the IETF vectors check both give the same bytes).
    /// </summary>
    public byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        CryptoCounters.Count(CryptoOp.Expand, length);
        if (length < 0 || length > 255 * Length) throw new ArgumentOutOfRangeException(nameof(length), "HKDF-Expand: length exceeds 255 * Nh");
        var okm = new byte[length];
        int inputLength = Length + info.Length + 1;
        Span<byte> input = inputLength <= 512 ? stackalloc byte[inputLength] : new byte[inputLength];
        Span<byte> block = stackalloc byte[Length];
        int previous = 0;
        for (int i = 1, written = 0; written < length; i++)
        {
            block[..previous].CopyTo(input);
            info.CopyTo(input[previous..]);
            input[previous + info.Length] = (byte)i;
            Hmac(prk, input[..(previous + info.Length + 1)], block);
            previous = Length;
            int n = Math.Min(Length, length - written);
            block[..n].CopyTo(okm.AsSpan(written));
            written += n;
        }
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(input);
        return okm;
    }

    /// <summary>The hash's block size B of RFC 2104 (64 bytes for SHA-256, 128 for SHA-384 and SHA-512).</summary>
    private int BlockSize => Length == 32 ? 64 : 128;

    [ThreadStatic] private static IncrementalHash?[]? t_hashers;

    /// <summary>This thread's reusable hash of this suite (always reset: it holds no data between calls).</summary>
    private IncrementalHash Hasher()
    {
        var hashers = t_hashers ??= new IncrementalHash?[3];
        int slot = Length switch { 32 => 0, 48 => 1, _ => 2 };
        return hashers[slot] ??= IncrementalHash.CreateHash(Name);
    }

    /// <summary>RFC 2104: HMAC(K, text) = H((K0 ^ opad) || H((K0 ^ ipad) || text)); K0 is K zero-padded to
    /// B bytes, or H(K) zero-padded when K is longer than B. The padded keys and the inner hash are zeroed.
    /// Not counted in <see cref="CryptoCounters"/> (the deterministic random source uses it too).</summary>
    internal void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = Hasher();
        int block = BlockSize;
        Span<byte> pad = stackalloc byte[block];
        Span<byte> inner = stackalloc byte[Length];
        try
        {
            pad.Clear();
            if (key.Length > block)
            {
                hash.AppendData(key);
                hash.GetHashAndReset(pad);
            }
            else key.CopyTo(pad);
            for (int i = 0; i < block; i++) pad[i] ^= 0x36;
            hash.AppendData(pad);
            hash.AppendData(data);
            hash.GetHashAndReset(inner);
            // (K0 ^ ipad) ^ (0x36 ^ 0x5c) = K0 ^ opad
            for (int i = 0; i < block; i++) pad[i] ^= 0x36 ^ 0x5c;
            hash.AppendData(pad);
            hash.AppendData(inner);
            hash.GetHashAndReset(destination[..Length]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pad);
            CryptographicOperations.ZeroMemory(inner);
        }
    }
}
