using System.Globalization;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Service;

/// <summary>What a malicious delivery service does to its victim's datagrams (PAIRMLS.md "Baselines").</summary>
public enum DsMalice
{
    /// <summary>Honest: orders commits, forwards everything.</summary>
    None,
    /// <summary>Silently drops every commit from the victim (what it can recognise as one), forwards the rest: the victim's key refresh never lands.</summary>
    WithholdCommits,
    /// <summary>Holds every commit from the victim for <see cref="DeliveryServicePolicy.DelayMs"/> before ordering it.</summary>
    DelayCommits,
    /// <summary>Drops all the victim's traffic.</summary>
    WithholdAll,
}

/// <summary>
/// How the delivery service behaves: its malice towards <see cref="Victim"/> from <see cref="FromMs"/>
/// on, and a window in which it is unreachable for everyone (datagrams to it are lost). Data, like a
/// fault profile: named in the Options line.
/// </summary>
public sealed record DeliveryServicePolicy
{
    public static readonly DeliveryServicePolicy Honest = new();

    public DsMalice Malice { get; init; } = DsMalice.None;
    public Party Victim { get; init; } = Party.Alice;
    public long FromMs { get; init; }
    public long DelayMs { get; init; }
    /// <summary>Unreachable from this time (inclusive) ...</summary>
    public long UnreachableFromMs { get; init; }
    /// <summary>... to this time (exclusive); equal: never unreachable.</summary>
    public long UnreachableToMs { get; init; }

    public bool IsHonest => Malice == DsMalice.None && UnreachableToMs <= UnreachableFromMs;

    public bool Unreachable(long nowMs) => nowMs >= UnreachableFromMs && nowMs < UnreachableToMs;

    /// <summary>True when malice applies to a datagram from <paramref name="from"/> at <paramref name="nowMs"/>.</summary>
    public bool Targets(Party from, long nowMs) => Malice != DsMalice.None && from == Victim && nowMs >= FromMs;

    public string Describe()
    {
        var parts = new List<string> { Malice switch
        {
            DsMalice.None => "honest",
            DsMalice.WithholdCommits => "withhold_commits",
            DsMalice.DelayCommits => "delay_commits",
            DsMalice.WithholdAll => "withhold_all",
            _ => Malice.ToString(),
        } };
        if (Malice != DsMalice.None) parts.Add($"victim={Victim.Name()} from_ms={I(FromMs)}");
        if (Malice == DsMalice.DelayCommits) parts.Add($"delay_ms={I(DelayMs)}");
        if (UnreachableToMs > UnreachableFromMs) parts.Add($"unreachable_ms={I(UnreachableFromMs)}..{I(UnreachableToMs)}");
        return string.Join(" ", parts);
    }

    public override string ToString() => Describe();

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
