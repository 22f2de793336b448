using System.Text;
using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Baselines;

/// <summary>The static-keys baseline: HPKE to the peer's long-term key and signatures work, bad input changes nothing, and a stolen state never stops working.</summary>
public sealed class StaticKeysTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static (StaticKeysSession Alice, StaticKeysSession Bob) Conversation(ulong seed)
    {
        var random = new DeterministicRandomSource(seed, "static-keys-tests");
        var invitation = StaticKeysSession.Invite(Card.Create("Alice"), 1, random.Derive("alice"));
        var bob = StaticKeysSession.Accept(invitation.Public, Card.Create("Bob"), random.Derive("bob"));
        var alice = invitation.TryJoin(bob.Send(B("hello")).Datagram, out var outcome);
        Assert.Equal("hello", Encoding.UTF8.GetString(Assert.IsType<Delivered>(outcome).Payload));
        return (alice!, bob);
    }

    [Fact]
    public void Messages_go_both_ways_once_and_a_card_edit_is_delivered_at_once()
    {
        var (alice, bob) = Conversation(1);
        var d = alice.Send(B("hi Bob"), new CardEdit("Alice 2")).Datagram;
        var got = Assert.IsType<Delivered>(bob.Receive(d));
        Assert.Equal("hi Bob", Encoding.UTF8.GetString(got.Payload));
        Assert.Equal(2ul, Assert.Single(got.Committed).View.CardVersion);
        Assert.IsType<Duplicate>(bob.Receive(d));
    }

    [Fact]
    public void Tampered_foreign_and_garbage_datagrams_are_rejected_and_change_nothing()
    {
        var (alice, bob) = Conversation(2);
        var (other, _) = Conversation(3);
        var before = bob.Save();
        var d = alice.Send(B("x")).Datagram;
        var flipped = (byte[])d.Clone();
        flipped[^3] ^= 0x10;
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(bob.Receive(flipped)).Reason);
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(bob.Receive(other.Send(B("y")).Datagram)).Reason);
        Assert.IsType<Rejected>(bob.Receive([1, 2, 3]));
        Assert.Equal(before, bob.Save());
        Assert.IsType<Delivered>(bob.Receive(d));
    }

    [Fact]
    public void A_stolen_state_opens_every_later_message_to_its_owner_and_the_earlier_ones_too()
    {
        var (alice, bob) = Conversation(4);
        var early = bob.Send(B("before the theft")).Datagram;
        Assert.IsType<Delivered>(alice.Receive(early));
        var stolen = StaticKeysSession.Load(alice.Save(), new DeterministicRandomSource(99, "thief"));
        // No forward secrecy: the thief opens what Alice had already read.
        Assert.IsType<Duplicate>(stolen.Receive(early));
        // No post-compromise security: however long the conversation goes on, nothing changes key.
        for (int i = 0; i < 20; i++)
        {
            Assert.IsType<Delivered>(bob.Receive(alice.Send(B("ping")).Datagram));
            var later = bob.Send(B($"much later {i}"), i % 5 == 0 ? new CardEdit($"Bob {i}") : null).Datagram;
            Assert.IsType<Delivered>(alice.Receive(later));
            Assert.Equal($"much later {i}", Encoding.UTF8.GetString(Assert.IsType<Delivered>(stolen.Receive(later)).Payload));
        }
    }

    [Fact]
    public void Saved_state_round_trips_and_garbage_state_is_a_decode_error()
    {
        var (alice, _) = Conversation(5);
        var saved = alice.Save();
        Assert.Equal(saved, StaticKeysSession.Load(saved, new DeterministicRandomSource(1)).Save());
        Assert.Throws<Sim.Engine.Codec.MlsDecodeException>(() => StaticKeysSession.Load(saved[..^2], new DeterministicRandomSource(1)));
    }
}
