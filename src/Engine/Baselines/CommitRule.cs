namespace Sim.Engine.Baselines;

/// <summary>Who decides which commit starts an epoch, in the two-member MLS baselines (PAIRMLS.md "Baselines").</summary>
public enum CommitRule
{
    /// <summary>
    /// Central delivery service: a party commits its own update whenever the last epoch was not
    /// started by itself and it has no commit in flight; the commit is pending until the server fans it
    /// back (accepted) or fans out the peer's commit for the same epoch (refused: it retries on the new one).
    /// </summary>
    DeliveryServiceOrders,

    /// <summary>
    /// Self-commit: PairMLS's epoch ownership (epoch e belongs to the party of e's parity), but a party
    /// starts its epochs by committing its own update instead of proposing it. A card edit can only be
    /// committed into an epoch the party owns, so an edit made while its own epoch is current waits
    /// for the peer's commit.
    /// </summary>
    OwnEpochsByParity,
}
