namespace Sim.Simulator.Trace;

/// <summary>
/// Party's epoch changed to Epoch: <see cref="CommitHash"/> is the hash of the commit that started
/// it, <see cref="Committer"/> the party whose leaf is that commit's MLS sender as the engine
/// processed it (null when the engine does not say: the acceptor's set-up epochs before w, a
/// Welcome), never derived from the ownership rule.
/// </summary>
public sealed record EpochEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Epoch;
    public string? CommitHash { get; init; }
    public string? Committer { get; init; }
}
