using System.Security.Cryptography;

namespace Sim.Engine.Crypto;

/// <summary>Hash and HKDF of one suite (RFC 5869), on .NET's own SHA-2 and HMAC.</summary>
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
        return Length switch
        {
            32 => SHA256.HashData(data),
            48 => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        };
    }

    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        CryptoCounters.Count(CryptoOp.Mac, data.Length);
        return Length switch
        {
            32 => HMACSHA256.HashData(key, data),
            48 => HMACSHA384.HashData(key, data),
            _ => HMACSHA512.HashData(key, data),
        };
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

    private void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        switch (Length)
        {
            case 32: HMACSHA256.HashData(key, data, destination); break;
            case 48: HMACSHA384.HashData(key, data, destination); break;
            default: HMACSHA512.HashData(key, data, destination); break;
        }
    }
}
