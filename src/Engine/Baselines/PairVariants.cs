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

    /// <summary>
    /// Datagrams of epoch k sealed under the header key exported from epoch k (the newest epoch the
    /// sender holds) instead of k−1 (PAIRMLS.md "Framing", item 4). What it would buy: a holder of epoch
    /// k−1's secrets (a thief locked out of k) no longer reads k's headers. What it costs: the peer,
    /// still in k−1 until it takes the stapled commit, cannot open the datagram that carries that commit
    /// (Rejected: NotForThisSession), so no datagram of a new epoch ever reaches the one party that
    /// needs it and the epochs stop at the first change of speaker.
    /// </summary>
    public static PairOptions WithHeaderKeyFromNewestEpoch(this PairOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { HeaderKeyFromNewestEpoch = true };
    }

    /// <summary>True for options made by <see cref="WithHeaderKeyFromNewestEpoch"/>.</summary>
    public static bool SealsUnderNewestEpoch(this PairOptions options) => options.HeaderKeyFromNewestEpoch;

    /// <summary>True for options made by <see cref="WithoutRandomEmptyCommit"/>.</summary>
    public static bool SkipsRandomEmptyCommit(this PairOptions options) => options.SkipRandomEmptyCommit;
}
