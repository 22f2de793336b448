using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>
/// LivenessChecker's one exemption (docs/RECOVERY.md): a world stuck because a party was restored to
/// a state older than its own agent rollover is reported exempt, naming the restore and the rollover;
/// every other stuck rollback world still fails, including one with a rollover the restored party
/// made after the restore, and one where the peer rolled over after the copy (recoverable: the offer
/// carries the peer's succession links).
/// </summary>
public class LivenessExemptionTests
{
    private static readonly LivenessChecker Checker = new();

    private static IdentityEvent Rollover(string party, string whose, string agent, ulong epoch) =>
        Identity(party, whose, 1, agent) with { Epoch = epoch, Change = "agent" };

    /// <summary>
    /// Bob accepts (welcome 3); Alice joins and commits 4 rolling over from a1 to <paramref name="aliceFirstAgent"/>
    /// (null: no rollover, she keeps a1); Bob takes it; Alice is restored to her state of epoch 3 and commits 4
    /// again (to <paramref name="aliceForkAgent"/>: her copy makes a fresh agent); Bob sees a fork. The liveness
    /// phase does not converge: Bob's offer is refused, Alice's datagrams are Expired. <paramref name="bobLater"/>:
    /// events inserted before the final states (e.g. a rollover of Bob's).
    /// </summary>
    private static List<TraceEvent> StuckAfterRestore(string? aliceFirstAgent, string aliceForkAgent, string bobAgent = "b1", bool rolloverAskedAfterRestore = false,
        params TraceEvent[] bobLater)
    {
        string held = aliceFirstAgent ?? "a1";
        var s = new TraceScenario();
        s.Add(new OptionsEvent { Seed = "7", RetentionWindow = 2, Line = "SEED=7" }, 0);
        s.Add(Phase(PhaseEvent.Safety), 0);
        s.Add(Joined("bob", 3, 3, JoinedEvent.Acceptor) with { Agent = "b1" });
        s.Add(Send("bob", "d1", 3, 1));
        s.Add(Deliver("alice", "d1"), 50);
        s.Add(Outcome("alice", "Delivered", 3, 1), 0);
        s.Add(Joined("alice", 3, 3, JoinedEvent.Inviter) with { Agent = "a1" }, 0);
        s.Add(Epoch("alice", 4, "c4", "alice"));
        if (aliceFirstAgent is not null) s.Add(Rollover("alice", "alice", aliceFirstAgent, 4), 0);
        s.Add(Send("alice", "d2", 4, 2), 0);
        s.Add(Deliver("bob", "d2"), 50);
        s.Add(Outcome("bob", "Delivered", 4, 2), 0);
        s.Add(Epoch("bob", 4, "c4", "alice"), 0);
        if (aliceFirstAgent is not null) s.Add(Rollover("bob", "alice", aliceFirstAgent, 4), 0);
        s.Add(new RestoreEvent { Party = "alice", Epoch = 3, Depth = 1, SavesLost = 1 });
        s.Add(Epoch("alice", 4, "c4x", "alice"));
        if (aliceForkAgent != "a1") s.Add(Rollover("alice", "alice", aliceForkAgent, 4), 0);
        s.Add(Send("alice", "d5", 4, 5) with { RollOver = rolloverAskedAfterRestore }, 0);
        s.Add(Deliver("bob", "d5"), 50);
        s.Add(Outcome("bob", "RollbackDetected:Fork", 4), 0);
        foreach (var e in bobLater) s.Add(e);
        s.Add(State("alice", 4, "e4x", "t4x", 1, 1, "x4x", aliceForkAgent, "b1"));
        s.Add(State("bob", 4, "e4", "t4", 1, 1, "x4", bobAgent, held), 0);
        s.Add(Phase(PhaseEvent.Liveness), 0);
        s.Add(Epoch("bob", 5, "c5", "bob"));
        s.Add(Send("bob", "d3", 5, 3), 0);
        s.Add(Deliver("alice", "d3"), 50);
        s.Add(Outcome("alice", "Rejected:IdentityRejected", 5, detail: "restored from before an agent rollover, we need a new invitation"), 0);
        s.Add(Send("alice", "d4", 4, 4));
        s.Add(Deliver("bob", "d4"), 50);
        s.Add(Outcome("bob", "RollbackDetected:Fork", 4), 0);
        s.Add(State("alice", 4, "e4x", "t4x", 1, 1, "x4x", aliceForkAgent, "b1"));
        s.Add(State("bob", 5, "e5", "t5", 1, 1, "x5", bobAgent, held), 0);
        return s.Events;
    }

    [Fact]
    public void A_restore_to_before_the_partys_own_rollover_is_exempt_and_says_so()
    {
        var trace = StuckAfterRestore("a2", "a3");
        var v = Checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.True(v.Passed && v.Exempt, v.ToString());
        Assert.StartsWith("Liveness: exempt (", v.ToString());
        Assert.Contains("alice was restored", v.Detail);
        Assert.Contains("own agent rollover to a2", v.Detail);
        // Why each is stuck is still said.
        Assert.Contains("Rejected:IdentityRejected", v.Detail);
        Assert.Contains(TraceCoverage.RollbackPastAgentRollover, TraceCoverage.Of(new TraceQuery(trace)));
    }

    [Fact]
    public void A_stuck_rollback_world_without_a_rollover_still_fails()
    {
        // Planted: the same stuck world, but no agent ever changed: the exemption must not hide it.
        var trace = StuckAfterRestore(aliceFirstAgent: null, aliceForkAgent: "a1");
        var v = Checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.False(v.Passed, v.ToString());
        Assert.False(v.Exempt);
        Assert.Contains("not converged", v.Detail);
        Assert.DoesNotContain(TraceCoverage.RollbackPastAgentRollover, TraceCoverage.Of(new TraceQuery(trace)));
    }

    [Fact]
    public void A_rollover_made_after_the_restore_is_no_excuse()
    {
        // Alice, restored, rolls over to a2 herself and Bob takes it, yet they are stuck: a real failure (her copy holds a2).
        var trace = StuckAfterRestore(aliceFirstAgent: null, aliceForkAgent: "a1", rolloverAskedAfterRestore: true,
            bobLater: [Rollover("bob", "alice", "a2", 5)]);
        trace = Replace<StateEvent>(trace, trace.FindLastIndex(e => e is StateEvent { Party: "bob" }), b => b with { PeerAgent = "a2" });
        var v = Checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.False(v.Passed, v.ToString());
        Assert.Empty(RollbackPastRollover.In(new TraceQuery(trace)));
    }

    [Fact]
    public void A_restore_to_before_the_peers_rollover_is_no_excuse()
    {
        // No rollover of Alice's; Bob rolls over to b2 in epoch 5 after her copy of epoch 3: recoverable, so a stuck world fails.
        var trace = StuckAfterRestore(aliceFirstAgent: null, aliceForkAgent: "a1", bobAgent: "b2",
            bobLater: [Rollover("bob", "bob", "b2", 5)]);
        var v = Checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.False(v.Passed, v.ToString());
        Assert.Empty(RollbackPastRollover.In(new TraceQuery(trace)));
    }
}
