using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "Resync", the OFFERING party (the one that was ahead and offered its epoch k):
/// rolled back again during recovery, to before its offer (same epoch k) or to before its own Commit
/// into k (it then commits k again: a fork of the very epoch the resync was built on); and rolled
/// over to a new agent after the copy the other party was restored from.
/// </summary>
public sealed partial class PairResyncTests
{
    /// <summary>Bob restored from before his commit of e forks it; Alice detects and offers k = e+1; Bob takes the offer (Resynced into k+1).</summary>
    private static (PairTestKit Kit, PairSession Alice, PairSession Bob, byte[] AliceBeforeCommit, byte[] AliceBeforeOffer, SendResult Offer) OfferTaken(ulong seed)
    {
        var kit = new PairTestKit(seed: seed).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var bobBackup = b.Save();
        Exchange(b, a, "bob commits e");
        var aliceBeforeCommit = a.Save();
        Exchange(a, b, "alice commits e+1");
        var bob = Restore(bobBackup, kit, "bob-restored");
        var aliceBeforeOffer = a.Save();
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        var offer = a.Send(Bytes("offer"));
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        return (kit, a, bob, aliceBeforeCommit, aliceBeforeOffer, offer);
    }

    [Fact]
    public void ASecondRollbackOfTheOfferingParty_ToBeforeItsOffer_StillTakesTheResyncCommit()
    {
        var (kit, a, bob, _, aliceBeforeOffer, offer) = OfferTaken(seed: 102);
        var k = a.Epoch;
        // Alice is restored to her state of k from before she saw the fork: no offer stands, yet Bob's resync Commit applies to it.
        var alice = Restore(aliceBeforeOffer, kit, "alice-restored");
        Assert.Null(alice.OfferingResyncUnder);
        Assert.Equal(k, alice.Epoch);
        var log = new Log();
        Assert.Equal(1, RoundsToConverge(bob, alice, 2, log, "after"));
        Assert.True(log.Outcomes[0].RecoveryCompleted, string.Join(", ", log.Outcomes));
        Exchange(alice, bob, "on");
        Exchange(bob, alice, "and on");
        AssertConverged(alice, bob);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
        NoneDeliveredAgain(bob, [offer]);
    }

    [Fact]
    public void ASecondRollbackOfTheOfferingParty_ToBeforeItsCommitIntoTheOfferedEpoch_IsDetectedAndRecovers()
    {
        foreach (bool resyncArrivedFirst in new[] { true, false })
        {
            var (kit, a, bob, aliceBeforeCommit, _, _) = OfferTaken(seed: resyncArrivedFirst ? 103UL : 104UL);
            ulong k = a.Epoch;
            var firstResync = bob.Send(Bytes("first resync"));
            if (resyncArrivedFirst) Assert.True(a.Receive(firstResync.Datagram).RecoveryCompleted);
            // Alice is restored to epoch k-1, before her Commit into k: her next datagram commits k again, differently.
            var alice = Restore(aliceBeforeCommit, kit, "alice-restored");
            Assert.Equal(k - 1, alice.Epoch);
            var log = new Log();
            int rounds = RoundsToConverge(alice, bob, 2, log, "again");
            Assert.InRange(rounds, 1, 2);
            // Bob, now the one ahead, detects Alice's second Commit for k; Alice rejoins Bob's conversation.
            Assert.Contains(log.Outcomes, o => o is RollbackDetected { Evidence: RollbackEvidence.Fork });
            Assert.Contains(log.Outcomes, o => o is Resynced);
            Exchange(alice, bob, "on");
            Exchange(bob, alice, "and on");
            AssertConverged(alice, bob);
            // Cards and agents kept; nothing delivered twice, nothing of Alice's abandoned k delivered to Bob again.
            Assert.Equal(a.MyView.AgentKey, alice.MyView.AgentKey);
            Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
            NoneDeliveredAgain(alice, [firstResync]);
        }
    }

    [Fact]
    public void TheOfferingPartyRolledOverAfterTheCopy_ItsOfferCarriesTheSuccession_AndTheRestoredPartyRejoins()
    {
        var kit = new PairTestKit(seed: 105).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var bobBackup = b.Save();
        Exchange(b, a, "bob commits e");
        Exchange(a, b, "alice asks for a new agent", rollOver: true);
        Exchange(b, a, "bob commits it");
        Exchange(a, b, "alice commits again");
        var bob = Restore(bobBackup, kit, "bob-restored");
        // Bob's copy knows an agent of Alice's that she has rolled over from: only the succession in her offer links the two.
        Assert.NotEqual(a.MyView.AgentKey, bob.PeerView.AgentKey);
        var log = new Log();
        Assert.InRange(RoundsToConverge(bob, a, 2, log, "x"), 1, 2);
        Assert.Contains(log.Outcomes, o => o is RollbackDetected { Evidence: RollbackEvidence.Fork });
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Assert.Equal(a.MyView.AgentKey, bob.PeerView.AgentKey);
        Assert.Equal(b.MyView.AgentKey, bob.MyView.AgentKey);
        Exchange(bob, a, "on");
        AssertConverged(a, bob);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
    }
}
