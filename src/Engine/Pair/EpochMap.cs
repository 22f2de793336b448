using System.Collections;

namespace Sim.Engine.Pair;

/// <summary>
/// An immutable map from epoch to bytes, ascending by epoch: the per-epoch records of a
/// <see cref="PairState"/> (header keys, staple hashes, own contexts, peer commit contents) within the
/// horizon H (PAIRMLS.md "State stays bounded"). A commit appends the newest epoch and the horizon
/// drops the oldest, once per datagram and map; a sorted tree copies a path of nodes for each (about
/// 450 bytes at H = 64). Here a map is a window [start, start + count) on a shared append-only buffer:
/// appending after the buffer's last written slot writes that slot (no view of the buffer covers it)
/// and dropping the oldest narrows the window, so either makes one small object; anything else copies
/// the window into a new buffer. A written slot is never written again, so every map stays what it was.
/// </summary>
internal sealed class EpochMap : IEnumerable<KeyValuePair<ulong, byte[]>>
{
    /// <summary>The slots several maps share; <see cref="Written"/> slots are taken, the rest free.</summary>
    private sealed class Buffer(int capacity)
    {
        public readonly ulong[] Epochs = new ulong[capacity];
        public readonly byte[][] Values = new byte[capacity][];
        public int Written;
    }

    private readonly Buffer _buffer;
    private readonly int _start;

    public static readonly EpochMap Empty = new(new Buffer(0), 0, 0);

