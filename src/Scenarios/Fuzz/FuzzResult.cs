namespace Sim.Scenarios.Fuzz;

/// <summary>What a fuzz run tried and found: counts per suite, path and mutation, outcomes, and every violation (the first ones kept in full).</summary>
public sealed class FuzzResult
{
    public const string Exception = "exception";
    public const string AlteredDelivered = "altered_delivered";
    public const string StateNotIdentical = "state_not_identical";
    private const int KeptViolations = 20;

    public long Tried { get; private set; }
    /// <summary>Draws whose mutation did not apply (or left the bytes as they were): not tried.</summary>
    public long NotApplicable { get; internal set; }
    /// <summary>Mutated datagrams whose outcome changed the state legitimately (not Rejected, not Delivered): the receiver was reloaded.</summary>
    public long StateChanges { get; internal set; }
    public TimeSpan Elapsed { get; internal set; }

    public SortedDictionary<ushort, long> PerSuite { get; } = [];
    public SortedDictionary<string, long> PerPath { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> PerMutation { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> Violations { get; } = new(StringComparer.Ordinal) { [Exception] = 0, [AlteredDelivered] = 0, [StateNotIdentical] = 0 };
    public List<FuzzViolation> FirstViolations { get; } = [];

    public long ViolationCount => Violations.Values.Sum();
    public double DatagramsPerSecond => Elapsed.TotalSeconds > 0 ? Tried / Elapsed.TotalSeconds : 0;

    internal void Count(FuzzEntry entry, string mutation)
    {
        Tried++;
        Add(PerSuite, entry.Suite);
        Add(PerPath, entry.Path);
        Add(PerMutation, mutation);
    }

    internal void Outcome(FuzzEntry entry, string name) => Add(Outcomes, name);

    internal void Violation(long index, FuzzEntry entry, string mutation, string what, string kind)
    {
        Violations[kind]++;
        if (FirstViolations.Count < KeptViolations) FirstViolations.Add(new FuzzViolation(index, kind, entry.ToString(), mutation, what));
    }

    private static void Add<TKey>(SortedDictionary<TKey, long> map, TKey key) where TKey : notnull => map[key] = map.GetValueOrDefault(key) + 1;
}

/// <summary>One violation: datagram <paramref name="Index"/> of the run (replay it with <c>--start Index --datagrams 1</c>).</summary>
public sealed record FuzzViolation(long Index, string Kind, string Entry, string Mutation, string What);
