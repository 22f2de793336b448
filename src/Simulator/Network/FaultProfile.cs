using System.Globalization;

namespace Sim.Simulator.Network;

/// <summary>Which way a fault or partition applies.</summary>
public enum LinkDirection
{
    /// <summary>Both ways.</summary>
    Both,
    /// <summary>Datagrams from the inviter (alice) to the acceptor (bob).</summary>
    AliceToBob,
    /// <summary>Datagrams from the acceptor (bob) to the inviter (alice).</summary>
    BobToAlice,
}

/// <summary>How a link's extra delay above its minimum is distributed (PAIRMLS.md "Fault model": uniform and heavy-tailed delays).</summary>
public enum DelayShape
{
    /// <summary>Exponential with the given mean (the default).</summary>
    Exponential,
    /// <summary>Uniform on [0, 2 × mean].</summary>
    Uniform,
    /// <summary>Pareto with shape 1.5 and the given mean: mostly short, now and then very long (heavy tail).</summary>
    HeavyTailed,
}

/// <summary>The order in which a link releases the datagrams it held.</summary>
public enum HoldOrder
{
    InOrder,
    Reversed,
    Shuffled,
}

/// <summary>A partition: nothing crosses it (in <see cref="Direction"/>) from <see cref="StartMs"/> until it heals at <see cref="HealMs"/>.</summary>
public sealed record Partition(long StartMs, long HealMs, LinkDirection Direction = LinkDirection.Both);

/// <summary>
/// What the network does to datagrams on a link during a time window. Probabilities are in [0, 1];
/// times are virtual milliseconds. Faults are data: generators produce them, shrinking works on
/// them, the trace records them.
/// </summary>
public sealed record LinkFaults
{
    public static readonly LinkFaults None = new();

    /// <summary>Probability that a datagram is lost.</summary>
    public double DropProbability { get; init; }
    /// <summary>Probability that a datagram is duplicated, and how many extra copies then.</summary>
    public double DuplicateProbability { get; init; }
    public int DuplicateCopies { get; init; } = 1;
    /// <summary>One-way delay: <see cref="DelayMinMs"/> plus an exponential with mean <see cref="DelayMeanMs"/>; different delays reorder.</summary>
    public long DelayMinMs { get; init; } = 10;
    public double DelayMeanMs { get; init; }
    /// <summary>Probability that a datagram is held back by an extra <see cref="ReorderExtraMs"/> (so later ones overtake it).</summary>
    public double ReorderProbability { get; init; }
    public long ReorderExtraMs { get; init; } = 200;
    /// <summary>Probability that a delivered copy has <see cref="CorruptBits"/> random bits flipped.</summary>
    public double CorruptProbability { get; init; }
    public int CorruptBits { get; init; } = 1;
    /// <summary>Probability, per datagram sent, that the network also replays an older datagram of this link.</summary>
    public double ReplayProbability { get; init; }
    /// <summary>Replays pick from every datagram the link ever carried (the whole history), not only the newest ones the network remembers by default.</summary>
    public bool ReplayWholeHistory { get; init; }
    /// <summary>Probability, per datagram sent, that the network also injects a forged datagram (random bytes of a plausible length).</summary>
    public double InjectProbability { get; init; }
    /// <summary>The distribution of the delay above <see cref="DelayMinMs"/> (mean <see cref="DelayMeanMs"/>).</summary>
    public DelayShape DelayShape { get; init; }
    /// <summary>Draw the number of copies uniformly from 1..<see cref="DuplicateCopies"/> and of flipped bits from 1..<see cref="CorruptBits"/>, per datagram.</summary>
    public bool RandomCounts { get; init; }
    /// <summary>
    /// Hold-and-release: with this probability a datagram is held by the link; every datagram held in a
    /// hold spell (from the first one held until <see cref="HoldMs"/> later) is released at its end, in <see cref="HoldOrder"/>.
    /// </summary>
    public double HoldProbability { get; init; }
    public long HoldMs { get; init; } = 500;
    public HoldOrder HoldOrder { get; init; }
    /// <summary>Probability, per datagram sent, that the network also injects a datagram of a third session of the same suite (another conversation's honest bytes).</summary>
    public double ForeignProbability { get; init; }
    /// <summary>Probability, per datagram sent, that the network also injects a datagram of a rival who accepted the same invitation (only the inviter's link carries it).</summary>
    public double RivalProbability { get; init; }
    /// <summary>
    /// Probability, per datagram sent, that an insider who holds the session's header keys (a compromised transport,
    /// PAIRMLS.md "Fault model") also delivers a copy it opened, changed in one layer or field (<c>InsiderMutation</c>)
    /// and re-sealed: only MLS verification can stop it.
    /// </summary>
    public double InsiderProbability { get; init; }
    /// <summary>
    /// The insider alters each datagram it takes in every layer it can (every <c>InsiderMutation</c> that applies, not
    /// one drawn at random), and delivers each altered copy twice: 1 ms before the original (the receiver still misses
    /// the commit it staples) and 1 ms after it (the commit is known); it also reflects a copy whose proposal names the
    /// peer back to the sender (its own datagram, in an epoch it owns): the strongest insider, for a world that must meet
    /// every refusal of the receive pipeline.
    /// </summary>
    public bool InsiderEveryLayer { get; init; }

    public bool IsNone => this == None;

