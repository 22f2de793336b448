namespace Sim.Simulator.Trace;

/// <summary>A party joined: Epoch is its first epoch; its welcome epoch w and role decide who owns which epoch (PAIRMLS.md "Steady state").</summary>
public sealed record JoinedEvent : TraceEvent
{
    public const string Inviter = "inviter";
    public const string Acceptor = "acceptor";

    public override TraceKind Kind => TraceKind.Joined;
    public ulong WelcomeEpoch { get; init; }
    /// <summary><see cref="Inviter"/> or <see cref="Acceptor"/>.</summary>
    public string Role { get; init; } = Inviter;
    public ulong? CardVersion { get; init; }
    public string? Agent { get; init; }
}
