using Sim.Simulator.Agents;
using Sim.Simulator.Service;
using Sim.Simulator.Trace;

namespace Sim.Simulator;

/// <summary>What a world run produced: its trace (and hash), counts, and each party's final state in hashes.</summary>
public sealed record WorldResult(WorldOptions Options, TraceLog Trace, string TraceHash, WorldCounts Counts, PartySummary Alice, PartySummary Bob)
{
    /// <summary>Virtual time when the safety phase ended and the liveness phase began.</summary>
    public long SafetyPhaseEndMs { get; init; }
    /// <summary>Virtual time when the world ended.</summary>
    public long EndMs { get; init; }
    /// <summary>Round trips completed in the liveness phase.</summary>
    public int LivenessRoundTrips { get; init; }
    /// <summary>Sends made in the liveness phase.</summary>
    public int LivenessSends { get; init; }
    /// <summary>The state copies <see cref="WorldOptions.Captures"/> asked for, in the order asked.</summary>
    public IReadOnlyList<CapturedState> Captures { get; init; } = [];
    /// <summary>Every datagram sent, in order, when <see cref="WorldOptions.KeepDatagrams"/> (else empty).</summary>
    public IReadOnlyList<SentDatagram> Datagrams { get; init; } = [];
    /// <summary>What the delivery service read from each datagram that reached it (empty when the world has none).</summary>
    public IReadOnlyList<ServiceObservation> ServiceObservations { get; init; } = [];

    /// <summary>
    /// Both joined and agree on epoch, epoch authenticator, tree hash and group context, and each sees
    /// the other's own card version and agent (a quick look; the Convergence checker is the judge).
    /// </summary>
    public bool Converged =>
        Alice.Joined && Bob.Joined && Alice.Epoch == Bob.Epoch && Alice.EpochAuthHash == Bob.EpochAuthHash
        && Alice.TreeHash == Bob.TreeHash && Alice.GroupContextHash == Bob.GroupContextHash
        && Alice.PeerCardVersion == Bob.CardVersion && Alice.PeerAgent == Bob.Agent
        && Bob.PeerCardVersion == Alice.CardVersion && Bob.PeerAgent == Alice.Agent;

    /// <summary>The line that reproduces this world.</summary>
    public string ReplayLine => Options.Describe();

    public override string ToString() =>
        $"World(seed {Options.Seed}, {Counts}, end {EndMs} ms, converged {Converged}, trace {TraceHash[..16]})";
}
