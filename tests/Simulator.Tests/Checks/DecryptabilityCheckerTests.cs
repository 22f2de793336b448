using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Decryptability": unaltered datagrams inside the retention window are decrypted; with no faults, every payload is Delivered exactly once.</summary>
public class DecryptabilityCheckerTests
{
    private static readonly DecryptabilityChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    private static readonly int LastBobEpoch = Find(Good, e => e is EpochEvent && e.Party == "bob" && e.Epoch == 6);

    [Fact]
    public void A_clean_conversation_decrypts_every_payload_once()
    {
        var v = AssertPasses(Checker, Good);
        Assert.Contains("exactly once", v.Detail);
    }

    [Fact]
    public void An_unaltered_datagram_in_the_current_epoch_that_is_rejected_fails()
    {
        var outcome = Find(Good, e => e is OutcomeEvent { Party: "alice", PayloadId: 3 });
        var v = AssertFailsAt(Checker, Replace<OutcomeEvent>(Good, outcome, e => e with { Result = "Rejected", Reason = "BadSignature", PayloadId = null }), outcome);
        Assert.Contains("Rejected:BadSignature", v.Detail);
    }

    /// <summary>A late copy of d2 (epoch 4) reaches bob in epoch 6: 6 − 4 = 2.</summary>
    private static List<TraceEvent> LateCopy(int retention, string outcome) =>
        InsertAfter(Clean(retention), LastBobEpoch, Fault("delay", "d2", null), Deliver("bob", "d2"), Outcome("bob", outcome, 4, 2));

    [Fact]
    public void Expired_inside_the_window_fails()
    {
        var trace = LateCopy(2, "Expired");
        AssertFailsAt(Checker, trace, Find(trace, e => e is OutcomeEvent { Result: "Expired" }));
    }

    [Fact]
    public void Expired_outside_the_window_is_fine() => AssertPasses(Checker, LateCopy(1, "Expired"));

    [Fact]
    public void Duplicate_of_a_payload_already_delivered_is_fine() => AssertPasses(Checker, LateCopy(2, "Duplicate"));

    [Fact]
    public void Duplicate_of_a_payload_never_delivered_fails()
    {
        // The first copy of d3 is dropped; the second copy says Duplicate, which nothing justifies.
        var first = Find(Good, e => e is DeliverEvent && e.Datagram == "d3");
        var trace = Replace(Good, first, e => Fault("drop", "d3", null));
        trace = Replace(trace, first + 1, _ => Deliver("alice", "d3"));
        trace = InsertAfter(trace, first + 1, Outcome("alice", "Duplicate", 5));
        var v = AssertFailsAt(Checker, trace, first + 2);
        Assert.Contains("never Delivered", v.Detail);
    }

    [Fact]
    public void A_datagram_two_epochs_ahead_is_not_judged()
    {
        // alice is restored to her state of epoch 3, then a replayed copy of d3 (epoch 5) arrives:
        // two epochs ahead, Rejected:UnknownEpoch is fine. One epoch ahead would have to be Delivered.
        var end = Good.Count - 1;
        var restore = new RestoreEvent { Party = "alice", Epoch = 3, Depth = 3 };
        AssertPasses(Checker, InsertAfter(Good, end, restore, Fault("replay", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Rejected:UnknownEpoch", 5)));
        var oneAhead = InsertAfter(Good, end, restore with { Epoch = 4 }, Fault("replay", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Rejected:UnknownEpoch", 5));
        AssertFailsAt(Checker, oneAhead, oneAhead.Count - 1);
    }

    [Fact]
    public void A_corrupted_copy_may_be_rejected()
    {
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        AssertPasses(Checker, InsertAfter(Good, at, Fault("corrupt", "d4", "bad4"), Deliver("bob", "bad4"), Outcome("bob", "Rejected:NotForThisSession", null)));
    }

    [Fact]
    public void After_a_restore_that_names_no_epoch_receipts_are_not_judged_until_the_next_epoch()
    {
        var trace = InsertAfter(Good, LastBobEpoch, new RestoreEvent { Party = "bob", Depth = 2 },
            Deliver("bob", "d2"), Outcome("bob", "Rejected:UnknownEpoch", 4));
        AssertPasses(Checker, trace);
    }

    [Fact]
    public void Without_faults_a_payload_never_delivered_fails_at_its_send()
    {
        var deliver = Find(Good, e => e is DeliverEvent && e.Datagram == "d4");
        var trace = Remove(Good, deliver, deliver + 1);
        var v = AssertFailsAt(Checker, trace, Find(trace, e => e is SendEvent { PayloadId: 4 }));
        Assert.Contains("0 times", v.Detail);
    }

    [Fact]
    public void Without_faults_a_payload_delivered_twice_fails_at_the_second()
    {
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 3 });
        var trace = InsertAfter(Good, at, Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3));
        AssertFailsAt(Checker, trace, at + 2);
    }

    [Fact]
    public void The_window_comes_from_the_options_event()
    {
        Assert.Equal(1, CheckContext.FromTrace(Clean(1)).RetentionWindow);
        Assert.Equal("42", CheckContext.FromTrace(Clean(1)).Seed);
        Assert.Equal(CheckContext.DefaultRetentionWindow, CheckContext.FromTrace([]).RetentionWindow);
        Assert.Equal(5, CheckContext.From(new OptionsEvent { RetentionWindow = 5, OutOfOrderWindow = 7 }).RetentionWindow);
        Assert.Equal(7u, CheckContext.From(new OptionsEvent { OutOfOrderWindow = 7 }).OutOfOrderWindow);
    }
}
