namespace Sim.Simulator;

/// <summary>
/// The world's pending events, ordered by (virtual time, sequence number): events due at the same
/// time run in the order they were scheduled, so the order never depends on anything but the seed.
/// </summary>
public sealed class EventQueue<T>
{
    private readonly PriorityQueue<T, (long TimeMs, long Seq)> _queue = new();
    private long _seq;

    public int Count => _queue.Count;

    public void Schedule(long timeMs, T item) => _queue.Enqueue(item, (timeMs, _seq++));

    /// <summary>The next event if it is due at or before <paramref name="limitMs"/>.</summary>
    public bool TryDequeue(long limitMs, out long timeMs, out T item)
    {
        if (_queue.TryPeek(out item!, out var key) && key.TimeMs <= limitMs)
        {
            _queue.Dequeue();
            timeMs = key.TimeMs;
            return true;
        }
        timeMs = 0;
        item = default!;
        return false;
    }

    /// <summary>Removes every event matching <paramref name="predicate"/>, keeping the others' order; returns how many went.</summary>
    public int RemoveWhere(Func<T, bool> predicate)
    {
        var keep = _queue.UnorderedItems.Where(x => !predicate(x.Element)).ToList();
        int removed = _queue.Count - keep.Count;
        _queue.Clear();
        foreach (var (element, priority) in keep) _queue.Enqueue(element, priority);
        return removed;
    }
}
