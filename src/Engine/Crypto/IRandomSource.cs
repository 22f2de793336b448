using System.Security.Cryptography;

namespace Sim.Engine.Crypto;

/// <summary>
/// The one source of randomness for everything the engine generates (keys, nonces, reuse guards,
/// HPKE ephemerals). Production uses the OS CSPRNG; simulations inject a seeded source so that a
/// seed fixes every key.
/// </summary>
public interface IRandomSource
{
    void Fill(Span<byte> destination);
}

public static class RandomSourceExtensions
{
    public static byte[] NextBytes(this IRandomSource random, int count)
    {
        var bytes = new byte[count];
        random.Fill(bytes);
        return bytes;
    }

    /// <summary>A uniform integer in [0, bound).</summary>
    public static ulong NextUInt64(this IRandomSource random, ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound));
        Span<byte> b = stackalloc byte[8];
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        while (true)
        {
            random.Fill(b);
            ulong v = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
            if (v < limit) return v % bound;
        }
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public static double NextDouble(this IRandomSource random)
    {
        Span<byte> b = stackalloc byte[8];
        random.Fill(b);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b) >> 11) * (1.0 / (1UL << 53));
    }
}

/// <summary>The operating system's CSPRNG.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static readonly SystemRandomSource Instance = new();
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}

/// <summary>
/// A seeded deterministic generator for simulations: HMAC-SHA256 in counter mode over a 32-byte
/// key derived from the seed. Same seed, same stream, on every machine.
/// Not for production keys: anyone who knows the seed knows every key.
/// </summary>
public sealed class DeterministicRandomSource : IRandomSource
{
    private readonly byte[] _key;
    private ulong _counter;
    private readonly byte[] _block = new byte[32];
    private int _blockUsed = 32;

    public DeterministicRandomSource(ulong seed, string stream = "")
    {
        var material = new byte[8 + System.Text.Encoding.UTF8.GetByteCount(stream)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(material, seed);
        System.Text.Encoding.UTF8.GetBytes(stream, material.AsSpan(8));
        _key = SHA256.HashData(material);
    }

    public DeterministicRandomSource(ReadOnlySpan<byte> seed) => _key = SHA256.HashData(seed);

    /// <summary>A child source whose stream is independent of this one's, named by <paramref name="label"/>.</summary>
    public DeterministicRandomSource Derive(string label)
    {
        var material = new byte[_key.Length + System.Text.Encoding.UTF8.GetByteCount(label) + 1];
        _key.CopyTo(material, 0);
        material[_key.Length] = 0xFF;
        System.Text.Encoding.UTF8.GetBytes(label, material.AsSpan(_key.Length + 1));
        return new DeterministicRandomSource(material);
    }

    public void Fill(Span<byte> destination)
    {
        Span<byte> counter = stackalloc byte[8];
        while (destination.Length > 0)
        {
            if (_blockUsed == _block.Length)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(counter, _counter++);
                HashKdf.Sha256.Hmac(_key, counter, _block);
                _blockUsed = 0;
            }
            int n = Math.Min(destination.Length, _block.Length - _blockUsed);
            _block.AsSpan(_blockUsed, n).CopyTo(destination);
            _blockUsed += n;
            destination = destination[n..];
        }
    }
}
