using System.Security.Cryptography;

namespace Sim.Engine.Crypto;

/// <summary>Hash and HKDF of one suite (RFC 5869), on .NET's own SHA-2 and HMAC.</summary>
public sealed class HashKdf
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
        // RFC 5869: an empty salt means Nh zero bytes; HMAC pads short keys with zeros, so the
        // empty key gives the same result.
        CryptoCounters.Count(CryptoOp.Extract, ikm.Length);
        var prk = new byte[Length];
        HKDF.Extract(Name, ikm, salt, prk);
        return prk;
    }

    public byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        CryptoCounters.Count(CryptoOp.Expand, length);
        var okm = new byte[length];
        HKDF.Expand(Name, prk, okm, info);
        return okm;
    }
}
