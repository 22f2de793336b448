namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS update kinds, by rank (PAIRMLS.md "Identity layer"): an identity update (new card)
/// outranks an agent update (new agent, with succession), which outranks a leaf update (fresh HPKE
/// key only). The numeric value is the rank; see <see cref="UpdateKindExtensions.Rank"/>.
/// An update with both a new card and a new agent is an <see cref="Identity"/> update.
/// </summary>
public enum UpdateKind
{
    Leaf = 0,
    Agent = 1,
    Identity = 2,
}

public static class UpdateKindExtensions
{
    /// <summary>The rank of <paramref name="kind"/>: higher wins.</summary>
    public static int Rank(this UpdateKind kind) => kind switch
    {
        UpdateKind.Leaf => 0,
        UpdateKind.Agent => 1,
        UpdateKind.Identity => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown update kind"),
    };
}
