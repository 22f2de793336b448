using Sim.Engine.Multi;
using Sim.Simulator.Network;

namespace Sim.Simulator.Groups;

/// <summary>What a cut link does to a datagram.</summary>
public enum PartitionMode
{
    /// <summary>Store and forward (a replicating mesh, federated servers that queue): delivered once the partition heals.</summary>
    Hold,
    /// <summary>Lost.</summary>
    Drop,
}

/// <summary>
/// Everything that decides a group world (units in the names, one root seed): the members, the
/// strategy, the links' faults (the two-party <see cref="LinkFaults"/> on every link), partitions
/// between subsets on a schedule, and the users' script. The same options give the same trace.
/// </summary>
public sealed record GroupWorldOptions
{
    public ulong Seed { get; init; }

    /// <summary>Scenario name (for the options line and reports).</summary>
    public string Scenario { get; init; } = "custom";

    /// <summary>Members of the group when it starts (founded out of band in epoch 1 by the first).</summary>
    public IReadOnlyList<string> Founders { get; init; } = ["m00", "m01", "m02"];

    /// <summary>Others who exist (verified identities) but are not in the group at first: the script may add them.</summary>
    public IReadOnlyList<string> Outsiders { get; init; } = [];

    public MultiOptions Member { get; init; } = new();

    /// <summary>Faults on every link (member to member, member to sequencer) during the safety phase.</summary>
    public LinkFaults Links { get; init; } = LinkFaults.None;

    /// <summary>Targeted drops during the safety phase (e.g. one joiner's Welcome), besides the links' random faults.</summary>
    public IReadOnlyList<DatagramDrop> Drops { get; init; } = [];

    public IReadOnlyList<SubsetPartition> Partitions { get; init; } = [];
    public PartitionMode PartitionMode { get; init; } = PartitionMode.Hold;

    public IReadOnlyList<GroupOp> Script { get; init; } = [];

    /// <summary>Every member's clock tick (gossip, retries), virtual ms.</summary>
    public long TickMs { get; init; } = 100;

    /// <summary>When the safety phase ends; the liveness phase (no faults, everyone online) runs until one state or <see cref="LivenessBudgetMs"/>.</summary>
    public long SafetyPhaseEndMs { get; init; } = 10_000;
    public long LivenessBudgetMs { get; init; } = 60_000;

    /// <summary>Measure commit create/process wall-clock times inside the world (a Measure event; not part of the trace hash's determinism... so off unless asked).</summary>
    public bool MeasureCommits { get; init; }

    /// <summary>
    /// GROUPS.md PCS: when (virtual ms) an attacker copies <see cref="PcsVictimName"/>'s state and from
    /// then on sees every datagram on the wire (null: no theft).
    /// </summary>
    public long? PcsTheftMs { get; init; }

    /// <summary>Whose state is copied; null: the first member whose user asks for an update at or after the theft (else the first founder).</summary>
    public string? PcsVictim { get; init; }

    /// <summary>The victim: <see cref="PcsVictim"/>, or the first member with an Update op at or after the theft, or the first founder.</summary>
    public string PcsVictimName() => PcsVictim
        ?? Script.Where(o => o.Kind == GroupOpKind.Update && o.AtMs >= (PcsTheftMs ?? 0)).OrderBy(o => o.AtMs).FirstOrDefault()?.Member
        ?? Founders[0];

    public IReadOnlyList<string> Everyone => [.. Founders, .. Outsiders];

    /// <summary>The one line that reproduces the world: every setting, starting with the seed.</summary>
    public string Describe() =>
        $"SEED={Seed} scenario={Scenario} founders={string.Join(",", Founders)} outsiders={string.Join(",", Outsiders)} {Member.Describe()} " +
        $"links{{{Links.Describe()}}} partition_mode={PartitionMode.ToString().ToLowerInvariant()} partitions[{string.Join(" ", Partitions)}] " +
        (Drops.Count > 0 ? $"drops[{string.Join(" ", Drops)}] " : "") +
        $"tick_ms={TickMs} safety_phase_end_ms={SafetyPhaseEndMs} liveness_budget_ms={LivenessBudgetMs}" +
        (PcsTheftMs is { } theft ? $" pcs_theft_ms={theft} pcs_victim={PcsVictimName()}" : "") + $" script[{string.Join(" ", Script)}]";
}
