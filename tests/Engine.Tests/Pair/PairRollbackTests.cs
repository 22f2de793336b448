using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md: rollbacks (a party restored from an older saved state) are detected by at
/// least one party, from authentic evidence only, and reported as an outcome; where the design
/// recovers with the operations PairMLS already has, the conversation converges afterwards.
/// </summary>
public sealed class PairRollbackTests
{
    [Fact]
    public void WithinAnEpoch_GenerationReuse_IsDetected_AndTheNextCommitLetsTheRolledBackPeerFollow()
    {
        var kit = new PairTestKit(seed: 81).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var first = a.Send(Bytes("a1"));
        var backup = first.State;
        // After the backup Alice edits her card: a proposal the restored Alice will not hold.
        var lost = a.Send(Bytes("a2 (lost)"), new CardEdit("Alice lost"));
        Assert.IsType<Delivered>(b.Receive(first.Datagram));
        Assert.IsType<Delivered>(b.Receive(lost.Datagram));
        Assert.Equal(2, b.PeerProposalsPending);

        // Alice is restored from the backup and sends again: generation 1 again, a new payload.
        var restored = Restore(backup, kit, "alice-restored");
        var reused = restored.Send(Bytes("a2' (after restore)"));
        var before = b.Save();
        var detected = Assert.IsType<RollbackDetected>(b.Receive(reused.Datagram));
        Assert.Equal(RollbackEvidence.GenerationReused, detected.Evidence);
        Assert.True(detected.StateChanged);
        Assert.Equal(0, b.PeerProposalsPending);
        Assert.NotEqual(before, b.Save());
        // A replay of a datagram Bob delivered is still only a Duplicate.
        Assert.IsType<Duplicate>(b.Receive(lost.Datagram));
        Assert.IsType<Duplicate>(b.Receive(first.Datagram));

        // Bob's next commit covers none of Alice's proposals of the epoch, so the restored Alice follows it.
        var reply = b.Send(Bytes("reply"));
        Assert.Equal("reply", Text(Assert.IsType<Delivered>(restored.Receive(reply.Datagram)).Payload));
        Exchange(restored, b, "back together");
        Exchange(b, restored, "indeed");
        AssertConverged(restored, b);
        Assert.Equal(AliceCard.DisplayName, b.PeerView.Card.DisplayName);
    }

    [Fact]
    public void IntoItsOwnEpoch_TheRolledBackPartyDetectsTheCommitItCannotFollow()
    {
        var kit = new PairTestKit(seed: 82).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var backup = a.Send(Bytes("a1")).State;
        var edit = a.Send(Bytes("a2"), new CardEdit("Alice 2"));
        Assert.IsType<Delivered>(b.Receive(edit.Datagram));
        // Bob's commit takes the edit, whose keys exist only in the lost state.
        var reply = b.Send(Bytes("taken"));
        var restored = Restore(backup, kit, "alice-restored");
        var detected = Assert.IsType<RollbackDetected>(restored.Receive(reply.Datagram));
        Assert.Equal(RollbackEvidence.UnknownOwnProposal, detected.Evidence);
        // The only change: from now on Alice asks Bob for a resync offer (PairResyncTests follows it to the end).
        Assert.True(detected.StateChanged);
        Assert.Equal(b.Epoch, restored.RequestingResyncFor);
        Assert.Equal(backup.Length + 8, restored.Save().Length);
        // The Alice who kept her state holds the proposal and follows the same commit.
        Assert.IsType<Delivered>(a.Receive(reply.Datagram));
    }

    [Fact]
    public void ACommitThatDoesNotVerify_IsNoEvidenceOfRollback()
    {
        // docs/RECOVERY.md "Unknown own proposal": only an authentic Commit counts; the check is a
        // yes-or-no (MessageProtection.IsAuthentic), and a forged one is refused with nothing changed.
        var kit = new PairTestKit(seed: 84).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var backup = a.Send(Bytes("a1")).State;
        Assert.IsType<Delivered>(b.Receive(a.Send(Bytes("a2"), new CardEdit("Alice 2")).Datagram));
        var reply = b.Send(Bytes("taken"));
        var restored = Restore(backup, kit, "alice-restored");
        var insider = PairInsider.Of(b);
        foreach (var mutation in new[] { InsiderMutation.CommitSignature, InsiderMutation.CommitMembershipTag })
        {
            var forged = insider.Mutate(reply.Datagram, mutation, new DeterministicRandomSource(85, mutation.ToString()))!;
            var before = restored.Save();
            Assert.Equal(RejectReason.BadSignature, Assert.IsType<Rejected>(restored.Receive(forged)).Reason);
            Assert.Equal(before, restored.Save());
        }
        Assert.Equal(RollbackEvidence.UnknownOwnProposal, Assert.IsType<RollbackDetected>(restored.Receive(reply.Datagram)).Evidence);
    }

