using System.Buffers.Binary;
using System.Text;

namespace Sim.Engine.Codec;

/// <summary>
/// Writes the TLS presentation language of RFC 9420 §2 into a growable buffer.
/// Vectors are written with <see cref="BeginVector"/>/<see cref="EndVector"/>: the body is written
/// in place after one reserved byte (the minimal prefix of a body under 64 bytes, the common case, which
/// then needs no move) and the minimal varint length is written there, moving the body only when the
/// prefix needs more bytes.
/// </summary>
internal sealed class TlsWriter
{
    /// <summary>Largest length an MLS varint can carry (2^30 − 1).</summary>
    public const uint MaxVarint = 0x3FFFFFFF;

    private byte[] _buffer;
    private int _length;

    public TlsWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    // A few writers per thread for serializations whose bytes are copied out or consumed at once
    // (Tls.Serialize, labelled crypto inputs): their buffers are reused instead of grown anew each time.
    private const int PoolSize = 4;
    private const int PooledCapacityLimit = 1 << 16;
    [ThreadStatic] private static TlsWriter?[]? t_pool;

    /// <summary>An empty writer from this thread's pool (or a new one); give it back with <see cref="Return"/>.</summary>
    internal static TlsWriter Rent()
    {
        var pool = t_pool;
        if (pool is not null)
            for (int i = 0; i < pool.Length; i++)
                if (pool[i] is { } w)
                {
                    pool[i] = null;
                    return w;
                }
        return new TlsWriter(1024);
    }

    /// <summary>Zeroes what <paramref name="writer"/> holds (it may have held secrets) and keeps it for reuse; the caller must not use it again.</summary>
    internal static void Return(TlsWriter writer)
    {
        writer.Clear();
        if (writer._buffer.Length > PooledCapacityLimit) return;
        var pool = t_pool ??= new TlsWriter?[PoolSize];
        for (int i = 0; i < pool.Length; i++)
            if (pool[i] is null)
            {
                pool[i] = writer;
                return;
            }
    }

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
    public void Clear() { _buffer.AsSpan(0, _length).Clear(); _length = 0; }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            int size = Math.Max(_buffer.Length * 2, _length + count);
            // Not Array.Resize: the old buffer may hold secrets (saved state, labelled inputs), so it is
            // zeroed before it is left to the collector.
            var larger = new byte[size];
            _buffer.AsSpan(0, _length).CopyTo(larger);
            _buffer.AsSpan(0, _length).Clear();
            _buffer = larger;
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteUInt8(byte value) => Grow(1)[0] = value;
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Grow(8), value);
    public void WriteFixed(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    public static int VarintSize(uint value) => value switch
    {
        < 0x40 => 1,
        < 0x4000 => 2,
        <= MaxVarint => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(value), "varint: value exceeds 2^30 - 1"),
    };

    /// <summary>RFC 9420 §2.1.2: writes the minimal encoding of <paramref name="value"/>.</summary>
    public void WriteVarint(uint value)
    {
        switch (VarintSize(value))
        {
            case 1: WriteUInt8((byte)value); break;
            case 2: WriteUInt16((ushort)(value | 0x4000)); break;
            default: WriteUInt32(value | 0x80000000); break;
        }
    }

    public void WriteOpaque(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((uint)bytes.Length);
        WriteFixed(bytes);
    }

    public void WriteUtf8(string text)
    {
        // Labels (RefHash, the HPKE and MLS labels) are short: encoded on the stack, not into an array per call.
        int count = Encoding.UTF8.GetByteCount(text);
        if (count > 256)
        {
            WriteOpaque(Encoding.UTF8.GetBytes(text));
            return;
        }
        Span<byte> bytes = stackalloc byte[count];
        Encoding.UTF8.GetBytes(text, bytes);
        WriteOpaque(bytes);
    }

    /// <summary>Starts a vector (reserving one byte for its length); pass the returned mark to <see cref="EndVector"/>.</summary>
    public int BeginVector()
    {
        WriteUInt8(0);
        return _length;
    }

    /// <summary>Ends a vector begun at <paramref name="mark"/>, writing its minimal length prefix.</summary>
    public void EndVector(int mark)
    {
        if (mark < 1 || mark > _length) throw new InvalidOperationException("EndVector: bad mark");
        uint bodyLength = (uint)(_length - mark);
        int prefix = VarintSize(bodyLength);
        int start = mark - 1;
        if (prefix > 1)
        {
            Grow(prefix - 1);
            var moved = _buffer.AsSpan();
            moved.Slice(mark, (int)bodyLength).CopyTo(moved.Slice(start + prefix));
        }
        var buf = _buffer.AsSpan();
        switch (prefix)
        {
            case 1: buf[start] = (byte)bodyLength; break;
            case 2: BinaryPrimitives.WriteUInt16BigEndian(buf.Slice(start), (ushort)(bodyLength | 0x4000)); break;
            default: BinaryPrimitives.WriteUInt32BigEndian(buf.Slice(start), bodyLength | 0x80000000); break;
        }
    }

    /// <summary>Writes <c>T items&lt;V&gt;</c>.</summary>
    public void WriteVector<T>(IEnumerable<T> items, Action<TlsWriter, T> writeItem)
    {
        int mark = BeginVector();
        if (items is IReadOnlyList<T> list)
        {
            // By index: no boxed enumerator per vector.
            for (int i = 0; i < list.Count; i++) writeItem(this, list[i]);
        }
        else foreach (var item in items) writeItem(this, item);
        EndVector(mark);
    }

    /// <summary>Writes <c>optional&lt;T&gt;</c>.</summary>
    public void WriteOptional<T>(T? value, Action<TlsWriter, T> writeItem) where T : class
    {
        if (value is null) { WriteUInt8(0); return; }
        WriteUInt8(1);
        writeItem(this, value);
    }
}
