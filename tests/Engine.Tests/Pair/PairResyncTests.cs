using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "Resync by external Commit": after a rollback that left one party on an
/// abandoned branch, the party that is ahead offers its epoch and the one behind rejoins by external
/// Commit (RFC 9420 §12.4.3.2). For each case: who detects it and how (the outcome), convergence
/// within the stated bound of rounds (each side sends once per round) after faults stop, nothing
/// of the abandoned branch Delivered afterwards, nothing Delivered twice, cards and agents kept,
/// and the messages lost counted. Every suite where it is cheap.
/// </summary>
public sealed partial class PairResyncTests
{
    public static TheoryData<ushort> Suites => [1, 2, 3, 4, 5, 6, 7];

    /// <summary>
    /// The common rollback across epochs: after one exchange Bob saves, commits e, Alice commits e+1, and Bob is
    /// restored (as <paramref name="restoredAs"/>) from the save made before his commit of e.
    /// </summary>
    private static (PairTestKit Kit, PairSession Alice, PairSession Bob, byte[] Backup, PairSession Restored) BobRestoredFromBeforeHisCommit(ulong seed, string restoredAs)
    {
        var kit = new PairTestKit(seed: seed).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var backup = b.Save();
        Exchange(b, a, "bob commits e");
        Exchange(a, b, "alice commits e+1");
        return (kit, a, b, backup, Restore(backup, kit, restoredAs));
    }

    /// <summary>What a round of the recovery did: every outcome, and every payload delivered (by text).</summary>
    private sealed class Log
    {
        public List<ReceiveOutcome> Outcomes { get; } = [];
        public List<string> Delivered { get; } = [];
        public List<SendResult> Sent { get; } = [];
        public int Lost => Outcomes.Count(o => o is not Sim.Engine.Pair.Delivered);

        public ReceiveOutcome Deliver(PairSession to, SendResult sent)
        {
            var outcome = to.Receive(sent.Datagram);
            Outcomes.Add(outcome);
            if (outcome is Delivered d) Delivered.Add(Text(d.Payload));
            return outcome;
        }
    }

    /// <summary>
    /// Rounds in which <paramref name="first"/> then <paramref name="second"/> each send one datagram
    /// that the other receives, until both are converged; returns how many rounds it took (or fails after <paramref name="bound"/>).
    /// </summary>
    private static int RoundsToConverge(PairSession first, PairSession second, int bound, Log log, string tag)
    {
        for (int round = 1; round <= bound; round++)
        {
            var a = first.Send(Bytes($"{tag} round {round} first"));
            log.Sent.Add(a);
            log.Deliver(second, a);
            if (Converged(first, second)) return round;
            var b = second.Send(Bytes($"{tag} round {round} second"));
            log.Sent.Add(b);
            log.Deliver(first, b);
            if (Converged(first, second)) return round;
        }
        Assert.Fail($"not converged within {bound} rounds: {first} / {second}; outcomes {string.Join(", ", log.Outcomes)}");
        return -1;
    }

    private static bool Converged(PairSession a, PairSession b) =>
        a.Epoch == b.Epoch && a.EpochAuthenticator.AsSpan().SequenceEqual(b.EpochAuthenticator) && a.MyView == b.PeerView && a.PeerView == b.MyView;

