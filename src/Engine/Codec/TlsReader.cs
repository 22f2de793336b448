using System.Buffers.Binary;
using System.Text;

namespace Sim.Engine.Codec;

/// <summary>Reads a wire value of type <typeparamref name="T"/> from a reader (used for vectors).</summary>
internal delegate T TlsReadFunc<T>(ref TlsReader reader);

/// <summary>
/// A forward-only reader over the TLS presentation language as RFC 9420 §2 uses it.
/// Every read checks the remaining capacity first; a declared length longer than what remains is
/// rejected before anything is allocated. All failures are <see cref="MlsDecodeException"/>.
/// </summary>
internal ref struct TlsReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public TlsReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _buffer.Length - _position;
    public readonly bool End => _position == _buffer.Length;

    /// <summary>The bytes consumed since <paramref name="start"/> (a position returned earlier).</summary>
    public readonly ReadOnlySpan<byte> Consumed(int start) => _buffer[start.._position];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw new MlsDecodeException($"truncated: need {count} bytes at offset {_position}, {Remaining} remain");
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    public readonly byte PeekUInt8()
    {
        if (Remaining < 1) throw new MlsDecodeException($"truncated: need 1 byte at offset {_position}");
        return _buffer[_position];
    }

    public byte ReadUInt8() => Take(1)[0];
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    /// <summary>RFC 9420 §2.1.2 variable-length integer; non-minimal encodings are rejected.</summary>
    public uint ReadVarint()
    {
        byte first = PeekUInt8();
        int prefix = first >> 6;
        switch (prefix)
        {
            case 0:
                return (uint)(Take(1)[0] & 0x3F);
            case 1:
            {
                uint v = (uint)(BinaryPrimitives.ReadUInt16BigEndian(Take(2)) & 0x3FFF);
                if (v < 0x40) throw new MlsDecodeException("varint: non-minimal 2-byte encoding");
                return v;
            }
            case 2:
            {
                uint v = BinaryPrimitives.ReadUInt32BigEndian(Take(4)) & 0x3FFFFFFF;
                if (v < 0x4000) throw new MlsDecodeException("varint: non-minimal 4-byte encoding");
                return v;
            }
            default:
                throw new MlsDecodeException("varint: invalid length prefix 0b11");
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadFixed(int count) => Take(count);

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> as a span into the input.</summary>
    public ReadOnlySpan<byte> ReadOpaqueSpan()
    {
        uint length = ReadVarint();
        if (length > (uint)Remaining)
            throw new MlsDecodeException($"declared length {length} exceeds the {Remaining} bytes that remain");
        return Take((int)length);
    }

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> as a fresh array.</summary>
    public byte[] ReadOpaque() => ReadOpaqueSpan().ToArray();

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> and decodes it as UTF-8 text.</summary>
    public string ReadUtf8()
    {
        var span = ReadOpaqueSpan();
        try { return new UTF8Encoding(false, true).GetString(span); }
        catch (DecoderFallbackException e) { throw new MlsDecodeException("invalid UTF-8", e); }
    }

    /// <summary>Opens a vector: returns a reader over its body, and skips it here.</summary>
    public TlsReader ReadVectorReader() => new(ReadOpaqueSpan());

    /// <summary>Reads <c>T items&lt;V&gt;</c>.</summary>
    public List<T> ReadVector<T>(TlsReadFunc<T> readItem)
    {
        var sub = ReadVectorReader();
        var items = new List<T>();
        while (!sub.End) items.Add(readItem(ref sub));
        return items;
    }

    /// <summary>Reads <c>optional&lt;T&gt;</c>: a presence byte (0 or 1) then the value.</summary>
    public T? ReadOptional<T>(TlsReadFunc<T> readItem) where T : class
    {
        return ReadPresence() ? readItem(ref this) : null;
    }

    /// <summary>Reads the presence octet of an <c>optional&lt;T&gt;</c>.</summary>
    public bool ReadPresence()
    {
        byte b = ReadUInt8();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new MlsDecodeException($"optional: presence byte {b} is neither 0 nor 1"),
        };
    }

    /// <summary>Throws unless every byte has been consumed.</summary>
    public readonly void EnsureEnd()
    {
        if (!End) throw new MlsDecodeException($"{Remaining} trailing bytes after the structure");
    }
}
