using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// docs/RECOVERY.md "The acceptor restored into w": the acceptor restored into the Welcome epoch after
/// the invitee moved more than R + 2 epochs on (so it deleted the invitation's init key) asks under
/// <see cref="WelcomeDualSeal"/>: the joined invitee opens the request with the header key of w + 1,
/// an invitee not joined yet with the init key.
/// </summary>
public sealed partial class PairResyncTests
{
    /// <summary>Alice (the invitee) moves on 2 · <paramref name="exchanges"/> epochs past w; Bob's copy is from w.</summary>
    private static (PairTestKit Kit, PairSession Alice, PairSession Restored) BobRestoredIntoWLongAfter(ulong seed, ushort suite, int exchanges)
    {
        var kit = new PairTestKit(seed: seed, options: PairOptions.Default with { RetentionWindow = 0 }, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var bobInW = b.Save();
        for (int i = 0; i < exchanges; i++)
        {
            Exchange(a, b, $"alice {i}");
            Exchange(b, a, $"bob {i}");
        }
        // R = 0: the init key is gone after R + 2 epochs (forward secrecy of w).
        Assert.Null(a.State.InvitationInitPrivateKey);
        Assert.True(a.Epoch > a.WelcomeEpoch + 2);
        return (kit, a, Restore(bobInW, kit, "bob-restored-into-w"));
    }

    // Every suite but 5 and 7 (P-521, P-384: seconds each under load; the MLS path they share is covered by the others).
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    [InlineData((ushort)4)]
    [InlineData((ushort)6)]
    public void TheAcceptorRestoredIntoW_AfterTheInviteeDeletedTheInitKey_AsksUnderTheHeaderKeyOfWPlus1_AndTheyConvergeWithinTwoRounds(ushort suite)
    {
        var (_, a, bob) = BobRestoredIntoWLongAfter(200UL + suite, suite, 2);
        Assert.Equal(bob.WelcomeEpoch, bob.Epoch);
        Assert.True(bob.AskingForResync);
        var log = new Log();
        Assert.InRange(RoundsToConverge(bob, a, 2, log, "w"), 1, 2);
        // Alice recognises Bob's request of w (its application secrets are long gone) and offers; Bob rejoins.
        var first = log.Outcomes[0];
        Assert.IsType<Expired>(first);
        Assert.True(first.RecoveryOffered);
        var resynced = Assert.IsType<Resynced>(log.Outcomes.Single(o => o is Resynced));
        Assert.Equal("w round 1 second", Text(resynced.Payload!));
        Exchange(a, bob, "on");
        Exchange(bob, a, "and on");
        AssertConverged(a, bob);
        Assert.Equal(a.MyView.AgentKey, bob.PeerView.AgentKey);
        Assert.Equal(log.Delivered.Distinct().Count(), log.Delivered.Count);
        NoneDeliveredAgain(a, log.Sent.Where((_, i) => i % 2 == 0));
    }

    [Fact]
    public void TheAcceptorRestoredIntoW_AfterTheInviteeDeletedTheInitKey_ConvergesWithinTwoRounds_WhenTheInviteeSendsFirst()
    {
        var (_, a, bob) = BobRestoredIntoWLongAfter(210, 1, 2);
        var log = new Log();
        Assert.InRange(RoundsToConverge(a, bob, 2, log, "x"), 1, 2);
        // Alice's first datagram is sealed under a header key Bob's copy never had: lost; his answer asks.
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(log.Outcomes[0]).Reason);
        Assert.Contains(log.Outcomes, o => o is Resynced);
        Exchange(a, bob, "on");
        AssertConverged(a, bob);
    }

    [Fact]
    public void ARestoredAcceptorsRequestInW_IsDualSealed_AndOpensForTheNotJoinedInviteeOnlyWithTheInitKey()
    {
        // Decryptability for an invitee that has not joined yet: the same request opens with the init key alone.
        var kit = new PairTestKit(seed: 211);
        var bob = Restore(kit.Bob.Save(), kit, "bob-loaded");
        var first = bob.Send(Bytes("hello after a restart"));
        var suite = kit.Invitation.Suite;
        using var initKey = new Sim.Engine.Schedule.Secret(kit.InvitationInitPrivateKey());
        Assert.Null(HeaderSeal.TryOpenAsInvitee(suite, initKey, first.Datagram));
        Assert.NotNull(WelcomeDualSeal.TryOpenAsInvitee(suite, initKey, first.Datagram));
        Assert.NotNull(WelcomeDualSeal.TryOpenWithHeaderKey(suite, bob.State.HeaderKeys[bob.WelcomeEpoch + 1], first.Datagram));
        var alice = kit.Invitation.TryJoin(first.Datagram, out var outcome);
        Assert.NotNull(alice);
        Assert.Equal("hello after a restart", Text(Assert.IsType<Delivered>(outcome).Payload));
    }

    [Fact]
    public void ATamperedDualSealedRequest_IsNotForThisSession_AndChangesNothing()
    {
        var (kit, a, bob) = BobRestoredIntoWLongAfter(212, 1, 2);
        var honest = bob.Send(Bytes("asks")).Datagram;
        var other = bob.Send(Bytes("asks again")).Datagram;
        var suite = kit.Invitation.Suite;
        int headerWrap = 12 + suite.Aead.KeyLength + 16, invitationWrap = suite.Kem.EncLength + suite.Aead.KeyLength + 16;
        var before = a.Save();
        // A flipped bit in the nonce, the header-key wrap, the body and its tag.
        foreach (int at in new[] { 0, 20, headerWrap + invitationWrap + 3, honest.Length - 1 })
        {
            var bad = (byte[])honest.Clone();
            bad[at] ^= 0x01;
            Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(a.Receive(bad)).Reason);
            Assert.Equal(before, a.Save());
        }
        // One datagram's content-key wraps spliced onto another's body open nothing: each content key is fresh.
        var spliced = honest[..(headerWrap + invitationWrap)].Concat(other[(headerWrap + invitationWrap)..]).ToArray();
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(a.Receive(spliced)).Reason);
        Assert.Equal(before, a.Save());
        // Truncated to less than the seal's overhead: a rejection, no exception.
        Assert.IsType<Rejected>(a.Receive(honest[..(headerWrap + invitationWrap)]));
        Assert.Equal(before, a.Save());
        // The init-key wrap is what a not-joined invitee reads: tampered there, it does not join.
        var badWrap = (byte[])honest.Clone();
        badWrap[headerWrap + 2] ^= 0x01;
        Assert.Null(kit.Invitation.TryJoin(badWrap, out var refused));
        Assert.IsType<Rejected>(refused);
        Assert.IsType<Expired>(a.Receive(honest));
    }
}