    /// <summary>Every datagram of <paramref name="sent"/>, replayed to <paramref name="to"/>: none is Delivered again.</summary>
    private static void NoneDeliveredAgain(PairSession to, IEnumerable<SendResult> sent)
    {
        foreach (var s in sent) Assert.IsNotType<Delivered>(to.Receive(s.Datagram));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void AcrossEpochs_TheForkIsDetectedByThePeer_AndTheRolledBackPartyRejoinsWithinTwoRounds(ushort suite)
    {
        var kit = new PairTestKit(seed: 91, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start", new CardEdit("Alice 2"));
        var backup = b.Save();
        var abandoned = new List<SendResult> { b.Send(Bytes("bob commits e")) };
        Assert.IsType<Delivered>(a.Receive(abandoned[0].Datagram));
        Exchange(a, b, "alice commits e+1");

        // Bob restored from before his commit of e commits e again, differently: Alice detects the fork.
        var bob = Restore(backup, kit, "bob-restored");
        var fork = bob.Send(Bytes("second commit for e"));
        var detected = Assert.IsType<RollbackDetected>(a.Receive(fork.Datagram));
        Assert.Equal(RollbackEvidence.Fork, detected.Evidence);
        Assert.True(detected.RecoveryOffered && detected.StateChanged);
        Assert.Equal(1, a.ForksDetected);
        Assert.NotNull(a.OfferingResyncUnder);

        // Alice's next datagram offers her epoch; Bob cannot follow it and rejoins.
        var offer = a.Send(Bytes("offer"));
        var resynced = Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        Assert.Equal(a.Epoch + 1, resynced.Epoch);
        Assert.Equal(a.Epoch + 1, bob.Epoch);
        // Bob's next datagram staples the external Commit: Alice takes it and the two are one conversation again.
        var back = bob.Send(Bytes("back"));
        var completed = Assert.IsType<Delivered>(a.Receive(back.Datagram));
        Assert.True(completed.RecoveryCompleted && completed.StapleTaken);
        Assert.Equal(bob.OwnLeaf, completed.CommitSender);
        Assert.Null(a.OfferingResyncUnder);
        AssertConverged(a, bob);
        Exchange(a, bob, "after");
        Exchange(bob, a, "and again");
        AssertConverged(a, bob);
        // Cards and agents kept: Bob still knows Alice's edit, and each keeps its agent.
        Assert.Equal("Alice 2", bob.PeerView.Card.DisplayName);
        Assert.Equal(b.MyView.AgentKey, bob.MyView.AgentKey);
        // Lost: Bob's fork datagram (at Alice) and Alice's offer payload (at Bob). Nothing of the abandoned branch again.
        NoneDeliveredAgain(a, [fork, .. abandoned]);
        NoneDeliveredAgain(bob, [offer]);
    }

    [Fact]
    public void AcrossEpochs_ConvergesWithinTwoRounds_WhicheverSideSendsFirst()
    {
        foreach (bool bobFirst in new[] { false, true })
        {
            var kit = new PairTestKit(seed: 92).Joined();
            var (a, b) = (kit.A, kit.Bob);
            Exchange(a, b, "start");
            var backup = b.Save();
            Exchange(b, a, "bob commits e");
            Exchange(a, b, "alice commits e+1");
            var bob = Restore(backup, kit, "bob-restored");
            var log = new Log();
            int rounds = bobFirst ? RoundsToConverge(bob, a, 2, log, "x") : RoundsToConverge(a, bob, 2, log, "x");
            Assert.InRange(rounds, 1, 2);
            Assert.Contains(log.Outcomes, o => o is RollbackDetected { Evidence: RollbackEvidence.Fork });
            Assert.Contains(log.Outcomes, o => o is Resynced);
            Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
            Assert.InRange(log.Lost, 1, 3);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void IntoItsOwnEpoch_TheRolledBackPartyDetects_AsksForAnOffer_AndKeepsItsLostCard(ushort suite)
    {
        var kit = new PairTestKit(seed: 93, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var backup = a.Send(Bytes("a1")).State;
        var edit = a.Send(Bytes("a2"), new CardEdit("Alice 2"));
        Assert.IsType<Delivered>(b.Receive(edit.Datagram));
        // Bob's commit takes the edit, whose keys exist only in the lost state.
        var reply = b.Send(Bytes("taken"));
        Assert.Equal("Alice 2", b.PeerView.Card.DisplayName);
        var alice = Restore(backup, kit, "alice-restored");
        var detected = Assert.IsType<RollbackDetected>(alice.Receive(reply.Datagram));
        Assert.Equal(RollbackEvidence.UnknownOwnProposal, detected.Evidence);
        Assert.True(detected.StateChanged);
        Assert.Equal(b.Epoch, alice.RequestingResyncFor);
        // Detected again (a replay) changes nothing more.
        var before = alice.Save();
        Assert.IsType<RollbackDetected>(alice.Receive(reply.Datagram));
        Assert.Equal(before, alice.Save());

        var log = new Log();
        int rounds = RoundsToConverge(alice, b, 2, log, "own");
        Assert.InRange(rounds, 1, 2);
        Assert.Contains(log.Outcomes, o => o.RecoveryOffered);
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Assert.Contains(log.Outcomes, o => o.RecoveryCompleted);
        // The card Alice lost is hers again (Bob committed it, signed by her agent).
        Assert.Equal("Alice 2", alice.MyView.Card.DisplayName);
        Assert.Equal("Alice 2", b.PeerView.Card.DisplayName);
        Exchange(b, alice, "fine");
        Exchange(alice, b, "fine too", new CardEdit("Alice 3"));
        Exchange(b, alice, "seen");
        AssertConverged(alice, b);
        Assert.Equal("Alice 3", b.PeerView.Card.DisplayName);
        NoneDeliveredAgain(b, [edit, .. log.Sent.Where((_, i) => i % 2 == 0)]);
    }

    [Fact]
    public void IntoItsOwnEpoch_WithoutReuseEvidence_TheRequestAloneMakesThePeerOffer()
    {
        var kit = new PairTestKit(seed: 94).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var backup = a.Send(Bytes("a0")).State;
        // 70 datagrams after the backup: the restored Alice's generations are then either older than
        // Bob's out-of-order window or beyond the guards he keeps, so reusing them shows nothing.
        var lost = Enumerable.Range(0, 70).Select(i => a.Send(Bytes($"lost {i}"), i == 0 ? new CardEdit("Alice lost edit") : null)).ToList();
        foreach (var l in lost) Assert.IsType<Delivered>(b.Receive(l.Datagram));
        var reply = b.Send(Bytes("taken"));
        var alice = Restore(backup, kit, "alice-restored");
        Assert.IsType<RollbackDetected>(alice.Receive(reply.Datagram));
        var asking = alice.Send(Bytes("asking"));
        var asked = b.Receive(asking.Datagram);
        Assert.IsNotType<RollbackDetected>(asked);
        Assert.True(asked.RecoveryOffered);
        Assert.NotNull(b.OfferingResyncUnder);
        Assert.IsType<Resynced>(alice.Receive(b.Send(Bytes("offer")).Datagram));
        Assert.True(b.Receive(alice.Send(Bytes("back")).Datagram).RecoveryCompleted);
        AssertConverged(alice, b);
        Assert.Equal("Alice lost edit", alice.MyView.Card.DisplayName);
        NoneDeliveredAgain(b, lost);
    }

    [Fact]
    public void WithinAPastEpoch_AReusedGenerationMakesThePeerOffer_AndARolledBackPartyThatCanFollowIgnoresIt()
    {
        var kit = new PairTestKit(seed: 95).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var first = a.Send(Bytes("a1"));
        Assert.IsType<Delivered>(b.Receive(first.Datagram));
        var second = a.Send(Bytes("a2"));
        Assert.IsType<Delivered>(b.Receive(second.Datagram));
        var reply = b.Send(Bytes("reply"));   // Bob's commit takes a proposal Alice's copy still holds (the first)
        var alice = Restore(first.State, kit, "alice-restored");
        var reused = alice.Send(Bytes("a2'"));
        var detected = Assert.IsType<RollbackDetected>(b.Receive(reused.Datagram));
        Assert.Equal(RollbackEvidence.GenerationReused, detected.Evidence);
        Assert.True(detected.RecoveryOffered);
        // Alice can follow Bob's commit: the offer is moot and she processes the datagram as usual.
        var offer = b.Send(Bytes("offer"));
        var outcome = alice.Receive(reply.Datagram);
        Assert.IsType<Delivered>(outcome);
        Assert.IsType<Delivered>(alice.Receive(offer.Datagram));
        Exchange(alice, b, "normal commit");
        Assert.Null(b.OfferingResyncUnder);
        AssertConverged(alice, b);
    }

    [Fact]
    public void BothRolledBackToDifferentPoints_TheOneAheadOffers_AndTheyConverge()
    {
        var kit = new PairTestKit(seed: 96).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var aliceOld = a.Save();
        Exchange(b, a, "e2");
        Exchange(a, b, "e3");
        Exchange(b, a, "e4");
        var bobNewer = b.Save();
        Exchange(a, b, "e5 forgotten by both");
        Exchange(b, a, "e6 forgotten by both");
        var (alice, bob) = (Restore(aliceOld, kit, "a"), Restore(bobNewer, kit, "b"));
        var log = new Log();
        int rounds = RoundsToConverge(alice, bob, 2, log, "both");
        Assert.InRange(rounds, 1, 2);
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Exchange(alice, bob, "on");
        AssertConverged(alice, bob);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
    }

    [Fact]
    public void ARollbackDuringAPartition_RecoversWithinTwoRoundsAfterItHeals()
    {
        // Partition: both keep sending, nothing arrives; meanwhile Bob is restored from the backup.
        var (_, a, _, _, bob) = BobRestoredFromBeforeHisCommit(seed: 97, "bob-restored");
        var cut = new List<SendResult>();
        for (int i = 0; i < 5; i++)
        {
            cut.Add(a.Send(Bytes($"alice in the partition {i}")));
            cut.Add(bob.Send(Bytes($"bob in the partition {i}")));
        }
        var log = new Log();
        int rounds = RoundsToConverge(a, bob, 2, log, "healed");
        Assert.InRange(rounds, 1, 2);
        // Datagrams cut by the partition arriving late after recovery: none is delivered.
        foreach (var (s, i) in cut.Select((s, i) => (s, i))) Assert.IsNotType<Delivered>((i % 2 == 0 ? bob : a).Receive(s.Datagram));
        Exchange(bob, a, "after");
        AssertConverged(a, bob);
    }

    [Fact]
    public void ASecondRollbackDuringRecovery_RestartsItFromTheOffer()
    {
        var (kit, a, _, backup, bob) = BobRestoredFromBeforeHisCommit(seed: 98, "bob-once");
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        Assert.IsType<Resynced>(bob.Receive(a.Send(Bytes("offer")).Datagram));
        var firstResync = bob.Send(Bytes("first resync"));
        Assert.True(a.Receive(firstResync.Datagram).RecoveryCompleted);
        // Bob is restored again from the same old backup: he forks again; Alice detects it and offers again.
        var again = Restore(backup, kit, "bob-twice");
        var log = new Log();
        int rounds = RoundsToConverge(again, a, 2, log, "again");
        Assert.InRange(rounds, 1, 2);
        Assert.Contains(log.Outcomes, o => o is RollbackDetected { Evidence: RollbackEvidence.Fork });
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Exchange(a, again, "after");
        AssertConverged(a, again);
        NoneDeliveredAgain(a, [firstResync]);
    }

    [Fact]
    public void ASecondRollbackOfTheRecoveringParty_BeforeItsResyncArrived_IsAForkOfTheResyncItself()
    {
        var (kit, a, _, backup, bob) = BobRestoredFromBeforeHisCommit(seed: 99, "bob-once");
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        var offer = a.Send(Bytes("offer"));
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        var firstResync = bob.Send(Bytes("first resync"));
        // Bob is restored from the same backup again and takes the same offer again: a second resync Commit.
        var again = Restore(backup, kit, "bob-twice");
        Assert.IsType<Resynced>(again.Receive(offer.Datagram));
        var secondResync = again.Send(Bytes("second resync"));
        Assert.True(a.Receive(firstResync.Datagram).RecoveryCompleted);
        var fork = Assert.IsType<RollbackDetected>(a.Receive(secondResync.Datagram));
        Assert.Equal(RollbackEvidence.Fork, fork.Evidence);
        var log = new Log();
        Assert.InRange(RoundsToConverge(a, again, 2, log, "again"), 1, 2);
        AssertConverged(a, again);
    }

    [Fact]
    public void AStaleOfferReplayedAfterRecovery_ChangesNothingAndDeliversNothing()
    {
        var (_, a, _, _, bob) = BobRestoredFromBeforeHisCommit(seed: 100, "bob-restored");
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        var offer = a.Send(Bytes("offer"));
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        Assert.True(a.Receive(bob.Send(Bytes("back")).Datagram).RecoveryCompleted);
        Exchange(a, bob, "on");
        var before = bob.Save();
        var replay = bob.Receive(offer.Datagram);
        Assert.IsNotType<Delivered>(replay);
        Assert.IsNotType<Resynced>(replay);
        Assert.Equal(before, bob.Save());
    }

    [Fact]
    public void AnOfferIsTakenOnlyFromThePeersAgent_AndAResyncCommitOnlyForThePeersLeaf()
    {
        var (_, a, _, _, bob) = BobRestoredFromBeforeHisCommit(seed: 101, "bob-restored");
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        var offer = a.Send(Bytes("offer"));
        // The offer re-signed by another agent than Alice's: refused, nothing changes.
        var (body, sealedIn) = PairReceiver.Open(bob.State, offer.Datagram)!.Value;
        var envelope = RecoveryEnvelope.Parse(body);
        var stranger = bob.Suite.Signature.GenerateKeyPair(new DeterministicRandomSource(5));
        var resigned = Sim.Engine.Messages.GroupInfoSignature.Sign(bob.Suite, envelope.Offer! with { Signature = [] }, stranger.PrivateKey);
        var forged = HeaderSeal.Seal(bob.Suite, bob.State.HeaderKeys[sealedIn], (envelope with { Offer = resigned }).Encode(), new DeterministicRandomSource(6));
        var before = bob.Save();
        var refused = Assert.IsType<Rejected>(bob.Receive(forged));
        Assert.Equal(RejectReason.BadSignature, refused.Reason);
        Assert.Equal(before, bob.Save());
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
    }

    [Fact]
    public void TheAcceptorRestoredIntoTheWelcomeEpoch_AsksThere_AndTheInviteeOffersUnderTheNextHeaderKey()
    {
        // Bob's copy is from right after his first datagram of w: no evidence anywhere, and no header key of w at Alice.
        var kit = new PairTestKit(seed: 106).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var bobInW = b.Save();
        Exchange(a, b, "alice commits w+1");
        Exchange(b, a, "bob commits w+2");
        var bob = Restore(bobInW, kit, "bob-restored");
        Assert.Equal(b.WelcomeEpoch, bob.Epoch);
        Assert.True(bob.AskingForResync);
        var log = new Log();
        Assert.InRange(RoundsToConverge(bob, a, 2, log, "x"), 1, 2);
        Assert.Contains(log.Outcomes, o => o.RecoveryOffered);
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Exchange(a, bob, "on");
        Exchange(bob, a, "and on");
        AssertConverged(a, bob);
        // Bob's copy knew only Alice's invitation agent: her offer's succession links took him to her current one.
        Assert.Equal(a.MyView.AgentKey, bob.PeerView.AgentKey);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
    }

    [Fact]
    public void ARequestInTheWelcomeEpoch_StillLetsTheInviteeJoin()
    {
        // Bob restored (loaded) before Alice joined asks in w; the invitee unwraps the request and joins from its Welcome.
        var kit = new PairTestKit(seed: 107);
        var bob = Restore(kit.Bob.Save(), kit, "bob-loaded");
        Assert.True(bob.AskingForResync);
        var first = bob.Send(Bytes("hello after a restart"));
        var alice = kit.Invitation.TryJoin(first.Datagram, out var outcome);
        Assert.NotNull(alice);
        Assert.Equal("hello after a restart", Text(Assert.IsType<Delivered>(outcome).Payload));
        Exchange(alice!, bob, "hi");
        AssertConverged(alice!, bob);
    }
}