    private EpochMap(Buffer buffer, int start, int count)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
    }

    public int Count { get; }
    public bool IsEmpty => Count == 0;

    /// <summary>The epochs, ascending.</summary>
    public IEnumerable<ulong> Keys
    {
        get
        {
            for (int i = 0; i < Count; i++) yield return _buffer.Epochs[_start + i];
        }
    }

    public byte[] this[ulong epoch] => TryGetValue(epoch, out var value) ? value : throw new KeyNotFoundException($"epoch {epoch} is not in the map");

    public bool ContainsKey(ulong epoch) => IndexOf(epoch) >= 0;

    public bool TryGetValue(ulong epoch, out byte[] value)
    {
        int i = IndexOf(epoch);
        if (i < 0)
        {
            value = null!;
            return false;
        }
        value = _buffer.Values[_start + i];
        return true;
    }

    /// <summary>The position of <paramref name="epoch"/> in the window, or the complement of where it would go.</summary>
    private int IndexOf(ulong epoch)
    {
        int i = Array.BinarySearch(_buffer.Epochs, _start, Count, epoch);
        return i >= 0 ? i - _start : ~(~i - _start);
    }

    /// <summary>The map with <paramref name="epoch"/> added; throws if it is already there.</summary>
    public EpochMap Add(ulong epoch, byte[] value)
    {
        if (ContainsKey(epoch)) throw new ArgumentException($"epoch {epoch} is already in the map", nameof(epoch));
        return SetItem(epoch, value);
    }

    /// <summary>The map with <paramref name="epoch"/> set to <paramref name="value"/>.</summary>
    public EpochMap SetItem(ulong epoch, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int end = _start + Count;
        // After the newest epoch, into the first free slot of the buffer: a slot no map covers yet.
        if ((Count == 0 || epoch > _buffer.Epochs[end - 1]) && end < _buffer.Epochs.Length
            && Interlocked.CompareExchange(ref _buffer.Written, end + 1, end) == end)
        {
            _buffer.Epochs[end] = epoch;
            _buffer.Values[end] = value;
            return new EpochMap(_buffer, _start, Count + 1);
        }
        int i = IndexOf(epoch);
        if (i >= 0)
        {
            if (ReferenceEquals(_buffer.Values[_start + i], value)) return this;
            return Copy(skip: i, insertAt: i, epoch, value);
        }
        return Copy(skip: -1, insertAt: ~i, epoch, value);
    }

    /// <summary>The map without <paramref name="epoch"/> (this map when it is not there).</summary>
    public EpochMap Remove(ulong epoch)
    {
        int i = IndexOf(epoch);
        if (i < 0) return this;
        if (Count == 1) return Empty;
        // The oldest or the newest: a narrower window on the same buffer.
        if (i == 0) return new EpochMap(_buffer, _start + 1, Count - 1);
        if (i == Count - 1) return new EpochMap(_buffer, _start, Count - 1);
        return Copy(skip: i, insertAt: -1, 0, null);
    }

    /// <summary>The map without any of <paramref name="epochs"/>.</summary>
    public EpochMap RemoveRange(IEnumerable<ulong> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var map = this;
        foreach (var epoch in epochs) map = map.Remove(epoch);
        return map;
    }

    /// <summary>The map without its epochs below <paramref name="oldest"/> (this map when there are none).</summary>
    public EpochMap RemoveBelow(ulong oldest)
    {
        int i = IndexOf(oldest);
        int from = i >= 0 ? i : ~i;
        if (from == 0) return this;
        if (from == Count) return Empty;
        return new EpochMap(_buffer, _start + from, Count - from);
    }

    /// <summary>The window copied into a new buffer with room to append, leaving out position
    /// <paramref name="skip"/> and putting (<paramref name="epoch"/>, <paramref name="value"/>) at
    /// <paramref name="insertAt"/> (-1: none).</summary>
    private EpochMap Copy(int skip, int insertAt, ulong epoch, byte[]? value)
    {
        int count = Count - (skip >= 0 ? 1 : 0) + (insertAt >= 0 ? 1 : 0);
        if (count == 0) return Empty;
        var buffer = new Buffer(Math.Max(8, 2 * count));
        int n = 0;
        for (int i = 0; i <= Count; i++)
        {
            if (i == insertAt)
            {
                buffer.Epochs[n] = epoch;
                buffer.Values[n++] = value!;
            }
            if (i == Count) break;
            if (i == skip) continue;
            buffer.Epochs[n] = _buffer.Epochs[_start + i];
            buffer.Values[n++] = _buffer.Values[_start + i];
        }
        buffer.Written = n;
        return new EpochMap(buffer, 0, n);
    }

    /// <summary>A map of <paramref name="entries"/> in any order; throws <see cref="ArgumentException"/> on an epoch given twice.</summary>
    public static EpochMap From(IReadOnlyList<(ulong Epoch, byte[] Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return Empty;
        var buffer = new Buffer(Math.Max(8, 2 * entries.Count));
        for (int i = 0; i < entries.Count; i++)
        {
            buffer.Epochs[i] = entries[i].Epoch;
            buffer.Values[i] = entries[i].Value ?? throw new ArgumentNullException(nameof(entries));
        }
        Array.Sort(buffer.Epochs, buffer.Values, 0, entries.Count);
        for (int i = 1; i < entries.Count; i++)
            if (buffer.Epochs[i] == buffer.Epochs[i - 1]) throw new ArgumentException($"epoch {buffer.Epochs[i]} appears twice");
        buffer.Written = entries.Count;
        return new EpochMap(buffer, 0, entries.Count);
    }

    /// <summary>The entries, ascending by epoch (no allocation).</summary>
    public Enumerator GetEnumerator() => new(this);
    IEnumerator<KeyValuePair<ulong, byte[]>> IEnumerable<KeyValuePair<ulong, byte[]>>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<KeyValuePair<ulong, byte[]>>
    {
        private readonly EpochMap _map;
        private int _i;

        internal Enumerator(EpochMap map)
        {
            _map = map;
            _i = -1;
        }

        public readonly KeyValuePair<ulong, byte[]> Current =>
            new(_map._buffer.Epochs[_map._start + _i], _map._buffer.Values[_map._start + _i]);
        readonly object IEnumerator.Current => Current;
        public bool MoveNext() => ++_i < _map.Count;
        public void Reset() => _i = -1;
        public readonly void Dispose() { }
    }

    public override string ToString() => $"EpochMap({Count} epochs)";
}
