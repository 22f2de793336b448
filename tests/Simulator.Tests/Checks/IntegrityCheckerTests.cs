using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Integrity": a tampered, forged, replayed or cross-session datagram is never Delivered.</summary>
public class IntegrityCheckerTests
{
    private static readonly IntegrityChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    private static readonly int AfterPayload4 = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });

    [Fact]
    public void Unaltered_datagrams_from_the_peer_may_be_delivered() => AssertPasses(Checker, Good);

    [Theory]
    [InlineData("Rejected:BadSignature")]
    [InlineData("Rejected:NotForThisSession")]
    [InlineData("Rejected:Malformed")]
    public void A_corrupted_copy_that_is_refused_is_fine(string outcome) =>
        AssertPasses(Checker, InsertAfter(Good, AfterPayload4, Fault("corrupt", "d4", "bad4"), Deliver("bob", "bad4"), Outcome("bob", outcome, null)));

    [Fact]
    public void A_corrupted_copy_that_is_delivered_fails()
    {
        var trace = InsertAfter(Good, AfterPayload4, Fault("corrupt", "d4", "bad4"), Deliver("bob", "bad4"), Outcome("bob", "Delivered", 6, 4));
        var v = AssertFailsAt(Checker, trace, AfterPayload4 + 3);
        Assert.Contains("corrupt", v.Detail);
    }

    [Fact]
    public void An_injected_datagram_that_is_delivered_fails()
    {
        var trace = InsertAfter(Good, AfterPayload4, Fault("inject", null, "f00d"), Deliver("alice", "f00d"), Outcome("alice", "Delivered", 6, 99));
        AssertFailsAt(Checker, trace, AfterPayload4 + 3);
    }

    [Fact]
    public void Delivered_bytes_no_party_sent_fail_as_cross_session()
    {
        var trace = InsertAfter(Good, AfterPayload4, Deliver("alice", "0ther5e55"), Outcome("alice", "Delivered", 6, 7));
        var v = AssertFailsAt(Checker, trace, AfterPayload4 + 2);
        Assert.Contains("cross-session", v.Detail);
    }

    [Fact]
    public void A_party_delivering_its_own_datagram_fails()
    {
        var trace = InsertAfter(Good, AfterPayload4, Deliver("alice", "d4"), Outcome("alice", "Delivered", 6, 4));
        AssertFailsAt(Checker, trace, AfterPayload4 + 2);
    }

    [Fact]
    public void A_delivered_payload_other_than_the_one_sent_fails()
    {
        var outcome = Find(Good, e => e is OutcomeEvent { PayloadId: 3 });
        AssertFailsAt(Checker, Replace<OutcomeEvent>(Good, outcome, e => e with { PayloadId = 4 }), outcome);
    }

    [Theory]
    [InlineData("Duplicate")]
    [InlineData("Expired")]
    [InlineData("Rejected:UnknownEpoch")]
    public void A_replay_that_is_not_delivered_again_is_fine(string outcome) =>
        AssertPasses(Checker, InsertAfter(Good, AfterPayload4, Fault("replay", "d1", "d1"), Deliver("alice", "d1"), Outcome("alice", outcome, 3)));

    [Fact]
    public void A_replay_delivered_a_second_time_fails()
    {
        var trace = InsertAfter(Good, AfterPayload4, Fault("replay", "d1", "d1"), Deliver("alice", "d1"), Outcome("alice", "Delivered", 3, 1));
        var v = AssertFailsAt(Checker, trace, AfterPayload4 + 3);
        Assert.Contains("replayed", v.Detail);
    }

    [Fact]
    public void A_replay_that_overtakes_a_lost_original_may_deliver_it_once()
    {
        // The original d3 is dropped; a replay of it is the first copy to arrive: Delivered once is right.
        var deliver = Find(Good, e => e is DeliverEvent && e.Datagram == "d3");
        var trace = InsertAfter(Good, deliver - 1, Fault("drop", "d3", null), Fault("replay", "d3", "d3"));
        AssertPasses(Checker, trace);
    }

    [Fact]
    public void After_a_rollback_a_replay_may_be_delivered_again()
    {
        var restore = new RestoreEvent { Party = "alice", Epoch = 3, Depth = 4 };
        AssertPasses(Checker, InsertAfter(Good, AfterPayload4, restore, Fault("replay", "d1", "d1"), Deliver("alice", "d1"), Outcome("alice", "Delivered", 3, 1)));
    }

    [Fact]
    public void An_insider_copy_that_is_refused_is_fine() =>
        AssertPasses(Checker, InsertAfter(Good, AfterPayload4, Fault("insider", "d4", "ins4") with { Why = "CommitSignature" }, Deliver("bob", "ins4"), Outcome("bob", "Rejected:BadSignature", 6)));

    [Fact]
    public void An_insider_copy_that_is_delivered_fails_and_says_what_its_payload_was()
    {
        var send = Find(Good, e => e is SendEvent { PayloadId: 4 });
        var hashed = Replace<SendEvent>(Good, send, e => e with { PayloadHash = "p4" });
        var trace = InsertAfter(hashed, AfterPayload4, Fault("insider", "d4", "ins4") with { Why = "ApplicationCiphertext" }, Deliver("bob", "ins4"),
            Outcome("bob", "Delivered", 6, 4) with { PayloadHash = "forged" });
        var v = AssertFailsAt(Checker, trace, AfterPayload4 + 3);
        Assert.Contains("insider (ApplicationCiphertext)", v.Detail);
        Assert.Contains("payload bytes forged, not the original's p4", v.Detail);
    }

    [Fact]
    public void Delivered_payload_bytes_other_than_those_sent_fail()
    {
        // Same datagram id, same payload id, but the bytes delivered are not the bytes sent: judged from the hashes.
        var send = Find(Good, e => e is SendEvent { PayloadId: 3 });
        var outcome = Find(Good, e => e is OutcomeEvent { PayloadId: 3 });
        var hashed = Replace<SendEvent>(Good, send, e => e with { PayloadHash = "p3" });
        AssertPasses(Checker, Replace<OutcomeEvent>(hashed, outcome, e => e with { PayloadHash = "p3" }));
        var v = AssertFailsAt(Checker, Replace<OutcomeEvent>(hashed, outcome, e => e with { PayloadHash = "other" }), outcome);
        Assert.Contains("payload bytes other", v.Detail);
    }

    [Fact]
    public void A_refusal_that_altered_the_saved_state_fails()
    {
        var ok = InsertAfter(Good, AfterPayload4, Fault("insider", "d4", "ins4"), Deliver("bob", "ins4"), Outcome("bob", "Rejected:BadSignature", 6));
        AssertPasses(Checker, ok);
        var trace = Replace<OutcomeEvent>(ok, AfterPayload4 + 3, e => e with { StateAltered = true });
        Assert.Contains("not byte-identical", AssertFailsAt(Checker, trace, AfterPayload4 + 3).Detail);
    }

    // ---- the reason of an insider copy's refusal (InsiderRefusal): bob is in epoch 5 when d4's copies arrive
    // before d4 itself (he misses alice's Commit into 6), and in 6 once he took it.

    private static readonly int BobIn6 = Find(Good, e => e is EpochEvent { Party: "bob", Epoch: 6 });

    private static List<TraceEvent> Insider(int after, string mutation, string answer) =>
        InsertAfter(Good, after, Fault("insider", "d4", "ins4") with { Why = mutation }, Deliver("bob", "ins4"), Outcome("bob", answer, 6));

    [Theory]
    [InlineData("CommitProposals", "Rejected:BadSignature")]
    [InlineData("CommitSignature", "Rejected:BadSignature")]
    [InlineData("CommitSender", "Rejected:WrongParity")]
    [InlineData("ProposalSender", "Rejected:WrongParity")]
    [InlineData("ProposalEpoch", "Rejected:Malformed")]
    [InlineData("StapleKind", "Rejected:Malformed")]
    [InlineData("ApplicationCiphertext", "Duplicate")]
    [InlineData("SealEpoch", "Rejected:Malformed")]
    public void An_insider_copy_of_a_commit_the_receiver_misses_is_refused_for_its_layers_reason(string mutation, string answer) =>
        AssertPasses(Checker, Insider(AfterPayload4, mutation, answer));

    [Theory]
    [InlineData("CommitProposals", "RollbackDetected:UnknownOwnProposal", "Rejected:BadSignature")]
    [InlineData("CommitPath", "Rejected:Invalid", "Rejected:BadSignature")]
    [InlineData("CommitSender", "Rejected:BadSignature", "Rejected:WrongParity")]
    [InlineData("ProposalSender", "Rejected:BadSignature", "Rejected:WrongParity")]
    [InlineData("ApplicationEpoch", "Rejected:BadSignature", "Rejected:Malformed")]
    public void An_insider_copy_refused_for_another_reason_than_its_layers_fails(string mutation, string answer, string expected)
    {
        var v = AssertFailsAt(Checker, Insider(AfterPayload4, mutation, answer), AfterPayload4 + 3);
        Assert.Contains($"altered by {mutation}, with {answer}", v.Detail);
        Assert.Contains($"calls for {expected}", v.Detail);
    }

    [Theory]
    [InlineData("CommitSignature")]
    [InlineData("CommitSender")]
    [InlineData("CommitMembershipTag")]
    public void An_altered_copy_of_a_commit_the_receiver_holds_is_a_fork(string mutation)
    {
        AssertPasses(Checker, Insider(BobIn6, mutation, "Rejected:Fork"));
        var v = AssertFailsAt(Checker, Insider(BobIn6, mutation, "Rejected:BadSignature"), BobIn6 + 3);
        Assert.Contains("calls for Rejected:Fork", v.Detail);
        // A false detection is no refusal either.
        AssertFailsAt(Checker, Insider(BobIn6, mutation, "RollbackDetected:Fork"), BobIn6 + 3);
    }

    [Fact]
    public void After_a_rollback_the_reason_is_not_judged()
    {
        // A restored party may hold another branch's Commit of the epoch: a second one is then real evidence.
        var restored = InsertAfter(Good, AfterPayload4 - 3, new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 });
        var trace = InsertAfter(restored, AfterPayload4 + 1, Fault("insider", "d4", "ins4") with { Why = "CommitMembershipTag" }, Deliver("bob", "ins4"),
            Outcome("bob", "RollbackDetected:Fork", 6));
        AssertPasses(Checker, trace);
    }
}
