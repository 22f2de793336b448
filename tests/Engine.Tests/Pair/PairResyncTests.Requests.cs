using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "Loaded states ask" and "Resync": what a request from a loaded copy does at the
/// peer, found by <c>pairsim check --full-reach --cases 100 --seed 2</c>: a request sealed under an
/// older key than the standing offer's lowers the offer's seal (cases 63 and 73: restored twice, the
/// second time deeper), and a request in the epoch the peer has not committed out of yet makes it take
/// only the proposals of requests (case 87: its Commit took a proposal the copy never made).
/// </summary>
public sealed partial class PairResyncTests
{
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)3)]
    public void ASecondDeeperRestoreWhileThePeerOffers_LowersTheOffersSeal_AndTheCopyRejoinsWithinTwoRounds(ushort suite)
    {
        var kit = new PairTestKit(seed: 130, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var bobInW = b.Save();
        Exchange(a, b, "alice commits w+1");
        var bobBackup = b.Save();
        Exchange(b, a, "bob commits w+2");
        Exchange(a, b, "alice commits w+3");
        // Bob restored by save forks w+2: Alice offers under the key of w+2, which his first copy sealed with.
        var first = Restore(bobBackup, kit, "bob-first");
        Assert.Equal(RollbackEvidence.Fork, Assert.IsType<RollbackDetected>(a.Receive(first.Send(Bytes("fork")).Datagram)).Evidence);
        ulong firstSeal = a.OfferingResyncUnder!.Value;
        // Restored again, into w: that copy never held the key of w+2. Its request (dual-sealed in w) lowers the seal to w+1.
        var bob = Restore(bobInW, kit, "bob-second");
        Assert.IsNotType<Rejected>(a.Receive(bob.Send(Bytes("asks in w")).Datagram));
        Assert.Equal(a.WelcomeEpoch + 1, a.OfferingResyncUnder);
        Assert.True(a.OfferingResyncUnder < firstSeal);
        var log = new Log();
        Assert.InRange(RoundsToConverge(a, bob, 2, log, "after"), 1, 2);
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Exchange(a, bob, "on");
        Exchange(bob, a, "and on");
        AssertConverged(a, bob);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ARequestInTheEpochNotCommittedYet_MakesThePeerTakeOnlyTheCopysProposals_AndTheyConvergeInOneRound(bool inWelcomeEpoch)
    {
        var kit = new PairTestKit(seed: inWelcomeEpoch ? 131UL : 132UL).Joined();
        var (a, b) = (kit.A, kit.Bob);
        if (!inWelcomeEpoch)
        {
            Exchange(a, b, "alice commits w+1");
            Exchange(b, a, "bob commits w+2");
        }
        // Bob's copy holds the proposal of his first datagram of the epoch; after it he proposes a card edit (a new
        // proposal), and Alice gets only his third datagram: she caches the edit's proposal, which the copy never made.
        var copyState = b.Save();
        b.Send(Bytes("edit, lost"), new CardEdit("Bob 2"));
        Assert.IsType<Delivered>(a.Receive(b.Send(Bytes("third")).Datagram));
        var bob = Restore(copyState, kit, "bob-restored");
        Assert.True(bob.AskingForResync);
        // The copy's datagram (a new generation: no reuse evidence) asks; Alice has not committed out of the epoch.
        var asked = Assert.IsType<Delivered>(a.Receive(bob.Send(Bytes("asks")).Datagram));
        Assert.False(asked.RecoveryOffered);
        Assert.Null(a.OfferingResyncUnder);
        // Alice's Commit takes only the copy's proposal: the copy follows it, converged in one round.
        var commit = Assert.IsType<Delivered>(bob.Receive(a.Send(Bytes("commit")).Datagram));
        Assert.True(commit.StapleTaken);
        AssertConverged(a, bob);
        Assert.False(bob.AskingForResync);
        Exchange(bob, a, "on", new CardEdit("Bob 2 again"));
        Exchange(a, bob, "and on");
        AssertConverged(a, bob);
        Assert.Equal("Bob 2 again", a.PeerView.Card.DisplayName);
    }
}
