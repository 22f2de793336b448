using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Receiving": nothing is delivered twice.</summary>
public class ExactlyOnceCheckerTests
{
    private static readonly ExactlyOnceChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    private static readonly int Payload3 = Find(Good, e => e is OutcomeEvent { PayloadId: 3 });

    [Fact]
    public void Each_payload_delivered_once_passes() => AssertPasses(Checker, Good);

    [Fact]
    public void A_duplicate_reported_as_duplicate_passes() =>
        AssertPasses(Checker, InsertAfter(Good, Payload3, Fault("duplicate", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Duplicate", 5)));

    [Fact]
    public void A_payload_delivered_twice_to_one_party_fails_at_the_second()
    {
        var trace = InsertAfter(Good, Payload3, Fault("duplicate", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3));
        var v = AssertFailsAt(Checker, trace, Payload3 + 3);
        Assert.Contains($"at seq {Payload3} and at seq {Payload3 + 3}", v.Detail);
    }

    [Fact]
    public void A_crash_and_restart_does_not_excuse_a_second_delivery()
    {
        var trace = InsertAfter(Good, Payload3,
            new CrashEvent { Party = "alice", DownMs = 100 },
            new RestartEvent { Party = "alice", Epoch = 5 },
            Fault("duplicate", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3));
        AssertFailsAt(Checker, trace, Payload3 + 5);
    }

    [Fact]
    public void A_rollback_forgets_what_the_party_delivered()
    {
        var restore = new RestoreEvent { Party = "alice", Epoch = 4, Depth = 1 };
        AssertPasses(Checker, InsertAfter(Good, Payload3, restore, Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3)));
        // The other party's rollback does not.
        var trace = InsertAfter(Good, Payload3, restore with { Party = "bob" }, Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3));
        AssertFailsAt(Checker, trace, Payload3 + 3);
    }

    [Fact]
    public void The_same_payload_id_at_both_parties_is_not_a_repeat()
    {
        // Payload ids are keyed by receiver: bob receiving a payload id alice also received is fine.
        var trace = InsertAfter(Good, Payload3, Deliver("bob", "d9"), Outcome("bob", "Delivered", 5, 3));
        AssertPasses(Checker, trace);
    }
}
