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

    private static int ObserverRight(PairOptions options)
    {
        int right = 0;
        for (ulong seed = 0; seed < Worlds; seed++)
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
    public void With_the_random_empty_commit_the_parity_names_the_acceptor_about_half_the_time()
    {
        int right = ObserverRight(PairOptions.Default);
        // Binomial(40, 1/2): 12..28 is more than 2.5 standard deviations either side (the seeds are fixed: this is deterministic).
        Assert.InRange(right, 12, 28);
    }
}
