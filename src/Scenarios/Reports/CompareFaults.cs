using Sim.Simulator.Network;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The fault profiles of `pairsim compare`'s chat workload (--faults), each on top of the point's drop
/// rate and applied alike to every strategy's links (with a delivery service, to both hops: party to
/// server and server to party). Faults are data (<see cref="FaultProfile"/>), named in each world's
/// options line.
/// </summary>
public static class CompareFaults
{
    /// <summary>Drops only (and the links' 10 ms + exponential 15 ms delay).</summary>
    public const string Drop = "drop";
    /// <summary>Also holds 30% of the datagrams back by 250 ms, past the peer's next turn: late datagrams, what R is for.</summary>
    public const string Reorder = "reorder";
    /// <summary>Also a partition both ways from <see cref="PartitionFromMs"/> to <see cref="PartitionToMs"/>, after the theft.</summary>
    public const string Partition = "partition";
    /// <summary>
    /// Also a hostile transport (PAIRMLS.md "Fault model"): 10% of the datagrams corrupted (one bit), 10%
    /// replays of an older datagram, 5% forged injections, and 10% insider rewrites: an insider who holds
    /// the header keys opens a PairMLS datagram, changes one layer or field and re-seals it (the MLS
    /// baselines have no header key to hold: their framing is in the clear and corruption covers them).
    /// </summary>
    public const string Hostile = "hostile";

    public const long PartitionFromMs = 600;
    public const long PartitionToMs = 1100;

    public static IReadOnlyList<string> Names { get; } = [Drop, Reorder, Partition, Hostile];

    /// <summary>The profile <paramref name="name"/> at drop rate <paramref name="drop"/>, the same both ways.</summary>
    public static FaultProfile Profile(string name, double drop)
    {
        var link = new LinkFaults { DropProbability = drop, DelayMinMs = 10, DelayMeanMs = 15 };
        return name switch
        {
            Drop => FaultProfile.Symmetric(link),
            Reorder => FaultProfile.Symmetric(link with { ReorderProbability = 0.3, ReorderExtraMs = 250 }),
            Partition => FaultProfile.Symmetric(link) with { Partitions = [new Sim.Simulator.Network.Partition(PartitionFromMs, PartitionToMs)] },
            Hostile => FaultProfile.Symmetric(link with { CorruptProbability = 0.1, ReplayProbability = 0.1, InjectProbability = 0.05, InsiderProbability = 0.1 }),
            _ => throw new ArgumentException($"unknown fault profile '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>What the profile adds to the drops, for the report.</summary>
    public static string Description(string name) => name switch
    {
        Drop => "drops only (10 ms + exponential 15 ms delay)",
        Reorder => "drops, and 30% of datagrams held back 250 ms (past the peer's next turn)",
        Partition => $"drops, and a partition both ways from {PartitionFromMs} to {PartitionToMs} ms (after the theft)",
        Hostile => "drops, and a hostile transport: 10% corrupted, 10% replays, 5% forged, 10% insider rewrites re-sealed with the header key (PairMLS; the baselines' framing is in the clear)",
        _ => name,
    };
}
