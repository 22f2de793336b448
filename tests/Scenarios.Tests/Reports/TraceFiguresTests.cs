using Sim.Scenarios.Reports;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>
/// The figures the report reads from a trace, on a hand-written one: Bob's two first datagrams
/// arrive swapped, one of Alice's is dropped and another duplicated, one of Bob's arrives after Alice
/// moved on and is Expired; then faults stop and one exchange (Bob, then Alice) converges.
/// </summary>
public sealed class TraceFiguresTests
{
    private static readonly IReadOnlyList<TraceEvent> Trace = Build(
    [
        new OptionsEvent { T = 0, Seed = "1", RetentionWindow = 0, Line = "SEED=1 retention_window=0" },
        new PhaseEvent { T = 0, Phase = "safety" },
        new JoinedEvent { T = 0, Party = "bob", Epoch = 2, WelcomeEpoch = 2, Role = "acceptor" },
        new SendEvent { T = 0, Party = "bob", Datagram = "d1", Epoch = 2, PayloadId = 1 },
        new SendEvent { T = 10, Party = "bob", Datagram = "d2", Epoch = 2, PayloadId = 2 },
        new SendEvent { T = 20, Party = "bob", Datagram = "d7", Epoch = 2, PayloadId = 7 },
        new DeliverEvent { T = 30, Party = "alice", Peer = "bob", Datagram = "d2", LatencyMs = 20 },
        new JoinedEvent { T = 30, Party = "alice", Epoch = 2, WelcomeEpoch = 2, Role = "inviter" },
        new OutcomeEvent { T = 30, Party = "alice", Datagram = "d2", Result = "Delivered", Epoch = 2, PayloadId = 2 },
        new DeliverEvent { T = 40, Party = "alice", Peer = "bob", Datagram = "d1", LatencyMs = 40 },
        new OutcomeEvent { T = 40, Party = "alice", Datagram = "d1", Result = "Delivered", Epoch = 2, PayloadId = 1 },
        new EpochEvent { T = 50, Party = "alice", Epoch = 3, Committer = "alice" },
        new SendEvent { T = 50, Party = "alice", Datagram = "d3", Epoch = 3, PayloadId = 3, CardEdit = true },
        new FaultEvent { T = 50, Party = "alice", Peer = "bob", Datagram = "d3", Fault = "drop" },
        new SendEvent { T = 60, Party = "alice", Datagram = "d4", Epoch = 3, PayloadId = 4 },
        new FaultEvent { T = 60, Party = "alice", Peer = "bob", Datagram = "d4", Fault = "duplicate", DeliverId = "d4", Copies = 1 },
        new DeliverEvent { T = 70, Party = "bob", Peer = "alice", Datagram = "d4", LatencyMs = 10 },
        new EpochEvent { T = 70, Party = "bob", Epoch = 3, Committer = "alice" },
        new OutcomeEvent { T = 70, Party = "bob", Datagram = "d4", Result = "Delivered", Epoch = 3, PayloadId = 4 },
        new DeliverEvent { T = 75, Party = "bob", Peer = "alice", Datagram = "d4", LatencyMs = 15, Via = "duplicate" },
        new OutcomeEvent { T = 75, Party = "bob", Datagram = "d4", Result = "Duplicate", Epoch = 3 },
        new DeliverEvent { T = 80, Party = "alice", Peer = "bob", Datagram = "d7", LatencyMs = 60 },
        new OutcomeEvent { T = 80, Party = "alice", Datagram = "d7", Result = "Expired", Epoch = 2 },
        new PhaseEvent { T = 100, Phase = "liveness" },
        new EpochEvent { T = 100, Party = "bob", Epoch = 4, Committer = "bob" },
        new SendEvent { T = 100, Party = "bob", Datagram = "d5", Epoch = 4, PayloadId = 5 },
        new DeliverEvent { T = 110, Party = "alice", Peer = "bob", Datagram = "d5", LatencyMs = 10 },
        new EpochEvent { T = 110, Party = "alice", Epoch = 4, Committer = "bob" },
        new OutcomeEvent { T = 110, Party = "alice", Datagram = "d5", Result = "Delivered", Epoch = 4, PayloadId = 5 },
        new EpochEvent { T = 110, Party = "alice", Epoch = 5, Committer = "alice" },
        new SendEvent { T = 110, Party = "alice", Datagram = "d6", Epoch = 5, PayloadId = 6 },
        new DeliverEvent { T = 120, Party = "bob", Peer = "alice", Datagram = "d6", LatencyMs = 10 },
        new EpochEvent { T = 120, Party = "bob", Epoch = 5, Committer = "alice" },
        new OutcomeEvent { T = 120, Party = "bob", Datagram = "d6", Result = "Delivered", Epoch = 5, PayloadId = 6 },
    ]);

