using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Fork freedom": never two different commits for one epoch.</summary>
public class ForkFreedomCheckerTests
{
    private static readonly ForkFreedomChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();

    [Fact]
    public void One_commit_per_epoch_across_both_parties_is_fork_free()
    {
        AssertPasses(Checker, Good);
        Assert.Null(new TraceQuery(Good).FirstForkedEpoch());
    }

    [Fact]
    public void Two_commits_for_one_epoch_fail_at_the_second()
    {
        // alice is rolled back to epoch 5 and commits epoch 6 again, with other bytes.
        var restore = new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 };
        var trace = InsertAfter(Good, Good.Count - 1, restore, Epoch("alice", 6, "c6-again", "alice"));
        var v = AssertFailsAt(Checker, trace, trace.Count - 1);
        Assert.Contains("second commit for epoch 6 and no party ever detected", v.Detail);
        Assert.Equal(6UL, new TraceQuery(trace).FirstForkedEpoch());
        // With no rollback before it, a second commit is a fork outright.
        var noRollback = InsertAfter(Good, Good.Count - 1, Epoch("alice", 6, "c6-again", "alice"));
        Assert.Contains("epoch 6 has two commits", AssertFailsAt(Checker, noRollback, noRollback.Count - 1).Detail);
    }

    [Fact]
    public void A_rollback_fork_that_the_peer_detects_passes()
    {
        var restore = new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 };
        var trace = InsertAfter(Good, Good.Count - 1, restore, Epoch("alice", 6, "c6-again", "alice"), Send("alice", "d9", 6, 9),
            Deliver("bob", "d9"), Outcome("bob", "Rejected:Fork", 6));
        Assert.Contains("detected", AssertPasses(Checker, trace).Detail);
    }

    [Fact]
    public void The_same_commit_seen_again_after_a_restore_is_no_fork()
    {
        var restore = new RestoreEvent { Party = "bob", Epoch = 5, Depth = 1 };
        AssertPasses(Checker, InsertAfter(Good, Good.Count - 1, restore, Epoch("bob", 6, "c6", "alice")));
    }

    [Fact]
    public void A_receiver_that_reports_a_fork_fails()
    {
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var trace = InsertAfter(Good, at, Deliver("bob", "d9"), Outcome("bob", "Rejected:Fork", 6));
        AssertFailsAt(Checker, trace, at + 2);
    }

    [Fact]
    public void A_fork_refusal_of_bytes_the_insider_altered_is_no_fork_and_no_detection()
    {
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var trace = InsertAfter(Good, at, Fault("insider", "d4", "ins4") with { Why = "CommitSignature" }, Deliver("bob", "ins4"), Outcome("bob", "Rejected:Fork", 6));
        trace = WithBobReporting(trace, 1);
        AssertPasses(Checker, trace);
        // It does not count as detecting a real rollback's fork either.
        var restore = new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 };
        var rollback = InsertAfter(trace, trace.Count - 1, restore, Epoch("alice", 6, "c6-again", "alice"));
        Assert.Contains("no party ever detected", AssertFailsAt(Checker, rollback, rollback.Count - 1).Detail);
    }

    [Fact]
    public void A_rollback_detected_from_bytes_the_insider_altered_with_no_rollback_fails()
    {
        // docs/RECOVERY.md "Detection": only authentic evidence counts; an insider's re-sealed copy carries none.
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        foreach (var name in new[] { "RollbackDetected:UnknownOwnProposal", "RollbackDetected:Fork", "Resynced" })
        {
            var trace = InsertAfter(Good, at, Fault("insider", "d4", "ins4") with { Why = "CommitProposals" }, Deliver("bob", "ins4"), Outcome("bob", name, 6));
            Assert.Contains("bytes the network altered", AssertFailsAt(Checker, trace, at + 3).Detail);
        }
    }

    /// <summary>The trace with bob's final State event reporting <paramref name="forks"/> forks detected.</summary>
    private static List<TraceEvent> WithBobReporting(List<TraceEvent> trace, int forks) =>
        Replace<StateEvent>(trace, Find(trace, e => e is StateEvent { Party: "bob", Epoch: 6 }), s => s with { Forks = forks });

    [Fact]
    public void The_forks_a_party_reports_are_its_fork_outcomes()
    {
        // PairSession.ForksDetected, as the State event carries it: one Rejected:Fork (of altered bytes) and one
        // RollbackDetected:Fork after a rollback, both counted; a count off by one either way fails at the State event.
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var trace = InsertAfter(Good, at, Fault("insider", "d4", "ins4") with { Why = "CommitSignature" }, Deliver("bob", "ins4"), Outcome("bob", "Rejected:Fork", 6),
            new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 }, Deliver("bob", "d8"), Outcome("bob", "RollbackDetected:Fork", 6));
        int state = Find(trace, e => e is StateEvent { Party: "bob", Epoch: 6 });
        AssertPasses(Checker, WithBobReporting(trace, 2));
        foreach (int wrong in new[] { 0, 1, 3, -1 })
            Assert.Contains($"bob reports {wrong} fork(s) detected, but 2", AssertFailsAt(Checker, WithBobReporting(trace, wrong), state).Detail);
        // alice's fork outcome is not bob's: she must report it, he must not.
        var alices = InsertAfter(Good, at, Fault("insider", "d4", "ins9") with { Why = "CommitSignature" }, Deliver("alice", "ins9"), Outcome("alice", "Rejected:Fork", 6));
        int aliceState = Find(alices, e => e is StateEvent { Party: "alice", Epoch: 6 });
        Assert.Contains("alice reports 0 fork(s) detected, but 1", AssertFailsAt(Checker, alices, aliceState).Detail);
    }
}

