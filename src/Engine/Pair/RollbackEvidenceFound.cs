namespace Sim.Engine.Pair;

/// <summary>Control flow of the receive pipeline: the datagram is evidence of a rollback (never escapes <see cref="PairReceiver"/>).</summary>
internal sealed class RollbackEvidenceFound(RollbackDetected outcome) : Exception(outcome.Detail)
{
    public RollbackDetected Outcome { get; } = outcome;
}