    [Fact]
    public void ConvergenceCountsFromFaultsStoppingToBothInOneEpochHavingHeardEachOther()
    {
        var (ms, trips) = WorldMetrics.Convergence(Trace);
        Assert.Equal(20, ms);
        Assert.Equal(1, trips);
    }

    [Fact]
    public void ConvergenceIsNullWhenThePartiesNeverAgree() =>
        Assert.Equal((null, null), WorldMetrics.Convergence(Trace.Take(Trace.Count - 2).ToList()));

    [Fact]
    public void RecoveryAfterAHealCountsOnlyMessagesSentAfterIt()
    {
        var trace = new TraceQuery(Trace);
        // From 0: alice Delivered bob's d2 at 30, bob alice's d4 at 70, both in epoch 3 then: converged under faults.
        var fromStart = trace.ConvergenceAfter(0);
        Assert.Equal((70L, 70L), (fromStart!.At.T, fromStart.Ms));
        Assert.True(fromStart.At.Seq < trace.LivenessStart!.Seq);
        // From 45 (a heal): bob's d1, d2 and d7 were sent before it and do not count; alice first hears bob's d5 at 110, in the liveness phase.
        var fromHeal = trace.ConvergenceAfter(45);
        Assert.Equal((110L, 65L), (fromHeal!.At.T, fromHeal.Ms));
        Assert.True(fromHeal.At.Seq > trace.LivenessStart!.Seq);
        // From the liveness phase it is the checkers' convergence, the same definition.
        Assert.Equal(trace.Convergence(), trace.Convergence(trace.LivenessIndex));
        Assert.Null(trace.ConvergenceAfter(111)); // after 111 alice hears nothing more
    }

    [Fact]
    public void QuartilesInterpolateBetweenWorlds()
    {
        var f = FiveNumbers.Of([40, 10, 30, 20])!;
        Assert.Equal((10.0, 17.5, 25.0, 32.5, 40.0, 4), (f.Min, f.Q1, f.Median, f.Q3, f.Max, f.Count));
        Assert.Null(FiveNumbers.Of([]));
        Assert.Equal(7.0, FiveNumbers.Of([7])!.Q3);
    }

    [Fact]
    public void DecryptabilityCountsArrivedHonestDatagramsOfTheFaultyPhaseOnce()
    {
        // d1, d2, d4 (twice: counted once) decrypted; d7 arrived Expired; d3 never arrived; d5, d6 are after faults stopped.
        Assert.Equal((4, 3), WorldMetrics.Decryptability(Trace));
    }

    [Fact]
    public void FlightsAreClassifiedByWhatTheNetworkDid()
    {
        var flights = DatagramFlight.Of(Trace);
        Assert.Equal(
            [("d2", FlightKind.InOrder), ("d1", FlightKind.Reordered), ("d3", FlightKind.Lost), ("d4", FlightKind.InOrder),
             ("d4", FlightKind.DuplicateCopy), ("d7", FlightKind.InOrder), ("d5", FlightKind.InOrder), ("d6", FlightKind.InOrder)],
            flights.Select(f => (f.Datagram, f.Kind)).ToList());
        Assert.Equal("Expired", flights.Single(f => f.Datagram == "d7").Outcome);
        Assert.True(flights.Single(f => f.Datagram == "d3").CardEdit);
        Assert.Null(flights.Single(f => f.Datagram == "d3").ArrivedMs);
        var d1 = flights.Single(f => f.Datagram == "d1");
        Assert.Equal(("bob", "alice", 0L, (long?)40L), (d1.From, d1.To, d1.SentMs, d1.ArrivedMs));
    }

    [Fact]
    public void EpochLagIsTheDistanceBetweenTheParties()
    {
        var series = EpochSeries.From(Trace);
        Assert.Equal([new(0, 2), new(70, 3), new(100, 4), new(120, 5)], series.Bob);
        Assert.Equal([new(30, 2), new(50, 3), new(110, 5)], series.Alice); // two changes at one instant: the last one
        Assert.Equal([new(30, 0), new(50, 1), new(70, 0), new(100, 1), new(120, 0)], series.Lag());
    }

    private static List<TraceEvent> Build(IReadOnlyList<TraceEvent> events) => events.Select((e, i) => e with { Seq = i }).ToList();
}
