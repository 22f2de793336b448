using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>The PairMLS variants of PAIRMLS.md "Baselines", as options on an ordinary <see cref="PairSession"/>.</summary>
public static class PairVariants
{
    /// <summary>
    /// The acceptor never commits the random empty commit of "Creating a conversation", step 2: w is
    /// always 1, so whoever owns the odd epochs is the acceptor, and an observer of the parity (an
    /// insider holding a header key sees the epoch) tells the inviter every time.
    /// </summary>
    public static PairOptions WithoutRandomEmptyCommit(this PairOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { SkipRandomEmptyCommit = true };
    }

    /// <summary>True for options made by <see cref="WithoutRandomEmptyCommit"/>.</summary>
    public static bool SkipsRandomEmptyCommit(this PairOptions options) => options.SkipRandomEmptyCommit;
}
