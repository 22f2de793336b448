using System.Collections;
using System.Runtime.CompilerServices;

namespace Sim.Engine.Pair;

/// <summary>Builds an <see cref="AppendWindow{T}"/> from a collection expression.</summary>
internal static class AppendWindow
{
    public static AppendWindow<T> Create<T>(ReadOnlySpan<T> items) => AppendWindow<T>.Empty.AddRange(items);
}

/// <summary>
/// An immutable list that grows at its end and is cut from its start: the newest items of a bounded
/// record, such as <see cref="PairState.DeliveredGuards"/> (one added per delivered datagram, the
/// oldest dropped). As <see cref="EpochMap"/>, a list is a window on a shared append-only buffer:
/// adding after the buffer's last written slot writes that slot and keeping only the newest items
/// narrows the window, each one small object instead of a tree's path copies; anything else copies
/// the window. A written slot is never written again, so every list stays what it was.
/// </summary>
[CollectionBuilder(typeof(AppendWindow), nameof(AppendWindow.Create))]
internal sealed class AppendWindow<T> : IReadOnlyList<T>
{
    private sealed class Buffer(int capacity)
    {
        public readonly T[] Items = new T[capacity];
        public int Written;
    }

    private readonly Buffer _buffer;
    private readonly int _start;

    public static readonly AppendWindow<T> Empty = new(new Buffer(0), 0, 0);

    private AppendWindow(Buffer buffer, int start, int count)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public T this[int index] => (uint)index < (uint)Count ? _buffer.Items[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The list with <paramref name="item"/> at its end.</summary>
    public AppendWindow<T> Add(T item)
    {
        int end = _start + Count;
        // Into the buffer's first free slot, which no list covers yet; else into a copy with room.
        if (end < _buffer.Items.Length && Interlocked.CompareExchange(ref _buffer.Written, end + 1, end) == end)
        {
            _buffer.Items[end] = item;
            return new AppendWindow<T>(_buffer, _start, Count + 1);
        }
        var copy = new Buffer(Math.Max(8, 2 * (Count + 1)));
        _buffer.Items.AsSpan(_start, Count).CopyTo(copy.Items);
        copy.Items[Count] = item;
        copy.Written = Count + 1;
        return new AppendWindow<T>(copy, 0, Count + 1);
    }

    public AppendWindow<T> AddRange(ReadOnlySpan<T> items)
    {
        var list = this;
        foreach (var item in items) list = list.Add(item);
        return list;
    }

    /// <summary>The newest <paramref name="count"/> items (this list when it holds no more).</summary>
    public AppendWindow<T> Newest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        return count == 0 ? Empty : new AppendWindow<T>(_buffer, _start + Count - count, count);
    }

    public Enumerator GetEnumerator() => new(this);
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<T>
    {
        private readonly AppendWindow<T> _list;
        private int _i;

        internal Enumerator(AppendWindow<T> list)
        {
            _list = list;
            _i = -1;
        }

        public readonly T Current => _list._buffer.Items[_list._start + _i];
        readonly object? IEnumerator.Current => Current;
        public bool MoveNext() => ++_i < _list.Count;
        public void Reset() => _i = -1;
        public readonly void Dispose() { }
    }

    public override string ToString() => $"AppendWindow({Count} items)";
}
