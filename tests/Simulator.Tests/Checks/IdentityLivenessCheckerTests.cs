using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Liveness": every card edit is seen committed by the peer, with its latency.</summary>
public class IdentityLivenessCheckerTests
{
    private static readonly IdentityLivenessChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    private static readonly int Edit = Find(Good, e => e is SendEvent { CardVersion: 2 });
    private static readonly int Seen = Find(Good, e => e is IdentityEvent);
    private static readonly int BobFinal = Find(Good, e => e is StateEvent && e.Party == "bob" && e.Epoch == 6);

    [Fact]
    public void A_card_edit_seen_by_the_peer_passes_with_its_latency()
    {
        var v = AssertPasses(Checker, Good);
        var latency = Assert.Single(IdentityLivenessChecker.Latencies(new TraceQuery(Good)));
        Assert.Equal(Good[Seen], latency.SeenAt);
        Assert.Equal(Good[Seen].T - Good[Edit].T, latency.LatencyMs);
        Assert.Equal(50, latency.LatencyMs);
        Assert.Contains("latency max 50 ms", v.Detail);
    }

    [Fact]
    public void Seen_only_in_the_final_state_counts_from_that_state()
    {
        var trace = Remove(Good, Seen);
        AssertPasses(Checker, trace);
        var latency = Assert.Single(IdentityLivenessChecker.Latencies(new TraceQuery(trace)));
        Assert.Equal(TraceKind.State, latency.SeenAt!.Kind);
        Assert.Equal(latency.SeenAt.T - trace[Edit].T, latency.LatencyMs);
    }

    [Fact]
    public void A_card_edit_never_seen_fails_at_the_edit()
    {
        var trace = Replace<StateEvent>(Remove(Good, Seen), BobFinal - 1, e => e with { PeerCardVersion = 1 });
        var v = AssertFailsAt(Checker, trace, Edit);
        Assert.Contains("card version 2", v.Detail);
        Assert.Null(Assert.Single(IdentityLivenessChecker.Latencies(new TraceQuery(trace))).LatencyMs);
    }

    [Fact]
    public void An_older_card_version_seen_is_not_enough()
    {
        var trace = Replace<IdentityEvent>(Good, Seen, e => e with { CardVersion = 1 });
        trace = Replace<StateEvent>(trace, BobFinal, e => e with { PeerCardVersion = 1 });
        AssertFailsAt(Checker, trace, Edit);
    }

    [Fact]
    public void Seen_by_the_editor_itself_is_not_enough()
    {
        var trace = Replace(Good, Seen, e => e with { Party = "alice", Peer = "alice" });
        trace = Replace<StateEvent>(trace, BobFinal, e => e with { PeerCardVersion = 1 });
        AssertFailsAt(Checker, trace, Edit);
    }

    [Fact]
    public void No_edits_pass()
    {
        var trace = Replace<SendEvent>(Good, Edit, e => e with { CardEdit = false, CardVersion = null });
        Assert.Contains("no card edits", AssertPasses(Checker, trace).Detail);
    }
}
