using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Convergence": the final State events after the liveness phase agree.</summary>
public class ConvergenceCheckerTests
{
    private static readonly ConvergenceChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    private static readonly int AliceFinal = Find(Good, e => e is StateEvent && e.Party == "alice" && e.Epoch == 6);
    private static readonly int BobFinal = Find(Good, e => e is StateEvent && e.Party == "bob" && e.Epoch == 6);

    [Fact]
    public void Same_epoch_hashes_and_cards_converge() => AssertPasses(Checker, Good);

    [Fact]
    public void A_different_tree_hash_fails_at_the_later_final_state()
    {
        var v = AssertFailsAt(Checker, Replace<StateEvent>(Good, AliceFinal, e => e with { TreeHash = "other" }), BobFinal);
        Assert.Contains("tree_hash", v.Detail);
    }

    [Theory]
    [InlineData("epoch")]
    [InlineData("epoch_auth")]
    [InlineData("gc_hash")]
    public void Any_differing_summary_fails(string field)
    {
        var bad = Replace<StateEvent>(Good, BobFinal, e => field switch
        {
            "epoch" => e with { Epoch = 7 },
            "epoch_auth" => e with { EpochAuth = "e6x" },
            _ => e with { GroupContextHash = "x6x" },
        });
        var v = AssertFailsAt(Checker, bad, BobFinal);
        Assert.Contains(field, v.Detail);
    }

    [Fact]
    public void A_stale_view_of_the_peers_card_fails()
    {
        var v = AssertFailsAt(Checker, Replace<StateEvent>(Good, BobFinal, e => e with { PeerCardVersion = 1 }), BobFinal);
        Assert.Contains("bob sees alice's card version 1, but alice is at 2", v.Detail);
    }

    [Fact]
    public void A_stale_view_of_the_peers_agent_fails()
    {
        var v = AssertFailsAt(Checker, Replace<StateEvent>(Good, AliceFinal, e => e with { PeerAgent = "b0" }), BobFinal);
        Assert.Contains("agent", v.Detail);
    }

    [Fact]
    public void Only_the_last_states_after_the_liveness_phase_count()
    {
        // A disagreeing State during the safety phase and an outdated one early in liveness do not matter.
        var safetyState = Find(Good, e => e is StateEvent && e.Party == "alice" && e.Epoch == 4);
        var trace = Replace<StateEvent>(Good, safetyState, e => e with { TreeHash = "diverged" });
        var liveness = Find(trace, e => e is PhaseEvent { Phase: "liveness" });
        trace = InsertAfter(trace, liveness, State("bob", 4, "old", "old", 0, 0, "old", "b0", "a0"));
        AssertPasses(Checker, trace);
    }

    [Fact]
    public void No_liveness_phase_fails_with_no_event()
    {
        var trace = Remove(Good, Find(Good, e => e is PhaseEvent { Phase: "liveness" }));
        var v = Checker.Check(trace, CheckContext.Default);
        Assert.False(v.Passed);
        Assert.Null(v.FirstViolation);
        Assert.Contains("liveness", v.Detail);
    }

    [Fact]
    public void A_missing_final_state_fails()
    {
        var v = Checker.Check(Remove(Good, AliceFinal), CheckContext.Default);
        Assert.False(v.Passed);
        Assert.Contains("alice", v.Detail);
    }

    [Fact]
    public void Agreeing_states_without_the_exchange_the_premise_needs_fail()
    {
        // Nobody Delivered a liveness message of the other: the states may agree, but "converged" cannot be claimed.
        var outcome = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var trace = Replace<OutcomeEvent>(Good, outcome, e => e with { Result = "Rejected", Reason = "BadSignature", PayloadId = null });
        var v = Checker.Check(trace, CheckContext.Default);
        Assert.False(v.Passed);
        Assert.Contains("premise not met", v.Detail);
    }
}
