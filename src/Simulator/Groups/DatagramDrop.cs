using Sim.Engine.Multi;

namespace Sim.Simulator.Groups;

/// <summary>
/// A targeted fault, as data like every other: during the safety phase the network drops the first
/// <see cref="Count"/> datagrams from <see cref="From"/> ("*": any sender) to <see cref="To"/> whose kind
/// is <see cref="Kind"/> (a <see cref="MultiKind"/> name in lower case, as the trace writes it). Kind
/// "welcome" matches every datagram that carries a Welcome: a Welcome datagram, or a commit with the
/// Welcome inline (the sequencer's fan-out). A fixed world can so lose the one datagram a test is about
/// (the joiner's Welcome) without a seed search; what it dropped is a Fault event like a random drop.
/// </summary>
public sealed record DatagramDrop(string From, string To, string Kind, int Count = 1)
{
    public const string AnySender = "*";

    /// <summary>True when a datagram from <paramref name="from"/> to <paramref name="to"/> with these bytes is one this rule drops (before counting).</summary>
    public bool Matches(string from, string to, byte[] bytes)
    {
        if (to != To || (From != AnySender && from != From)) return false;
        if (!MultiDatagram.TryParse(bytes, out var d) || d is null) return false;
        if (Kind == "welcome") return d.Kind == MultiKind.Welcome || (d.Kind == MultiKind.Commit && d.Extra.Length > 0);
        return string.Equals(d.Kind.ToString(), Kind, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => $"{{from={From} to={To} kind={Kind} count={Count}}}";
}
