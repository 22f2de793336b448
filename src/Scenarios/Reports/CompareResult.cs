namespace Sim.Scenarios.Reports;

/// <summary>One strategy at one fault profile and drop rate, over the point's worlds (same seeds for every strategy).</summary>
public sealed record HealingCell(string Strategy, double Drop, int Worlds)
{
    /// <summary>The fault profile (<see cref="CompareFaults"/>).</summary>
    public string Faults { get; init; } = CompareFaults.Drop;
    /// <summary>Worlds where a checker of an invariant the strategy claims failed, and which invariants.</summary>
    public int Violated { get; init; }
    public IReadOnlyList<string> ViolatedInvariants { get; init; } = [];
    /// <summary>Worlds where the thief of Alice's state was locked out (the rest: never, within the run).</summary>
    public int Healed { get; init; }
    public double? RoundTripsMedian { get; init; }
    public double? HealSecondsMedian { get; init; }
    /// <summary>Bob's messages sent before the theft, and how many of them the thief opened (forward secrecy).</summary>
    public int EarlierPayloads { get; init; }
    public int EarlierOpened { get; init; }
    /// <summary>Bob's messages sent before the theft that Alice had not read by then (late or lost), and how many of them the thief opened (what R costs).</summary>
    public int InFlightPayloads { get; init; }
    public int InFlightOpened { get; init; }
    /// <summary>User messages delivered at the peer / sent (safety and liveness phases).</summary>
    public int Sent { get; init; }
    public int Delivered { get; init; }
    /// <summary>Arrivals of messages refused for an epoch the receiver had not reached, and arrivals Expired.</summary>
    public int EpochNotReached { get; init; }
    public int Expired { get; init; }
    public double BytesPerMessage { get; init; }
    /// <summary>Datagrams per user message (commits, Welcomes and retransmissions count).</summary>
    public double DatagramsPerMessage { get; init; }

    /// <summary>Worlds where Alice had not joined by the theft: nothing was stolen (not counted as healed or never).</summary>
    public int NothingStolen { get; init; }

    /// <summary>No world with a stolen state healed (and at least one had one).</summary>
    public bool NeverHealed => Healed == 0 && NothingStolen < Worlds;
}

/// <summary>One strategy at one peer offline time: how long Alice's second card edit in flight waited.</summary>
public sealed record WaitCell(string Strategy, long OfflineMs, int Worlds)
{
    public double? FirstEditWaitMsMedian { get; init; }
    public double? SecondEditWaitMsMedian { get; init; }
    /// <summary>Worlds where the second edit never left within the run.</summary>
    public int SecondNeverLeft { get; init; }
}

/// <summary>What the network (and the delivery service, if any) read from a strategy's datagrams, measured by parsing them.</summary>
public sealed record MetadataRow(string Strategy, int Datagrams)
{
    public double GroupIdVisible { get; init; }
    public double EpochVisible { get; init; }
    public double SenderLeafVisible { get; init; }
    public double KindVisible { get; init; }
    /// <summary>Accuracy of the best size threshold at telling card-edit datagrams from the rest, and the base rate it must beat.</summary>
    public double EditBySizeAccuracy { get; init; }
    public double EditBaseRate { get; init; }
    public bool HasService { get; init; }
    public double ServiceGroupIdVisible { get; init; }
    public double ServiceKindVisible { get; init; }
    /// <summary>CPU of the strategy's worlds (whole process, all threads) per user message, µs; see the load average.</summary>
    public double CpuMicrosPerMessage { get; init; }
}

/// <summary>The parity observer: over many worlds, how often "whoever sends in odd epochs accepted" names the acceptor.</summary>
public sealed record ParityRow(string Strategy, int Worlds, int Correct)
{
    public double Fraction => Worlds == 0 ? 0 : (double)Correct / Worlds;
}

public sealed record CompareResult(CompareGrid Grid, IReadOnlyList<HealingCell> Healing, IReadOnlyList<WaitCell> Waiting, IReadOnlyList<MetadataRow> Metadata, IReadOnlyList<ParityRow> Parity)
{
    public string Command { get; init; } = "";
    public TimeSpan Elapsed { get; init; }
    public string LoadAverage { get; init; } = "";
}
