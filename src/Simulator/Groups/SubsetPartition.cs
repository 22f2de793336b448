namespace Sim.Simulator.Groups;

/// <summary>
/// A partition between the members in <see cref="Side"/> and those in <see cref="Other"/> (empty:
/// everyone else; the sequencer is named "ds"), from <see cref="StartMs"/> until it heals at
/// <see cref="HealMs"/>. Members in neither list (when <see cref="Other"/> is given) reach both sides.
/// </summary>
public sealed record SubsetPartition(long StartMs, long HealMs, IReadOnlyList<string> Side)
{
    public IReadOnlyList<string> Other { get; init; } = [];

    public bool Cuts(string a, string b, long nowMs)
    {
        if (nowMs < StartMs || nowMs >= HealMs) return false;
        if (Other.Count == 0) return Side.Contains(a) != Side.Contains(b);
        return (Side.Contains(a) && Other.Contains(b)) || (Other.Contains(a) && Side.Contains(b));
    }

    public override string ToString() =>
        $"{{start_ms={StartMs} heal_ms={HealMs} side={string.Join(",", Side)}{(Other.Count > 0 ? " other=" + string.Join(",", Other) : "")}}}";
}
