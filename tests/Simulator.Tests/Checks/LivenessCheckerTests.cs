using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Liveness": after faults stop the parties converge within 2 round trips, else the verdict says why each is stuck.</summary>
public class LivenessCheckerTests
{
    private static readonly LivenessChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();

    [Fact]
    public void Converging_in_the_first_round_trip_passes()
    {
        var v = AssertPasses(Checker, Good);
        Assert.Contains("within 1 round trip", v.Detail);
    }

    [Fact]
    public void A_dead_conversation_fails_saying_why_each_party_is_stuck()
    {
        // Bob refuses alice's liveness datagram: no convergence, however the final states look.
        var outcome = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var trace = Replace<OutcomeEvent>(Good, outcome, e => e with { Result = "Rejected", Reason = "Invalid", PayloadId = null, Detail = "a PairMLS Commit covers only our own update proposals" });
        var v = AssertFailsAt(Checker, trace, trace.Count - 1);
        Assert.Contains("not converged", v.Detail);
        Assert.Contains("bob in epoch 6, last refused datagram", v.Detail);
        Assert.Contains("Rejected:Invalid (\"a PairMLS Commit covers only our own update proposals\")", v.Detail);
        Assert.Contains("alice in epoch 6, refused nothing", v.Detail);
    }

    [Fact]
    public void Converging_only_after_three_round_trips_fails()
    {
        // Two more exchanges before the one that converges: alice's first two liveness datagrams are refused.
        var liveness = Find(Good, e => e is PhaseEvent { Phase: PhaseEvent.Liveness });
        var trace = InsertAfter(Good, liveness,
            Send("bob", "x1", 5, 11), Deliver("alice", "x1"), Outcome("alice", "Rejected:BadSignature", null),
            Send("bob", "x2", 5, 12), Deliver("alice", "x2"), Outcome("alice", "Rejected:BadSignature", null));
        var v = AssertFailsAt(Checker, trace, Find(trace, e => e is EpochEvent { Party: "bob", Epoch: 6 }));
        Assert.Contains("only after 3 round trips", v.Detail);
    }

    [Fact]
    public void Exchanging_messages_but_ending_in_different_conversations_fails()
    {
        var bobFinal = Find(Good, e => e is StateEvent { Party: "bob", Epoch: 6 });
        var v = AssertFailsAt(Checker, Replace<StateEvent>(Good, bobFinal, e => e with { TreeHash = "t6-other" }), bobFinal);
        Assert.Contains("tree_hash differs", v.Detail);
    }

    [Fact]
    public void No_liveness_phase_fails()
    {
        var trace = Remove(Good, Find(Good, e => e is PhaseEvent { Phase: PhaseEvent.Liveness }));
        Assert.False(Checker.Check(trace, CheckContext.Default).Passed);
    }
}
