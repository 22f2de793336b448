namespace Sim.Simulator.Trace;

/// <summary>The world's options (the first event): the schema version, the seed, R, and the full options line that reproduces the world.</summary>
public sealed record OptionsEvent : TraceEvent
{
    /// <summary>Records compare by value, lists included (a round-tripped trace equals the original).</summary>
    public bool Equals(OptionsEvent? other) =>
        other is not null && base.Equals(other) && Schema == other.Schema && Seed == other.Seed && Protocol == other.Protocol && RetentionWindow == other.RetentionWindow
        && OutOfOrderWindow == other.OutOfOrderWindow && ForwardDistance == other.ForwardDistance && Line == other.Line && Partitions.SequenceEqual(other.Partitions);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Seed, Line, Partitions.Count);

    public override TraceKind Kind => TraceKind.Options;
    public int Schema { get; init; } = TraceSchema.Version;
    public string? Seed { get; init; }
    /// <summary>The conversation protocol the parties run (null: PairMLS).</summary>
    public string? Protocol { get; init; }
    /// <summary>R (PAIRMLS.md "Receiving"): past epochs whose application secrets are kept.</summary>
    public int? RetentionWindow { get; init; }
    /// <summary>The out-of-order window and the maximum forward distance of each sender's ratchet within an epoch (RFC 9420 §9.2).</summary>
    public uint? OutOfOrderWindow { get; init; }
    public uint? ForwardDistance { get; init; }
    /// <summary>The partitions of the fault profile (they cut links on a schedule, so no event marks them): direction "both", "alice_to_bob" or "bob_to_alice".</summary>
    public IReadOnlyList<PartitionSpan> Partitions { get; init; } = [];

    /// <summary>WorldOptions.Describe: every option on one line, starting with SEED=.</summary>
    public string Line { get; init; } = "";
}

/// <summary>A partition of the fault profile: from <see cref="StartMs"/> until it heals at <see cref="HealMs"/>, in <see cref="Direction"/>.</summary>
public sealed record PartitionSpan(long StartMs, long HealMs, string Direction);
