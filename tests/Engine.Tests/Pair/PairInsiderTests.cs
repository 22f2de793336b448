using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Xunit.Abstractions;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// The insider (PAIRMLS.md "Fault model"): it holds header keys, opens a datagram, changes one layer
/// or field and re-seals it. Every mutation passes the outer seal (so MLS verification is reached)
/// and the receiver answers with a typed Rejected, its saved state byte-identical; nothing altered
/// is Delivered. Datagrams tried: the first of a new epoch (its staple is the Commit the receiver
/// misses), a later one of the same epoch (the Commit is known), and a late one of a retained epoch.
/// </summary>
public sealed class PairInsiderTests(ITestOutputHelper output)
{
    private sealed record Target(string Name, byte[] Datagram, byte[] Receiver, PairInsider Insider);

    private static List<Target> Targets(ushort suite)
    {
        var kit = new PairTestKit(seed: 77, suite: suite).Joined();
        var (alice, bob) = (kit.A, kit.Bob);
        Exchange(alice, bob, "a1");
        Exchange(bob, alice, "b1");
        var targets = new List<Target>();
        // Alice commits into her next epoch: the staple is the Commit Bob misses.
        byte[] bobBefore = bob.Save();
        var first = alice.Send(Bytes("a2"));
        var second = alice.Send(Bytes("a3"));
        targets.Add(new("first datagram of a new epoch", first.Datagram, bobBefore, PairInsider.Of(alice)));
        Assert.IsType<Delivered>(bob.Receive(first.Datagram));
        targets.Add(new("later datagram of the epoch", second.Datagram, bob.Save(), PairInsider.Of(alice)));
        var late = alice.Send(Bytes("a4"));
        Assert.IsType<Delivered>(bob.Receive(second.Datagram));
        Exchange(bob, alice, "b2");
        targets.Add(new("late datagram of a retained epoch", late.Datagram, bob.Save(), PairInsider.Of(alice)));
        return targets;
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)3)]
    public void EveryMutationPassesTheSealAndIsRejectedWithTheStateUnchanged(ushort suite)
    {
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in Targets(suite))
        {
            foreach (var mutation in PairInsider.Mutations)
            {
                var random = new DeterministicRandomSource(5, $"{t.Name}/{mutation}");
                var mutated = t.Insider.Mutate(t.Datagram, mutation, random);
                Assert.True(mutated is not null, $"{mutation} did not apply to the {t.Name}");
                Assert.NotEqual(t.Datagram, mutated);
                // The insider re-sealed it under a key the receiver holds: the seal itself passes.
                Assert.NotNull(t.Insider.EpochOf(mutated));

                var receiver = PairSession.Load(t.Receiver, PairOptions.Default with { Suite = suite }, new DeterministicRandomSource(9));
                var outcome = receiver.Receive(mutated);
                var rejected = Assert.IsType<Rejected>(outcome);
                Assert.False(rejected.StateChanged);
                Assert.Equal(t.Receiver, receiver.Save());
                reasons.Add(rejected.Reason.ToString());
                output.WriteLine($"suite {suite}, {t.Name}, {mutation}: Rejected:{rejected.Reason} ({rejected.Detail})");
                // Only a changed group id may look like another session's; every other mutation is stopped inside the seal.
                if (mutation != InsiderMutation.ApplicationGroupId) Assert.NotEqual(RejectReason.NotForThisSession, rejected.Reason);
            }
        }
        // MLS verification, not one catch-all, stops them: several distinct reasons.
        Assert.True(reasons.Count >= 4, "reasons: " + string.Join(", ", reasons));
    }

    [Fact]
    public void TheInsiderCannotOpenWhatItHasNoKeyFor()
    {
        var kit = new PairTestKit(seed: 78);
        var welcomeEpoch = kit.Bob.Send(Bytes("w"));
        // Bob's datagrams of w are sealed to the invitation (HPKE): no header key opens them.
        var insider = PairInsider.Of(kit.Bob);
        Assert.Null(insider.EpochOf(welcomeEpoch.Datagram));
        Assert.Null(insider.MutateAny(welcomeEpoch.Datagram, InsiderMutation.ApplicationCiphertext, new DeterministicRandomSource(1)));
        // Another conversation's insider opens none of this one's datagrams.
        var other = new PairTestKit(seed: 79).Joined();
        var kit2 = new PairTestKit(seed: 80).Joined();
        var sent = kit2.A.Send(Bytes("x"));
        Assert.Null(PairInsider.Of(other.A).EpochOf(sent.Datagram));
        Assert.NotNull(PairInsider.Of(kit2.A).EpochOf(sent.Datagram));
    }

    [Fact]
    public void LearningKeepsTheNewestEpochsAndCopiesTheKeys()
    {
        var kit = new PairTestKit(seed: 81).Joined();
        var insider = PairInsider.Of(kit.Bob);
        var before = insider.Epochs;
        Exchange(kit.A, kit.Bob, "a");
        Exchange(kit.Bob, kit.A, "b");
        insider.Learn(PairInsider.Of(kit.A));
        Assert.True(insider.Epochs.Count > before.Count);
        Assert.Equal(insider.Epochs.Order(), insider.Epochs);
        var sent = kit.A.Send(Bytes("c"));
        Assert.NotNull(insider.EpochOf(sent.Datagram));
        Assert.Throws<ArgumentException>(() => insider.Learn(PairInsider.Of(new PairTestKit(seed: 82, suite: 3).Joined().A)));
        Assert.DoesNotContain("key", insider.ToString().Replace("header keys", ""), StringComparison.OrdinalIgnoreCase);
    }
}
