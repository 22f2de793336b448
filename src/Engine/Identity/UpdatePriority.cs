namespace Sim.Engine.Identity;

/// <summary>
/// How an update proposal competes with the others a party received in one epoch: by
/// <see cref="UpdateKind"/> rank, then the newest wins (<see cref="Sequence"/> is the caller's
/// sequence number or timestamp: larger is newer). <see cref="BestFirst"/> sorts the winner first.
/// </summary>
internal readonly record struct UpdatePriority(UpdateKind Kind, ulong Sequence)
{
    /// <summary>Orders higher rank first, then (same rank) larger sequence first.</summary>
    public static IComparer<UpdatePriority> BestFirst { get; } = Comparer<UpdatePriority>.Create(static (a, b) =>
    {
        int byRank = b.Kind.Rank().CompareTo(a.Kind.Rank());
        return byRank != 0 ? byRank : b.Sequence.CompareTo(a.Sequence);
    });

    /// <summary>The best of <paramref name="items"/> by <paramref name="priority"/>, or default if there are none.</summary>
    public static T? Best<T>(IEnumerable<T> items, Func<T, UpdatePriority> priority)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(priority);
        // What OrderBy(priority, BestFirst).FirstOrDefault() gives (a stable sort: the first of equals), in one pass.
        T? best = default;
        UpdatePriority bestPriority = default;
        bool any = false;
        foreach (var item in items)
        {
            var p = priority(item);
            if (any && BestFirst.Compare(p, bestPriority) >= 0) continue;
            best = item;
            bestPriority = p;
            any = true;
        }
        return best;
    }

    /// <summary>True if this priority beats <paramref name="other"/>.</summary>
    public bool Beats(UpdatePriority other) => BestFirst.Compare(this, other) < 0;
}
