using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "The offer's payload": the datagram that carries an offer also carries its
/// payload sealed (RFC 9420 §5.1.3 EncryptWithLabel) to the update proposal of the rejoining party
/// that asked, so the party restored as the SECOND sender of each round has Delivered a message of its
/// peer within 2 rounds (it used to be 3: the offer's ordinary message is in an epoch it never held).
/// </summary>
public sealed partial class PairResyncTests
{
    /// <summary>Alice saves, three more commits follow, and Alice is restored from the save (Bob is the one ahead).</summary>
    private static (PairTestKit Kit, PairSession Alice, PairSession Bob) AliceRestoredThreeCommitsBack(ulong seed, ushort suite = 1)
    {
        var kit = new PairTestKit(seed: seed, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var backup = a.Save();
        Exchange(a, b, "alice commits");
        Exchange(b, a, "bob commits");
        Exchange(a, b, "alice commits again");
        return (kit, Restore(backup, kit, "alice-restored"), b);
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    public void TheRestoredSecondSender_OpensTheOffersPayload_AndBothDeliverWithinTwoRounds(ushort suite)
    {
        var (_, alice, b) = AliceRestoredThreeCommitsBack(seed: 110, suite);
        // Round 1: Bob's datagram is sealed under a header key Alice's copy never had; Alice's (a fork, asking) makes Bob offer.
        var first = b.Send(Bytes("round 1 bob"));
        Assert.IsType<Rejected>(alice.Receive(first.Datagram));
        var asking = alice.Send(Bytes("round 1 alice"));
        Assert.True(b.Receive(asking.Datagram).RecoveryOffered);
        Assert.NotNull(b.State.OfferPayloadKey);

        // Round 2: the offer's payload is Delivered with the resync; Alice's recovery Commit brings hers to Bob.
        var offer = b.Send(Bytes("round 2 bob"));
        var resynced = Assert.IsType<Resynced>(alice.Receive(offer.Datagram));
        Assert.Equal("round 2 bob", Text(Assert.IsType<byte[]>(resynced.Payload)));
        Assert.Equal(b.MyView, resynced.Sender);
        var back = alice.Send(Bytes("round 2 alice"));
        var completed = Assert.IsType<Delivered>(b.Receive(back.Datagram));
        Assert.True(completed.RecoveryCompleted);
        Assert.Equal("round 2 alice", Text(completed.Payload));
        AssertConverged(alice, b);
        Assert.Null(b.State.OfferPayloadKey);

        // Nothing twice: the offer again is moot and Expired at Alice, and her proposal's private key is gone with the old state.
        Assert.IsType<Expired>(alice.Receive(offer.Datagram));
        Exchange(b, alice, "after");
        Exchange(alice, b, "after too");
        AssertConverged(alice, b);
    }

    [Fact]
    public void AnOffersSealedPayload_OpensOnlyWithItsOwnDatagramsBody_AndIsCoveredByTheOffersSignature()
    {
        var (_, alice, b) = AliceRestoredThreeCommitsBack(seed: 111);
        Assert.IsType<Rejected>(alice.Receive(b.Send(Bytes("round 1 bob")).Datagram));
        Assert.True(b.Receive(alice.Send(Bytes("round 1 alice")).Datagram).RecoveryOffered);
        ulong sealEpoch = b.OfferingResyncUnder!.Value;
        var headerKey = b.State.HeaderKeys[sealEpoch];
        var one = RecoveryEnvelope.Parse(Opened(alice, b.Send(Bytes("one")).Datagram));
        var two = RecoveryEnvelope.Parse(Opened(alice, b.Send(Bytes("two")).Datagram));
        var before = alice.Save();

        // An insider who holds the header key moves offer one (signed, with its sealed payload) onto datagram two's body.
        var spliced = HeaderSeal.Seal(alice.Suite, headerKey, new RecoveryEnvelope(RecoveryKind.Offer, one.Offer, two.Body).Encode(), new Sim.Engine.Crypto.DeterministicRandomSource(5, "insider"));
        var refused = Assert.IsType<Rejected>(alice.Receive(spliced));
        Assert.Equal(RejectReason.BadSignature, refused.Reason);
        Assert.Contains("sealed payload", refused.Detail);
        Assert.Equal(before, alice.Save());

        // ... or re-seals a payload of its own choosing into the offer: the GroupInfo signature no longer verifies.
        var info = RecoveryInfo.From(two.Offer!);
        var forged = info with { Payload = OfferPayload.Seal(alice.Suite, info.Payload!.RecipientKey, two.Body, Bytes("forged"), new Sim.Engine.Crypto.DeterministicRandomSource(6, "insider")) };
        var extensions = two.Offer!.Extensions.Select(e => e.ExtensionType == RecoveryInfo.ExtensionType ? forged.ToExtension() : e).ToList();
        var reSealed = HeaderSeal.Seal(alice.Suite, headerKey,
            new RecoveryEnvelope(RecoveryKind.Offer, two.Offer with { Extensions = extensions }, two.Body).Encode(), new Sim.Engine.Crypto.DeterministicRandomSource(7, "insider"));
        Assert.Equal(RejectReason.BadSignature, Assert.IsType<Rejected>(alice.Receive(reSealed)).Reason);
        Assert.Equal(before, alice.Save());

        // The honest datagram still works, and delivers its own payload.
        var honest = HeaderSeal.Seal(alice.Suite, headerKey, new RecoveryEnvelope(RecoveryKind.Offer, two.Offer, two.Body).Encode(), new Sim.Engine.Crypto.DeterministicRandomSource(8, "insider"));
        Assert.Equal("two", Text(Assert.IsType<Resynced>(alice.Receive(honest)).Payload!));
    }

    [Fact]
    public void TheOfferPayloadKey_IsSaved_AndAnOfferWithoutIt_StillResyncs_WithThePayloadLost()
    {
        var (kit, alice, b) = AliceRestoredThreeCommitsBack(seed: 112);
        Assert.IsType<Rejected>(alice.Receive(b.Send(Bytes("round 1 bob")).Datagram));
        Assert.True(b.Receive(alice.Send(Bytes("round 1 alice")).Datagram).RecoveryOffered);
        // A crash restart of Bob keeps the key (saved state), so its offers still carry the payload.
        var bob = Restore(b.Save(), kit, "bob-restarted");
        Assert.Equal(b.State.OfferPayloadKey, bob.State.OfferPayloadKey);
        // Without the key (an offer made on evidence whose proposal was not the peer agent's): resync, payload lost (counted).
        bob.ReplaceStateForTests(bob.State with { OfferPayloadKey = null });
        var resynced = Assert.IsType<Resynced>(alice.Receive(bob.Send(Bytes("offer")).Datagram));
        Assert.Null(resynced.Payload);
        Assert.True(bob.Receive(alice.Send(Bytes("back")).Datagram).RecoveryCompleted);
        AssertConverged(alice, bob);
    }

    [Fact]
    public void TheRestoredPartysForkTookAnEditThePeerHasNotCommitted_ItRejoinsWithThePeersOlderCard_AndTheEditIsCommittedAfter()
    {
        // Found by pairsim check --full-reach (seed=64012001 ... edit(alice,32) send(bob,8) restoreepoch(bob,1)): Bob's fork
        // commit takes Alice's card edit, which the conversation Alice offers has not committed: her offer names card 1.
        var kit = new PairTestKit(seed: 113).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var edit = a.Send(Bytes("edit"), new CardEdit("Alice 2"));
        var backup = b.Save();
        var commit = b.Send(Bytes("bob commits without the edit"));
        var bob = Restore(backup, kit, "bob-restored");
        Assert.IsType<Delivered>(bob.Receive(edit.Datagram));
        Assert.IsType<Delivered>(a.Receive(commit.Datagram));
        var fork = bob.Send(Bytes("fork takes the edit"));
        Assert.Equal("Alice 2", bob.PeerView.Card.DisplayName);
        Assert.Equal(RollbackEvidence.Fork, Assert.IsType<RollbackDetected>(a.Receive(fork.Datagram)).Evidence);
        var resynced = Assert.IsType<Resynced>(bob.Receive(a.Send(Bytes("offer")).Datagram));
        Assert.Equal("offer", Text(resynced.Payload!));
        // Alice's card as the conversation committed it (her edit is still pending at her side).
        Assert.Equal(1ul, bob.PeerView.CardVersion);
        Assert.True(a.HasPendingIdentity);
        Assert.True(a.Receive(bob.Send(Bytes("back")).Datagram).RecoveryCompleted);
        AssertConverged(a, bob);
        Exchange(a, bob, "proposes the edit again");
        Exchange(bob, a, "commits it");
        Exchange(a, bob, "seen");
        Assert.Equal("Alice 2", bob.PeerView.Card.DisplayName);
        Assert.False(a.HasPendingIdentity);
        AssertConverged(a, bob);
    }

    [Fact]
    public void AnOfferWithAnOlderCardOfThePeer_SignedByAnotherAgent_IsRefused()
    {
        // The older-card path takes only an assertion by an agent of the peer's line: one by the restored party's own agent is refused.
        var kit = new PairTestKit(seed: 114).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var edit = a.Send(Bytes("edit"), new CardEdit("Alice 2"));
        var backup = b.Save();
        var commit = b.Send(Bytes("bob commits without the edit"));
        var bob = Restore(backup, kit, "bob-restored");
        Assert.IsType<Delivered>(bob.Receive(edit.Datagram));
        Assert.IsType<Delivered>(a.Receive(commit.Datagram));
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork takes the edit")).Datagram));
        // Alice's offer as an insider with her signing key would alter it: her card asserted by Bob's agent.
        var forged = bob.PeerView.CardAssertion with { AgentKey = bob.MyView.AgentKey };
        a.ReplaceStateForTests(a.State with { MyView = a.State.MyView with { CardAssertion = forged } });
        var refused = Assert.IsType<Rejected>(bob.Receive(a.Send(Bytes("offer")).Datagram));
        Assert.Equal(RejectReason.IdentityRejected, refused.Reason);
    }

    /// <summary>
    /// Bob's fork Commit takes Alice's pending agent rollover (found by the gate seed, Parity case 16:
    /// <c>... rollover(alice,32) send(bob,32) restoreepoch(bob,1)</c>): Bob knows Alice by her pending agent,
    /// her offer is signed by her current one. Returns Alice, the restored Bob and Alice's offer datagram.
    /// </summary>
    private static (PairSession Alice, PairSession Bob, SendResult Offer) BobsForkTookAlicesPendingRollover(ulong seed)
    {
        var kit = new PairTestKit(seed: seed).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var rollover = a.Send(Bytes("rollover"), rollOverAgent: true);
        var backup = b.Save();
        var commit = b.Send(Bytes("bob commits without the rollover"));
        var bob = Restore(backup, kit, "bob-restored");
        Assert.IsType<Delivered>(bob.Receive(rollover.Datagram));
        Assert.IsType<Delivered>(a.Receive(commit.Datagram));
        var agentBefore = a.MyView.AgentKey;
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork takes the rollover")).Datagram));
        Assert.NotEqual(agentBefore, bob.PeerView.AgentKey);
        Assert.True(a.HasPendingIdentity);
        return (a, bob, a.Send(Bytes("offer")));
    }

    [Fact]
    public void APeerRolloverCommittedOnlyOnTheAbandonedBranch_TheOfferIsEndorsedByThePendingAgent_AndTheRolloverIsCommittedAfter()
    {
        var (a, bob, offer) = BobsForkTookAlicesPendingRollover(seed: 115);
        var resynced = Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        Assert.Equal("offer", Text(resynced.Payload!));
        Assert.Equal(a.MyView.AgentKey, bob.PeerView.AgentKey);
        Assert.True(a.Receive(bob.Send(Bytes("back")).Datagram).RecoveryCompleted);
        AssertConverged(a, bob);
        Exchange(a, bob, "proposes the rollover again");
        Exchange(bob, a, "commits it");
        Exchange(a, bob, "seen");
        Assert.False(a.HasPendingIdentity);
        AssertConverged(a, bob);
    }

    [Fact]
    public void AnOfferSignedByAnAgentTheRejoiningPartySawRetired_IsRefused_WithoutTheEndorsement()
    {
        var (a, bob, offer) = BobsForkTookAlicesPendingRollover(seed: 116);
        var opened = PairReceiver.Open(bob.State, offer.Datagram)!.Value;
        var envelope = RecoveryEnvelope.Parse(opened.Body);
        Assert.NotNull(envelope.Endorsement);
        var key = bob.State.HeaderKeys[opened.Epoch];
        var before = bob.Save();
        // A thief of Alice's current agent key could sign the offer, but not the endorsement by the agent Bob knows.
        foreach (var altered in new[] { envelope with { Endorsement = null }, envelope with { Endorsement = envelope.Endorsement! with { Signature = new byte[envelope.Endorsement.Signature.Length] } } })
        {
            var datagram = HeaderSeal.Seal(bob.Suite, key, altered.Encode(), new Sim.Engine.Crypto.DeterministicRandomSource(9, "thief"));
            Assert.Equal(RejectReason.BadSignature, Assert.IsType<Rejected>(bob.Receive(datagram)).Reason);
            Assert.Equal(before, bob.Save());
        }
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
    }

    /// <summary>The opened body of <paramref name="datagram"/> with the header keys <paramref name="to"/> holds.</summary>
    private static byte[] Opened(PairSession to, byte[] datagram) =>
        PairReceiver.Open(to.State, datagram)?.Body ?? throw new InvalidOperationException("no held header key opens it");
}
