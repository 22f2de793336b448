using System.Security.Cryptography;
using Sim.Engine.Codec;

namespace Sim.Engine.Schedule;

/// <summary>
/// A secret byte string of the key schedule (RFC 9420 §8, §9): owns its buffer, can be cleared
/// (RFC 9420 §9.2 deletion schedule), compares in constant time, and never prints its bytes.
/// Reading a cleared secret is a programming error (<see cref="ObjectDisposedException"/>).
/// </summary>
internal sealed class Secret : IDisposable, IEquatable<Secret>
{
    private readonly byte[] _bytes;
    private bool _cleared;
    private IDisposable? _attachment;

    /// <summary>Takes ownership of <paramref name="bytes"/>: the caller must not keep or reuse the array.</summary>
    public Secret(byte[] bytes) => _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));

    /// <summary>A new secret holding a copy of <paramref name="bytes"/>.</summary>
    public static Secret Copy(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>The all-zero string of <paramref name="length"/> bytes (the "0" of RFC 9420 §8).</summary>
    public static Secret Zero(int length) => new(new byte[length]);

    public int Length => _bytes.Length;
    public bool IsCleared => _cleared;

    /// <summary>For tests: the buffer itself, readable after <see cref="Clear"/> (to check that deleting zeroed it).</summary>
    internal ReadOnlySpan<byte> BufferForTests => _bytes;

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

    /// <summary>Overwrites the bytes with zeros, and disposes the attached parsed key if any; the secret cannot be read afterwards.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_bytes);
        _cleared = true;
        Interlocked.Exchange(ref _attachment, null)?.Dispose();
    }

    /// <summary>A parsed form of this secret kept with it (e.g. a <see cref="Crypto.SigningKey"/>), disposed by <see cref="Clear"/>; null if none.</summary>
    internal IDisposable? Attachment
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cleared, this);
            return _attachment;
        }
    }

    /// <summary>Attaches <paramref name="attachment"/> if nothing is attached yet (false otherwise: the caller keeps and disposes it).</summary>
    internal bool TryAttach(IDisposable attachment)
    {
        ObjectDisposedException.ThrowIf(_cleared, this);
        return Interlocked.CompareExchange(ref _attachment, attachment, null) is null;
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

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>Saves the secret as <c>opaque secret&lt;V&gt;</c>. The output holds the secret's
    /// bytes: callers must protect it and never log it. Saving a cleared secret is a programming error.</summary>
    public void Save(TlsWriter writer) => writer.WriteOpaque(Span);

    /// <summary>Loads a secret saved by <see cref="Save"/>; <see cref="MlsDecodeException"/> if malformed.</summary>
    public static Secret Load(ref TlsReader reader) => new(reader.ReadOpaque());

    /// <summary>Loads a secret that must be <paramref name="expectedLength"/> bytes long (e.g. Nh);
    /// <see cref="MlsDecodeException"/> otherwise.</summary>
    public static Secret Load(ref TlsReader reader, int expectedLength)
    {
        var bytes = reader.ReadOpaqueSpan();
        if (bytes.Length != expectedLength)
            throw new MlsDecodeException($"saved secret: {bytes.Length} bytes where {expectedLength} were expected");
        return Copy(bytes);
    }
}
