using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// The acceptor's datagrams of the Welcome epoch w are sealed by HPKE to the invitation (PAIRMLS.md "Creating a
/// conversation", step 3): only the invitee can open them, so only an insider holding the invitation's private init
/// key (<see cref="PairInsider.OfInvitation"/>, the fuzzer's) reaches inside them. Each of its mutations, the Welcome
/// staple's included, re-sealed to the invitation, is refused by both receive paths of w: the invitee not joined yet
/// (<see cref="Invitation.TryJoin"/>: no session) and the joined invitee (<see cref="PairSession.Receive"/>: Rejected,
/// state byte-identical). And the Welcome still joins when its payload is beyond the forward distance.
/// </summary>
public sealed class PairInviteeInsiderTests
{
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    public void EveryMutationOfAWelcomeEpochDatagramIsRefusedByBothPathsOfW(ushort suite)
    {
        var kit = new PairTestKit(seed: 81, suite: suite);
        var insider = PairInsider.OfInvitation(kit.Invitation);
        Assert.True(insider.HoldsInvitation);
        var w1 = kit.Bob.Send(Bytes("w1")).Datagram;
        var w2 = kit.Bob.Send(Bytes("w2")).Datagram;
        // The transport insider (Bob's header keys) cannot open either; the invitee's can.
        Assert.Null(PairInsider.Of(kit.Bob).MutateAny(w1, InsiderMutation.ApplicationCiphertext, new DeterministicRandomSource(1)));
        var alice = kit.Invitation.TryJoin(w1, out _) ?? throw new InvalidOperationException("not joined");
        byte[] aliceBefore = alice.Save();
        int applied = 0;
        foreach (var mutation in PairInsider.InviteeMutations)
        {
            foreach (var (name, datagram) in new[] { ("w1", w1), ("w2", w2) })
            {
                var mutated = insider.Mutate(datagram, mutation, new DeterministicRandomSource(6, $"{name}/{mutation}"));
                // Only the seal epoch needs a header key of another epoch, which the invitee's insider does not hold.
                if (mutation == InsiderMutation.SealEpoch) { Assert.Null(mutated); continue; }
                // A Commit mutation finds no Commit in a Welcome staple.
                if (mutated is null) { Assert.True(mutation >= InsiderMutation.CommitSender && mutation <= InsiderMutation.CommitMembershipTag, $"{mutation} did not apply"); continue; }
                applied++;
                Assert.NotEqual(datagram, mutated);
                Assert.Null(kit.Invitation.TryJoin(mutated, out var joinOutcome));
                Assert.IsNotType<Delivered>(joinOutcome);
                var session = PairSession.Load(aliceBefore, kit.Options, new DeterministicRandomSource(9));
                var outcome = session.Receive(mutated);
                Assert.IsNotType<Delivered>(outcome);
                Assert.False(outcome.StateChanged, $"{name} {mutation}: {outcome}");
                Assert.Equal(aliceBefore, session.Save());
            }
        }
        // The Welcome's own layers are reached: its group secrets and group info.
        Assert.NotNull(insider.Mutate(w1, InsiderMutation.WelcomeGroupSecrets, new DeterministicRandomSource(2)));
        Assert.NotNull(insider.Mutate(w1, InsiderMutation.WelcomeGroupInfo, new DeterministicRandomSource(3)));
        Assert.True(applied >= 2 * 13, $"{applied} mutations applied");
        // The simulator's transport insider never draws the Welcome's mutations (it cannot open w).
        Assert.DoesNotContain(InsiderMutation.WelcomeGroupInfo, PairInsider.Mutations);
    }

    [Fact]
    public void A_welcome_beyond_the_forward_distance_still_joins_and_the_payload_is_undecryptable()
    {
        var options = PairOptions.Default with { MaximumForwardDistance = 4 };
        var kit = new PairTestKit(seed: 82, options: options);
        byte[] last = [];
        for (int i = 0; i < 7; i++) last = kit.Bob.Send(Bytes("w" + i)).Datagram;
        var alice = kit.Invitation.TryJoin(last, out var outcome);
        var far = Assert.IsType<Undecryptable>(outcome);
        Assert.True(far.StapleTaken);
        Assert.True(far.StateChanged);
        Assert.NotNull(alice);
        Assert.Equal(kit.Bob.EpochAuthenticator, alice.EpochAuthenticator);
        // The conversation goes on: Alice commits her first epoch and Bob follows.
        Assert.Equal("a1", Text(Exchange(alice, kit.Bob, "a1").Payload));
        Assert.Equal("b1", Text(Exchange(kit.Bob, alice, "b1").Payload));
    }
}
