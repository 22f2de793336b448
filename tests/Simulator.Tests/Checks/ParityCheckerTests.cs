using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>PAIRMLS.md "Parity": sends in own epochs, epochs started by their owner, epochs only grow.</summary>
public class ParityCheckerTests
{
    private static readonly ParityChecker Checker = new();
    private static readonly List<TraceEvent> Good = Clean();

    [Fact]
    public void A_clean_conversation_keeps_parity() => AssertPasses(Checker, Good);

    [Fact]
    public void A_send_in_the_peers_epoch_fails()
    {
        // alice sends payload 4 in epoch 5, which bob owns (welcome epoch 3: bob owns odd epochs).
        var send = Find(Good, e => e is SendEvent { PayloadId: 4 });
        var v = AssertFailsAt(Checker, Replace(Good, send, e => e with { Epoch = 5 }), send);
        Assert.Contains("which bob owns", v.Detail);
    }

    [Fact]
    public void A_payload_delivered_from_an_epoch_its_sender_does_not_own_fails()
    {
        // alice reports payload 3 from bob as being of epoch 4, which alice owns.
        var outcome = Find(Good, e => e is OutcomeEvent { PayloadId: 3 });
        var v = AssertFailsAt(Checker, Replace(Good, outcome, e => e with { Epoch = 4 }), outcome);
        Assert.Contains("which alice owns", v.Detail);
    }

    [Fact]
    public void An_epoch_started_by_the_wrong_committer_fails()
    {
        var epoch6 = Find(Good, e => e is EpochEvent && e.Party == "alice" && e.Epoch == 6);
        var v = AssertFailsAt(Checker, Replace<EpochEvent>(Good, epoch6, e => e with { Committer = "bob" }), epoch6);
        Assert.Contains("alice owns it", v.Detail);
    }

    [Fact]
    public void An_epoch_event_without_a_committer_fails()
    {
        var epoch5 = Find(Good, e => e is EpochEvent && e.Party == "bob" && e.Epoch == 5);
        AssertFailsAt(Checker, Replace<EpochEvent>(Good, epoch5, e => e with { Committer = null }), epoch5);
    }

    [Fact]
    public void An_epoch_going_back_fails()
    {
        var trace = InsertAfter(Good, Good.Count - 1, Epoch("alice", 5, "c5", "bob"));
        AssertFailsAt(Checker, trace, trace.Count - 1);
    }

    [Fact]
    public void An_epoch_going_back_after_a_restore_is_fine()
    {
        var restore = new RestoreEvent { Party = "alice", Epoch = 4, Depth = 2 };
        AssertPasses(Checker, InsertAfter(Good, Good.Count - 1, restore, Epoch("alice", 5, "c5", "bob")));
        // A restore of bob does not excuse alice.
        var trace = InsertAfter(Good, Good.Count - 1, restore with { Party = "bob" }, Epoch("alice", 5, "c5", "bob"));
        AssertFailsAt(Checker, trace, trace.Count - 1);
    }

    [Fact]
    public void With_an_even_welcome_epoch_the_acceptor_owns_even_epochs()
    {
        var s = new TraceScenario();
        s.Add(Joined("bob", 2, 2, JoinedEvent.Acceptor));
        s.Add(Send("bob", "d1", 2, 1));
        s.Add(Joined("alice", 2, 2, JoinedEvent.Inviter));
        s.Add(Epoch("alice", 3, "c3", "alice"));
        s.Add(Send("alice", "d2", 3, 2));
        AssertPasses(Checker, s.Events);
        var bad = s.Add(Send("alice", "d3", 4, 3));
        AssertFailsAt(Checker, s.Events, bad.Seq);
    }

    [Fact]
    public void Disagreeing_welcome_epochs_fail()
    {
        var aliceJoined = Find(Good, e => e is JoinedEvent && e.Party == "alice");
        AssertFailsAt(Checker, Replace<JoinedEvent>(Good, aliceJoined, e => e with { WelcomeEpoch = 5 }), aliceJoined);
    }
}