    /// <summary>Every setting, units in the names, for the options line (invariant culture, round-trip doubles).</summary>
    public string Describe() =>
        $"drop_probability={D(DropProbability)} duplicate_probability={D(DuplicateProbability)} duplicate_copies={DuplicateCopies} " +
        $"delay_min_ms={DelayMinMs} delay_mean_ms={D(DelayMeanMs)} reorder_probability={D(ReorderProbability)} reorder_extra_ms={ReorderExtraMs} " +
        $"corrupt_probability={D(CorruptProbability)} corrupt_bits={CorruptBits} replay_probability={D(ReplayProbability)} inject_probability={D(InjectProbability)}" +
        // Settings added later are named only when set, so older scenarios keep their options line (and trace hash).
        (DelayShape != DelayShape.Exponential ? $" delay_shape={DelayShape}" : "") +
        (RandomCounts ? " random_counts=true" : "") +
        (HoldProbability > 0 ? $" hold_probability={D(HoldProbability)} hold_ms={HoldMs} hold_order={HoldOrder}" : "") +
        (ForeignProbability > 0 ? $" foreign_probability={D(ForeignProbability)}" : "") +
        (RivalProbability > 0 ? $" rival_probability={D(RivalProbability)}" : "") +
        (InsiderProbability > 0 ? $" insider_probability={D(InsiderProbability)}" : "") +
        (InsiderEveryLayer ? " insider_every_layer=true" : "") +
        (ReplayWholeHistory ? " replay_whole_history=true" : "");

    internal static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A fault setting that applies on a link from <see cref="FromMs"/> (inclusive) to <see cref="ToMs"/> (exclusive).</summary>
public sealed record FaultWindow(long FromMs, long ToMs, LinkDirection Direction, LinkFaults Faults);

/// <summary>
/// The network's fault model for one world: a default per link, optional time windows that
/// override it, and partitions on a schedule. Party faults (crash, restore, offline) are script
/// operations, not network faults.
/// </summary>
public sealed record FaultProfile
{
    public static readonly FaultProfile None = new();

    public LinkFaults AliceToBob { get; init; } = LinkFaults.None;
    public LinkFaults BobToAlice { get; init; } = LinkFaults.None;
    public IReadOnlyList<FaultWindow> Windows { get; init; } = [];
    public IReadOnlyList<Partition> Partitions { get; init; } = [];

    /// <summary>Every setting, for the options line: both links, the windows and the partitions.</summary>
    public string Describe() =>
        $"alice_to_bob{{{AliceToBob.Describe()}}} bob_to_alice{{{BobToAlice.Describe()}}} " +
        $"windows[{string.Join(" ", Windows.Select(w => $"{{from_ms={w.FromMs} to_ms={w.ToMs} direction={w.Direction} {w.Faults.Describe()}}}"))}] " +
        $"partitions[{string.Join(" ", Partitions.Select(p => $"{{start_ms={p.StartMs} heal_ms={p.HealMs} direction={p.Direction}}}"))}]";

    /// <summary>The same faults both ways.</summary>
    public static FaultProfile Symmetric(LinkFaults faults) => new() { AliceToBob = faults, BobToAlice = faults };

    /// <summary>True if some setting (a link default or a window) may replay an old datagram: only then does the network need its memory.</summary>
    /// <summary>True if some setting may inject another session's or a rival acceptor's datagrams: only then does the world make them.</summary>
    public bool CanInjectForeign =>
        Links().Any(f => f.ForeignProbability > 0 || f.RivalProbability > 0);

    /// <summary>True if some setting may have the insider alter datagrams: only then does the world give the network header keys.</summary>
    public bool CanInsider => Links().Any(f => f.InsiderProbability > 0);

    private IEnumerable<LinkFaults> Links() => Windows.Select(w => w.Faults).Append(AliceToBob).Append(BobToAlice);

    /// <summary>True if some setting replays from the whole history: then the network remembers every datagram.</summary>
    public bool ReplaysWholeHistory => Links().Any(f => f.ReplayWholeHistory && f.ReplayProbability > 0);

    public bool CanReplay =>
        AliceToBob.ReplayProbability > 0 || BobToAlice.ReplayProbability > 0 || Windows.Any(w => w.Faults.ReplayProbability > 0);

    /// <summary>The faults in force on a link at a virtual time: the last window covering it, else the link default.</summary>
    public LinkFaults At(LinkDirection link, long nowMs)
    {
        for (int i = Windows.Count - 1; i >= 0; i--)
        {
            var w = Windows[i];
            if (nowMs >= w.FromMs && nowMs < w.ToMs && (w.Direction == LinkDirection.Both || w.Direction == link)) return w.Faults;
        }
        return link == LinkDirection.AliceToBob ? AliceToBob : BobToAlice;
    }

    /// <summary>True when a partition cuts this link at this time.</summary>
    /// <summary>True when a partition on this link was in force at some moment while a datagram sent at <paramref name="sentMs"/> was in flight until <paramref name="arriveMs"/>: it is cut.</summary>
    public bool CutsInFlight(LinkDirection link, long sentMs, long arriveMs) =>
        Partitions.Any(p => p.StartMs <= arriveMs && p.HealMs > sentMs && p.StartMs < p.HealMs && (p.Direction == LinkDirection.Both || p.Direction == link));

    public bool IsPartitioned(LinkDirection link, long nowMs) =>
        Partitions.Any(p => nowMs >= p.StartMs && nowMs < p.HealMs && (p.Direction == LinkDirection.Both || p.Direction == link));
}
