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
        new(0, 0, TraceKind.Options) { Detail = "SEED=1 retention_window=0" },
        new(0, 0, TraceKind.Phase) { Detail = "safety" },
        new(0, 0, TraceKind.Joined) { Party = "bob", Epoch = 2, Detail = "welcome_epoch=2 role=acceptor" },
        new(0, 0, TraceKind.Send) { Party = "bob", Datagram = "d1", Epoch = 2, PayloadId = 1 },
        new(10, 0, TraceKind.Send) { Party = "bob", Datagram = "d2", Epoch = 2, PayloadId = 2 },
        new(20, 0, TraceKind.Send) { Party = "bob", Datagram = "d7", Epoch = 2, PayloadId = 7 },
        new(30, 0, TraceKind.Deliver) { Party = "alice", Peer = "bob", Datagram = "d2", Detail = "latency_ms=20" },
        new(30, 0, TraceKind.Joined) { Party = "alice", Epoch = 2, Detail = "welcome_epoch=2 role=inviter" },
        new(30, 0, TraceKind.Outcome) { Party = "alice", Datagram = "d2", Outcome = "Delivered", Epoch = 2, PayloadId = 2 },
        new(40, 0, TraceKind.Deliver) { Party = "alice", Peer = "bob", Datagram = "d1", Detail = "latency_ms=40" },
        new(40, 0, TraceKind.Outcome) { Party = "alice", Datagram = "d1", Outcome = "Delivered", Epoch = 2, PayloadId = 1 },
        new(50, 0, TraceKind.Epoch) { Party = "alice", Epoch = 3, Detail = "committer=alice" },
        new(50, 0, TraceKind.Send) { Party = "alice", Datagram = "d3", Epoch = 3, PayloadId = 3, Detail = "card_edit" },
        new(50, 0, TraceKind.Fault) { Party = "alice", Peer = "bob", Datagram = "d3", Fault = "drop" },
        new(60, 0, TraceKind.Send) { Party = "alice", Datagram = "d4", Epoch = 3, PayloadId = 4 },
        new(60, 0, TraceKind.Fault) { Party = "alice", Peer = "bob", Datagram = "d4", Fault = "duplicate", Detail = "deliver=d4 copies=1" },
        new(70, 0, TraceKind.Deliver) { Party = "bob", Peer = "alice", Datagram = "d4", Detail = "latency_ms=10" },
        new(70, 0, TraceKind.Epoch) { Party = "bob", Epoch = 3, Detail = "committer=alice" },
        new(70, 0, TraceKind.Outcome) { Party = "bob", Datagram = "d4", Outcome = "Delivered", Epoch = 3, PayloadId = 4 },
        new(75, 0, TraceKind.Deliver) { Party = "bob", Peer = "alice", Datagram = "d4", Detail = "latency_ms=15 via=duplicate" },
        new(75, 0, TraceKind.Outcome) { Party = "bob", Datagram = "d4", Outcome = "Duplicate", Epoch = 3 },
        new(80, 0, TraceKind.Deliver) { Party = "alice", Peer = "bob", Datagram = "d7", Detail = "latency_ms=60" },
        new(80, 0, TraceKind.Outcome) { Party = "alice", Datagram = "d7", Outcome = "Expired", Epoch = 2 },
        new(100, 0, TraceKind.Phase) { Detail = "liveness" },
        new(100, 0, TraceKind.Epoch) { Party = "bob", Epoch = 4, Detail = "committer=bob" },
        new(100, 0, TraceKind.Send) { Party = "bob", Datagram = "d5", Epoch = 4, PayloadId = 5 },
        new(110, 0, TraceKind.Deliver) { Party = "alice", Peer = "bob", Datagram = "d5", Detail = "latency_ms=10" },
        new(110, 0, TraceKind.Epoch) { Party = "alice", Epoch = 4, Detail = "committer=bob" },
        new(110, 0, TraceKind.Outcome) { Party = "alice", Datagram = "d5", Outcome = "Delivered", Epoch = 4, PayloadId = 5 },
        new(110, 0, TraceKind.Epoch) { Party = "alice", Epoch = 5, Detail = "committer=alice" },
        new(110, 0, TraceKind.Send) { Party = "alice", Datagram = "d6", Epoch = 5, PayloadId = 6 },
        new(120, 0, TraceKind.Deliver) { Party = "bob", Peer = "alice", Datagram = "d6", Detail = "latency_ms=10" },
        new(120, 0, TraceKind.Epoch) { Party = "bob", Epoch = 5, Detail = "committer=alice" },
        new(120, 0, TraceKind.Outcome) { Party = "bob", Datagram = "d6", Outcome = "Delivered", Epoch = 5, PayloadId = 6 },
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
