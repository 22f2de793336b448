using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Baselines;

/// <summary>
/// The PairMLS variant without the random empty commit (PAIRMLS.md "Creating a conversation", step 2):
/// an observer who reads the epoch of the acceptor's first datagram (here: the epoch the invitee's
/// join decodes from it) and guesses "whoever sends in odd epochs accepted" is right every time
/// without the empty commit, and about half the time with it.
/// </summary>
public sealed class PairVariantTests
{
    private const int Worlds = 40;

    private static int ObserverRight(PairOptions options, int worlds = Worlds)
    {
        int right = 0;
        for (ulong seed = 0; seed < (ulong)worlds; seed++)
        {
            var random = new DeterministicRandomSource(seed, "pair-variant-tests");
            using var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
            var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));
            var alice = invitation.TryJoin(bob.Send([1, 2, 3]).Datagram, out var outcome);
            Assert.NotNull(alice);
            if (Assert.IsType<Delivered>(outcome).Epoch % 2 == 1) right++;
        }
        return right;
    }

    [Fact]
    public void Without_the_random_empty_commit_the_parity_names_the_acceptor_every_time()
    {
        Assert.Equal(Worlds, ObserverRight(PairOptions.Default.WithoutRandomEmptyCommit()));
        Assert.True(PairOptions.Default.WithoutRandomEmptyCommit().SkipsRandomEmptyCommit());
        Assert.False(PairOptions.Default.SkipsRandomEmptyCommit());
    }

    [Fact]
    public void A_header_key_from_the_newest_epoch_seals_under_k_itself_and_the_peer_still_in_k_minus_1_cannot_open_it()
    {
        foreach (var variant in new[] { false, true })
        {
            var options = variant ? PairOptions.Default.WithHeaderKeyFromNewestEpoch() : PairOptions.Default;
            Assert.Equal(variant, options.SealsUnderNewestEpoch());
            var random = new DeterministicRandomSource(7, "pair-variant-tests");
            using var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
            var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));
            var alice = invitation.TryJoin(bob.Send([1]).Datagram, out var joined);
            Assert.IsType<Delivered>(joined);
            var reply = alice!.Send([2]);
            ulong k = reply.Epoch;
            Assert.Equal(bob.Epoch + 1, k);
            // The key each design names for epoch k: exported from epoch k (Alice's group now) or from k−1 (Bob's group).
            var fromK = PairState.NextHeaderKeyOf(alice.State.Group);
            var fromKMinus1 = PairState.NextHeaderKeyOf(bob.State.Group);
            Assert.Equal(variant, HeaderSeal.TryOpen(alice.State.Suite, fromK, reply.Datagram) is not null);
            Assert.Equal(!variant, HeaderSeal.TryOpen(alice.State.Suite, fromKMinus1, reply.Datagram) is not null);
            var before = bob.Save();
            var outcome = bob.Receive(reply.Datagram);
            if (variant)
            {
                // The one party that needs the stapled commit cannot open the datagram: nothing changes, epochs stop.
                Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(outcome).Reason);
                Assert.Equal(before, bob.Save());
                Assert.Equal(k - 1, bob.Epoch);
            }
            else
            {
                Assert.IsType<Delivered>(outcome);
                Assert.Equal(k, bob.Epoch);
            }
            // The acceptor's own datagrams of w (sealed to the invitation) still reach Alice either way.
            Assert.IsType<Delivered>(alice.Receive(bob.Send([3]).Datagram));
        }
    }

    [Fact]
    public void With_the_random_empty_commit_the_parity_names_the_acceptor_about_half_the_time()
    {
        // Over many worlds: Binomial(200, 1/2) has standard deviation 7.1, so 80..120 is 2.8 of them either side
        // (the seeds are fixed: this is deterministic).
        const int many = 200;
        int right = ObserverRight(PairOptions.Default, many);
        Assert.InRange(right, 80, 120);
    }
}