    [Fact]
    public void AcrossEpochs_ASecondCommitForAnEpochIsAFork_DetectedByThePeer()
    {
        var kit = new PairTestKit(seed: 83).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var backup = b.Save();
        Exchange(b, a, "bob commits e");
        Exchange(a, b, "alice commits e+1");
        // Bob restored from before his commit of e commits e again, differently.
        var restored = Restore(backup, kit, "bob-restored");
        var fork = restored.Send(Bytes("second commit for e"));
        var outcome = Assert.IsType<RollbackDetected>(a.Receive(fork.Datagram));
        Assert.Equal(RollbackEvidence.Fork, outcome.Evidence);
        Assert.True(outcome.RecoveryOffered);
        Assert.Equal(1, a.ForksDetected);
    }

    [Fact]
    public void ASecondRollbackDuringRecovery_IsDetectedToo_AndTheLastRestoredStateFollows()
    {
        var kit = new PairTestKit(seed: 85).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var first = a.Send(Bytes("a1"));
        Assert.IsType<Delivered>(b.Receive(first.Datagram));
        Assert.IsType<Delivered>(b.Receive(a.Send(Bytes("a2"), new CardEdit("Alice lost")).Datagram));
        // First rollback: detected, proposals suspended.
        var once = Restore(first.State, kit, "once");
        Assert.IsType<RollbackDetected>(b.Receive(once.Send(Bytes("a2'"), new CardEdit("Alice once")).Datagram));
        Assert.IsType<Delivered>(b.Receive(once.Send(Bytes("a3'")).Datagram));
        // Second rollback, to the same backup, before Bob answered: detected again, nothing cached.
        var twice = Restore(first.State, kit, "twice");
        Assert.IsType<RollbackDetected>(b.Receive(twice.Send(Bytes("a2''")).Datagram));
        Assert.Equal(0, b.PeerProposalsPending);
        var reply = b.Send(Bytes("reply"));
        Assert.IsType<Delivered>(twice.Receive(reply.Datagram));
        Exchange(twice, b, "again");
        AssertConverged(twice, b);
    }

    [Fact]
    public void BothRolledBackToTheSamePoint_AreStillOneConversation()
    {
        var kit = new PairTestKit(seed: 86).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var (savedA, savedB) = (a.Save(), b.Save());
        Exchange(a, b, "forgotten by both");
        Exchange(b, a, "also forgotten");
        var (ra, rb) = (Restore(savedA, kit, "a"), Restore(savedB, kit, "b"));
        // Both forgot the same epochs: nothing is inconsistent, the conversation goes on from there.
        Exchange(ra, rb, "after restore");
        Exchange(rb, ra, "fine");
        AssertConverged(ra, rb);
    }

    [Fact]
    public void AReplayIsNeverTakenForARollback()
    {
        var kit = new PairTestKit(seed: 84).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var sends = Enumerable.Range(0, 5).Select(i => b.Send(Bytes("b" + i))).ToList();
        foreach (var s in sends) Assert.IsType<Delivered>(a.Receive(s.Datagram));
        foreach (var s in Enumerable.Reverse(sends)) Assert.IsType<Duplicate>(a.Receive(s.Datagram));
        // Tampering inside the seal (re-sealed with the header key, as an insider can) is never evidence either.
        foreach (var s in sends)
        {
            var body = a.Inspect(s.Datagram)!;
            var app = body.Application.PrivateMessage!;
            var ciphertext = (byte[])app.Ciphertext.Clone();
            ciphertext[^1] ^= 1;
            Assert.IsNotType<RollbackDetected>(a.Receive(Reseal(a, s.Epoch, body, app with { Ciphertext = ciphertext })));
        }
    }

    private static byte[] Reseal(PairSession receiver, ulong epoch, DatagramBody body, Sim.Engine.Framing.PrivateMessage app)
    {
        var message = body.Application with { PrivateMessage = app };
        return HeaderSeal.Seal(receiver.Suite, receiver.State.HeaderKeys[epoch], Sim.Engine.Codec.Tls.Serialize(message), new DeterministicRandomSource(3));
    }
}
