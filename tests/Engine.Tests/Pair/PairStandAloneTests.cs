using System.Collections.Concurrent;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Engine.Tests.Support;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// PAIRMLS.md "A datagram stands alone, whatever happens to its payload": a party that missed more
/// datagrams of one epoch than the maximum forward distance (RFC 9420 §9.2) still takes the stapled
/// commit from the first one that reaches it and reports the payload as Undecryptable, so the
/// conversation never deadlocks. The 5,000 datagrams are built once per suite and shared.
/// </summary>
public sealed class PairStandAloneTests
{
    private const int Missed = 5000;

    /// <summary>Alice before Bob's long epoch, Bob after it, and Bob's datagrams of that epoch in the order sent.</summary>
    private sealed record LongEpoch(PairOptions Options, byte[] AliceBefore, byte[] BobAfter, IReadOnlyList<byte[]> Datagrams, ulong Epoch, uint BobLeaf,
        int SavedAfter10);

    private static readonly ConcurrentDictionary<ushort, Lazy<LongEpoch>> Built = new();

    private static LongEpoch Build(ushort suite)
    {
        var kit = new PairTestKit(seed: 900UL + suite, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var aliceBefore = a.Save();
        var datagrams = new List<byte[]>(Missed);
        int savedAfter10 = 0;
        for (int i = 0; i < Missed; i++)
        {
            var sent = b.Send(Bytes("m" + i));
            datagrams.Add(sent.Datagram);
            if (i == 9) savedAfter10 = sent.State.Length;
        }
        Assert.Equal(a.Epoch + 1, b.Epoch);
        return new LongEpoch(kit.Options, aliceBefore, b.Save(), datagrams, b.Epoch, b.State.OwnLeaf, savedAfter10);
    }

    private static LongEpoch For(ushort suite) => Built.GetOrAdd(suite, s => new Lazy<LongEpoch>(() => Build(s))).Value;

    private static PairSession Load(byte[] state, PairOptions options, string name) =>
        PairSession.Load(state, options, new DeterministicRandomSource(77, name));

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void MissedFiveThousand_LastTenTakeTheStaple_ThenAllShuffled_AndTheyConverge(ushort suite)
    {
        var run = For(suite);
        var alice = Load(run.AliceBefore, run.Options, "alice");
        var bob = Load(run.BobAfter, run.Options, "bob");
        ulong aliceEpoch = alice.Epoch;

        // Only the last 10 arrive: each is beyond the forward distance of a fresh ratchet, so its
        // payload is Undecryptable, but the first one's staple is the commit Alice is missing.
        for (int i = Missed - 10; i < Missed; i++)
        {
            var outcome = Assert.IsType<Undecryptable>(alice.Receive(run.Datagrams[i]));
            Assert.Equal(run.Epoch, outcome.Epoch);
            Assert.Equal(i == Missed - 10, outcome.StapleTaken);
            Assert.Equal(i == Missed - 10 ? run.BobLeaf : null, outcome.CommitSender);
        }
        Assert.Equal(aliceEpoch + 1, alice.Epoch);
        Assert.Equal(bob.EpochAuthenticator, alice.EpochAuthenticator);

        // Then all of them, shuffled: each outcome is the one RFC 9420 §9.2 gives for its generation
        // against the newest generation delivered so far (m): Expired below the out-of-order window,
        // Undecryptable beyond the forward distance, Delivered otherwise; never twice, never Rejected.
        var order = Enumerable.Range(0, Missed).ToArray();
        var random = new DeterministicRandomSource((ulong)suite, "shuffle");
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)random.NextUInt64((ulong)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        long newest = -1;
        var delivered = new HashSet<int>();
        var counts = new Dictionary<string, int>();
        uint window = run.Options.OutOfOrderWindow, distance = run.Options.MaximumForwardDistance;
        foreach (int g in order)
        {
            var outcome = alice.Receive(run.Datagrams[g]);
            counts[outcome.GetType().Name] = counts.GetValueOrDefault(outcome.GetType().Name) + 1;
            string where = $"suite {suite}: generation {g} with newest delivered {newest}: {outcome}";
            Assert.False(outcome.StapleTaken, where);
            if (newest >= 0 && g < newest - window) Assert.True(outcome is Expired { Epoch: var e } && e == run.Epoch, where);
            else if (g > newest + 1 + distance) Assert.True(outcome is Undecryptable { Epoch: var e } && e == run.Epoch, where);
            else
            {
                var d = Assert.IsType<Delivered>(outcome);
                Assert.Equal("m" + g, Text(d.Payload));
                Assert.True(delivered.Add(g), where);
                newest = Math.Max(newest, g);
            }
        }
        Assert.True(counts.GetValueOrDefault(nameof(Delivered)) > 0 && counts.GetValueOrDefault(nameof(Expired)) > 0, string.Join(", ", counts));

        // The next exchange converges them: one round trip.
        Exchange(alice, bob, "back");
        Exchange(bob, alice, "again");
        AssertConverged(alice, bob);
    }

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void OnlyTheLastDatagramOfTheLongEpoch_IsEnoughToCarryOn(ushort suite)
    {
        var run = For(suite);
        var alice = Load(run.AliceBefore, run.Options, "alice");
        var bob = Load(run.BobAfter, run.Options, "bob");
        var before = alice.Save();
        var outcome = Assert.IsType<Undecryptable>(alice.Receive(run.Datagrams[^1]));
        Assert.True(outcome.StapleTaken && outcome.StateChanged, outcome.ToString());
        Assert.NotEqual(before, alice.Save());
        // Persisted and restored, Alice answers in her own next epoch and Bob follows.
        alice = Load(alice.Save(), run.Options, "alice-restarted");
        Exchange(alice, bob, "I missed a lot");
        Exchange(bob, alice, "never mind");
        AssertConverged(alice, bob);
    }

    /// <summary>PAIRMLS.md "State stays bounded": the saved state does not grow with the datagrams sent in one epoch.</summary>
    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void SavedStateAfter5000SendsInOneEpoch_IsWithinTenPercentOfAfter10(ushort suite)
    {
        var run = For(suite);
        var bob = Load(run.BobAfter, run.Options, "bob");
        Assert.Equal(1, bob.OwnProposalsInFlight);
        int after5000 = run.BobAfter.Length;
        Assert.InRange(after5000, run.SavedAfter10 * 0.9, run.SavedAfter10 * 1.1);
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    public void AnInviteeThatMissedMoreThanTheForwardDistanceOfW_JoinsFromTheFirstDatagramThatReachesIt(ushort suite)
    {
        // Found by InvariantPropertiesTests.Liveness with long epochs generated (seed=194482761 r=2 suite=1 offline(alice,12)
        // burst(bob,1018)): the invitee offline while the acceptor sends more than the forward distance in w never joined.
        var options = PairOptions.Default with { MaximumForwardDistance = 10 };
        var kit = new PairTestKit(seed: 950UL + suite, options: options, suite: suite);
        var sent = Enumerable.Range(0, 14).Select(i => kit.Bob.Send(Bytes("w" + i)).Datagram).ToList();
        var alice = kit.Invitation.TryJoin(sent[^1], out var outcome);
        Assert.NotNull(alice);
        var undecryptable = Assert.IsType<Undecryptable>(outcome);
        Assert.True(undecryptable.StapleTaken && undecryptable.StateChanged);
        Assert.Equal(kit.Bob.WelcomeEpoch, alice!.Epoch);
        // The first datagrams of w, within the forward distance of the ratchet's start, are still Delivered later.
        Assert.Equal("w0", Text(Assert.IsType<Delivered>(alice.Receive(sent[0])).Payload));
        Exchange(alice, kit.Bob, "joined at last");
        Exchange(kit.Bob, alice, "welcome");
        AssertConverged(alice, kit.Bob);
    }
}
