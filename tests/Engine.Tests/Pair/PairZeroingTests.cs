using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Engine.Schedule;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// "Deleted means deleted" (issue 16, item 7; RFC 9420 §9.2): each test holds a reference to a secret
/// while the session still uses it, lets the session move on until the secret must be gone, and
/// checks that its bytes are zero, while a saved copy taken before still works.
/// </summary>
public sealed class PairZeroingTests
{
    private static void AssertZeroed(Secret secret)
    {
        Assert.True(secret.IsCleared);
        Assert.All(secret.BufferForTests.ToArray(), b => Assert.Equal(0, b));
    }

    private static void AssertNotZeroed(Secret secret)
    {
        Assert.False(secret.IsCleared);
        Assert.Contains(secret.BufferForTests.ToArray(), b => b != 0);
    }

    [Fact]
    public void EpochSecrets_AreZeroed_WhenTheEpochLeavesTheRetentionWindow_AndASavedCopyStillWorks()
    {
        var kit = new PairTestKit(seed: 61).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "bob's epoch");
        // Alice is in Bob's epoch e; Bob sends a datagram in e that stays in flight.
        var late = b.Send(Bytes("late"));
        ulong e = a.Epoch;
        // The epoch's encryption_secret went into its secret tree and is gone (RFC 9420 §9.2).
        Assert.Null(a.State.Group.Secrets.EncryptionSecret);
        var senderData = a.State.Group.Secrets.SenderDataSecret;
        var saved = a.Save();

        // e ends: its epoch secrets go (the past-epoch copy keeps only what late messages need).
        Exchange(a, b, "next");
        AssertZeroed(senderData);
        var past = Assert.Single(a.State.Group.PastEpochs, p => p.Epoch == e);
        var pastSenderData = past.SenderDataSecret;
        var pastTree = past.SecretTree;
        AssertNotZeroed(pastSenderData);

        // R = 2 more epochs later e leaves the window: its retained keys are zeroed too.
        Exchange(b, a, "one");
        Exchange(a, b, "two");
        Assert.DoesNotContain(a.State.Group.PastEpochs, p => p.Epoch == e);
        Assert.Equal(e + (ulong)kit.Options.RetentionWindow + 1, a.Epoch);
        AssertZeroed(pastSenderData);
        Assert.Equal(0, pastTree.RetainedNodeSecretCount);
        Assert.IsType<Expired>(a.Receive(late.Datagram));

        // The copy saved before owns its own bytes: it still opens the late datagram of e.
        var restored = PairSession.Load(saved, kit.Options, new DeterministicRandomSource(1));
        Assert.Equal("late", Text(Assert.IsType<Delivered>(restored.Receive(late.Datagram)).Payload));
    }

    [Fact]
    public void UntakenProposalKeys_AreZeroed_WhenThePeersCommitShowsTheyCanNoLongerBeTaken()
    {
        var kit = new PairTestKit(seed: 62).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var first = a.Send(Bytes("edit 1"), new CardEdit("Alice 1"));
        var second = a.Send(Bytes("edit 2"), new CardEdit("Alice 2"));
        var keys = a.State.Group.Proposals.Select(p => p.Own!.LeafPrivateKey).ToList();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, AssertNotZeroed);
        Assert.IsType<Delivered>(b.Receive(first.Datagram));
        Assert.IsType<Delivered>(b.Receive(second.Datagram));
        var commit = b.Send(Bytes("taken"));
        // A rejected datagram zeroes nothing.
        var tampered = (byte[])commit.Datagram.Clone();
        tampered[^1] ^= 1;
        Assert.IsType<Rejected>(a.Receive(tampered));
        Assert.All(keys, AssertNotZeroed);
        Assert.IsType<Delivered>(a.Receive(commit.Datagram));
        Assert.Equal("Alice 2", a.MyView.Card.DisplayName);
        // Neither can be taken any more (the taken one's key now lives, copied, in the tree's private state).
        Assert.All(keys, AssertZeroed);
        Exchange(a, b, "after");
        AssertConverged(a, b);
    }

    [Fact]
    public void HeaderKeys_AreZeroed_OnceOlderThanH()
    {
        var options = PairOptions.Default with { HeaderKeyHorizon = 4 };
        var kit = new PairTestKit(seed: 63, options).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        ulong e = a.Epoch;
        var key = a.State.HeaderKeys[e];
        for (int i = 0; i < 3; i++)
        {
            Exchange(b, a, "b" + i);
            Exchange(a, b, "a" + i);
        }
        Assert.DoesNotContain(e, a.HeldEpochs);
        Assert.All(key, x => Assert.Equal(0, x));
    }

    [Fact]
    public void InvitationInitKey_IsZeroed_OnceTheWelcomeEpochIsOlderThanRPlusTwo()
    {
        var kit = new PairTestKit(seed: 64).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var init = a.State.InvitationInitPrivateKey!;
        AssertNotZeroed(init);
        for (int i = 0; i < 3; i++)
        {
            Exchange(a, b, "a" + i);
            Exchange(b, a, "b" + i);
        }
        Assert.Null(a.State.InvitationInitPrivateKey);
        AssertZeroed(init);
    }
}
