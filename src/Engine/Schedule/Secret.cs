using System.Security.Cryptography;

namespace Sim.Engine.Schedule;

/// <summary>
/// A secret byte string of the key schedule (RFC 9420 §8, §9): owns its buffer, can be cleared
/// (RFC 9420 §9.2 deletion schedule), compares in constant time, and never prints its bytes.
/// Reading a cleared secret is a programming error (<see cref="ObjectDisposedException"/>).
/// </summary>
public sealed class Secret : IDisposable, IEquatable<Secret>
{
    private readonly byte[] _bytes;
    private bool _cleared;

    /// <summary>Takes ownership of <paramref name="bytes"/>: the caller must not keep or reuse the array.</summary>
    public Secret(byte[] bytes) => _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));

    /// <summary>A new secret holding a copy of <paramref name="bytes"/>.</summary>
    public static Secret Copy(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>The all-zero string of <paramref name="length"/> bytes (the "0" of RFC 9420 §8).</summary>
    public static Secret Zero(int length) => new(new byte[length]);

    public int Length => _bytes.Length;
    public bool IsCleared => _cleared;

    /// <summary>The secret's bytes; valid until <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cleared, this);
            return _bytes;
        }
    }

    /// <summary>A copy of the bytes, for handing to an API that needs an array (the caller owns it).</summary>
    public byte[] ToArray() => Span.ToArray();

    public Secret Clone() => Copy(Span);

    /// <summary>Overwrites the bytes with zeros; the secret cannot be read afterwards.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_bytes);
        _cleared = true;
    }

    public void Dispose() => Clear();

    /// <summary>Constant-time comparison with <paramref name="other"/>.</summary>
    public bool Matches(ReadOnlySpan<byte> other) => CryptographicOperations.FixedTimeEquals(Span, other);

    public bool Equals(Secret? other) =>
        other is not null && (ReferenceEquals(this, other) || (_cleared == other._cleared && (_cleared || Matches(other.Span))));

    public override bool Equals(object? obj) => obj is Secret s && Equals(s);

    /// <summary>Depends on the length only, so a hash code never leaks secret bits.</summary>
    public override int GetHashCode() => _bytes.Length;

    public override string ToString() => _cleared ? "Secret(cleared)" : $"Secret({_bytes.Length} bytes)";
}
