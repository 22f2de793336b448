using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "Resync", step 3: an offer is bound to the header key that seals it (its signed
/// <c>seal_epoch</c>), and a moot offer whose ordinary body is delivered is verified too. Found by
/// <c>pairsim check --full-reach --cases 100 --seed 3</c> (cases 55 and 87): an insider re-sealed an
/// offer under another epoch's header key and the receiver, which could follow the offerer (a moot
/// offer), Delivered it.
/// </summary>
public sealed partial class PairResyncTests
{
    public static TheoryData<ushort> CheapSuites => [1, 2, 3, 4, 6];

    /// <summary>
    /// Alice's generation reused in a past epoch makes Bob offer; Alice's copy can follow Bob's Commit, so the offer
    /// is moot for it and its body is an ordinary datagram. Returns the copy (after Bob's Commit) and Bob's offer.
    /// </summary>
    private static (PairSession Alice, PairSession Bob, SendResult Offer) MootOffer(ulong seed, ushort suite)
    {
        var kit = new PairTestKit(seed: seed, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var first = a.Send(Bytes("a1"));
        Assert.IsType<Delivered>(b.Receive(first.Datagram));
        Assert.IsType<Delivered>(b.Receive(a.Send(Bytes("a2")).Datagram));
        var reply = b.Send(Bytes("reply"));
        var alice = Restore(first.State, kit, "alice-restored");
        Assert.True(b.Receive(alice.Send(Bytes("a2'")).Datagram).RecoveryOffered);
        Assert.IsType<Delivered>(alice.Receive(reply.Datagram));
        return (alice, b, b.Send(Bytes("offer")));
    }

    /// <summary>The offer's body re-sealed under each other header key <paramref name="to"/> holds (what the insider's SealEpoch does).</summary>
    private static List<byte[]> ResealedUnderOtherEpochs(PairSession to, byte[] datagram, ulong seed)
    {
        var (body, sealedIn) = PairReceiver.Open(to.State, datagram)!.Value;
        Assert.True(RecoveryEnvelope.IsEnvelope(body));
        var random = new DeterministicRandomSource(seed);
        var resealed = to.State.HeaderKeys.Where(h => h.Key != sealedIn).Select(h => HeaderSeal.Seal(to.Suite, h.Value, body, random)).ToList();
        Assert.NotEmpty(resealed);
        return resealed;
    }

    private static void RefusedAndNothingChanged(PairSession to, byte[] datagram, RejectReason reason)
    {
        var before = to.Save();
        var refused = Assert.IsType<Rejected>(to.Receive(datagram));
        Assert.Equal(reason, refused.Reason);
        Assert.False(refused.StateChanged);
        Assert.Equal(before, to.Save());
    }

    [Theory]
    [MemberData(nameof(CheapSuites))]
    public void AMootOfferResealedUnderAnotherEpochsHeaderKey_IsRejected_AndTheHonestOneIsDelivered(ushort suite)
    {
        var (alice, _, offer) = MootOffer(seed: 120, suite);
        foreach (var resealed in ResealedUnderOtherEpochs(alice, offer.Datagram, seed: 121))
            RefusedAndNothingChanged(alice, resealed, RejectReason.Malformed);
        var honest = Assert.IsType<Delivered>(alice.Receive(offer.Datagram));
        Assert.Equal("offer", Text(honest.Payload));
    }

    [Theory]
    [MemberData(nameof(CheapSuites))]
    public void ATakenOfferResealedUnderAnotherEpochsHeaderKey_IsRejected_AndTheHonestOneIsTaken(ushort suite)
    {
        var kit = new PairTestKit(seed: 122, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var backup = b.Save();
        Exchange(b, a, "bob commits e");
        Exchange(a, b, "alice commits e+1");
        var bob = Restore(backup, kit, "bob-restored");
        Assert.IsType<RollbackDetected>(a.Receive(bob.Send(Bytes("fork")).Datagram));
        var offer = a.Send(Bytes("offer"));
        foreach (var resealed in ResealedUnderOtherEpochs(bob, offer.Datagram, seed: 123))
            RefusedAndNothingChanged(bob, resealed, RejectReason.Malformed);
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
    }

    [Fact]
    public void AMootOfferWithItsGroupInfoOrEndorsementAltered_IsRejected_ThoughItsBodyIsAnHonestDatagram()
    {
        var (alice, _, offer) = MootOffer(seed: 124, suite: 1);
        var (body, sealedIn) = PairReceiver.Open(alice.State, offer.Datagram)!.Value;
        var envelope = RecoveryEnvelope.Parse(body);
        var key = alice.State.HeaderKeys[sealedIn];
        var random = new DeterministicRandomSource(125);
        // The GroupInfo's signature flipped: the insider's FlipBodyBits can do this; the body alone would still be delivered.
        var signature = (byte[])envelope.Offer!.Signature.Clone();
        signature[^1] ^= 1;
        var flipped = HeaderSeal.Seal(alice.Suite, key, (envelope with { Offer = envelope.Offer with { Signature = signature } }).Encode(), random);
        RefusedAndNothingChanged(alice, flipped, RejectReason.BadSignature);
        // An endorsement its offerer never made (Bob has no rollover pending): refused, not ignored.
        var endorsed = HeaderSeal.Seal(alice.Suite, key, (envelope with { Endorsement = new OfferEndorsement([], new byte[64]) }).Encode(), random);
        RefusedAndNothingChanged(alice, endorsed, RejectReason.BadSignature);
        Assert.IsType<Delivered>(alice.Receive(offer.Datagram));
    }
}
