using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>docs/RECOVERY.md "Resync": a party's resync offers (the envelopes of its datagrams) agree with the outcomes that say it offers.</summary>
public class RecoveryOffersTests
{
    private static readonly RecoveryChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();
    // bob Delivers alice's d2 (epoch 4), then commits epoch 5 himself and sends d3; alice follows his Commit, commits 6, sends d4.
    private static readonly int BobSendsD3 = Find(Good, e => e is SendEvent { PayloadId: 3 });
    private static readonly int AliceGetsD3 = Find(Good, e => e is OutcomeEvent { Party: "alice", PayloadId: 3 });
    private static readonly int AliceSendsD4 = Find(Good, e => e is SendEvent { PayloadId: 4 });

    private static (TraceEvent At, string Why)? Disagreement(List<TraceEvent> trace) => RecoveryOffers.Disagreement(new TraceQuery(trace));

    /// <summary>Good, where bob (in alice's epoch 4, after her Commit) detects a reused generation and says he starts offering; then <paramref name="then"/> events.</summary>
    private static List<TraceEvent> BobDetects(params TraceEvent[] then)
    {
        int entered = Find(Good, e => e is IdentityEvent { Party: "bob" });
        return InsertAfter(Good, entered, [Deliver("bob", "d7"), Outcome("bob", "RollbackDetected:GenerationReused", 4) with { Offered = true }, .. then]);
    }

    private static int D3(List<TraceEvent> trace) => Find(trace, e => e is SendEvent { PayloadId: 3 });

    private static List<TraceEvent> Offered(List<TraceEvent> trace, int outcome) => Replace<OutcomeEvent>(trace, outcome, o => o with { Offered = true });

    private static List<TraceEvent> AnOffer(List<TraceEvent> trace, int send) => Replace<SendEvent>(trace, send, s => s with { Envelope = "offer" });

    [Fact]
    public void An_outcome_that_starts_an_offer_followed_by_offers_passes()
    {
        Assert.Null(Disagreement(Good));
        var trace = AnOffer(BobDetects(), D3(BobDetects()));
        Assert.Null(Disagreement(trace));
        AssertPasses(Checker, trace);
    }

    [Fact]
    public void An_outcome_that_says_it_offers_followed_by_an_ordinary_datagram_fails_at_it()
    {
        var v = AssertFailsAt(Checker, BobDetects(), D3(BobDetects()));
        Assert.Contains("said it offers a resync with every datagram, but its datagram d3", v.Detail);
    }

    [Fact]
    public void An_offer_no_outcome_started_fails_at_it()
    {
        var v = AssertFailsAt(Checker, AnOffer(Good, BobSendsD3), BobSendsD3);
        Assert.Contains("bob sent a resync offer d3", v.Detail);
    }

    [Fact]
    public void Starting_an_offer_while_offering_fails()
    {
        var offering = AnOffer(BobDetects(), D3(BobDetects()));
        int d3 = D3(offering);
        var again = InsertAfter(offering, d3, Deliver("bob", "d8"), Outcome("bob", "RollbackDetected:Fork", 5) with { Offered = true });
        Assert.Contains("offers one already", AssertFailsAt(Checker, again, d3 + 2).Detail);
        // After the peer's Commit (bob follows alice into epoch 6) he offers no more: a new offer may start.
        int follows = Find(offering, e => e is EpochEvent { Party: "bob", Epoch: 6 });
        Assert.Null(Disagreement(InsertAfter(offering, follows, Deliver("bob", "d8"), Outcome("bob", "RollbackDetected:Fork", 6) with { Offered = true })));
    }

    [Fact]
    public void Following_the_peer_ends_the_offer()
    {
        // alice says she offers, then enters bob's epoch 5 by his Commit: her next datagram is an ordinary one.
        Assert.Null(Disagreement(Offered(Good, AliceGetsD3)));
        Assert.NotNull(Disagreement(AnOffer(Offered(Good, AliceGetsD3), AliceSendsD4)));
        // A Resynced outcome ends it too.
        Assert.Null(Disagreement(BobDetects(Deliver("bob", "d8"), Outcome("bob", "Resynced", 5))));
    }

    [Fact]
    public void After_a_restore_or_a_restart_the_next_datagram_shows_what_the_loaded_state_does()
    {
        foreach (TraceEvent load in new TraceEvent[] { new RestoreEvent { Party = "bob", Epoch = 4, Depth = 1, SavesLost = 1 }, new RestartEvent { Party = "bob", Epoch = 4 } })
        {
            // Restored to before he offered: an ordinary datagram; or loaded a state that offers: an offer.
            Assert.Null(Disagreement(BobDetects(load)));
            int entered = Find(Good, e => e is IdentityEvent { Party: "bob" });
            var offers = AnOffer(InsertAfter(Good, entered, load), D3(InsertAfter(Good, entered, load)));
            Assert.Null(Disagreement(offers));
            // Once it showed it offers, an ordinary datagram without the peer's Commit in between is wrong again.
            var then = InsertAfter(offers, D3(offers), Send("bob", "d9", 5, 9));
            Assert.NotNull(Disagreement(then));
        }
    }
}
