namespace Sim.Simulator.Trace;

/// <summary>
/// A party's state summary, hashes only, written at the end of each phase: whether it joined; when
/// joined its epoch, the hashes of its epoch authenticator, tree, group context and current commit,
/// its own card version and agent, what it sees of the peer, its desired card, whether an identity
/// change is pending; whether it is down or offline; how many datagrams it rejected as a fork.
/// </summary>
public sealed record StateEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.State;
    public bool Joined { get; init; }
    public string? EpochAuth { get; init; }
    public string? TreeHash { get; init; }
    public string? GroupContextHash { get; init; }
    public string? CommitHash { get; init; }
    public ulong? CardVersion { get; init; }
    public string? Agent { get; init; }
    public ulong? PeerCardVersion { get; init; }
    public string? PeerAgent { get; init; }
    public ulong? DesiredCardVersion { get; init; }
    public bool PendingIdentity { get; init; }
    public ulong? WelcomeEpoch { get; init; }
    public bool Down { get; init; }
    public bool Offline { get; init; }
    public int Forks { get; init; }
}
