using System.Text;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Pair;

/// <summary>README.md "PairMLS in a few lines", run as written (with a seeded random source).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeExampleRuns()
    {
        var random = new DeterministicRandomSource(2026, "readme");
        using var invitation = Invitation.Create(Card.Create("Alice"), PairOptions.Default, random);
        byte[] shared = invitation.Public.ToBytes();

        var bob = PairSession.Accept(InvitationPublic.FromBytes(shared), Card.Create("Bob"), null, PairOptions.Default, random);
        var sent = bob.Send("hello"u8);
        var alice = invitation.TryJoin(sent.Datagram, out var first);
        Assert.NotNull(alice);
        Assert.Equal("hello", Encoding.UTF8.GetString(Assert.IsType<Delivered>(first).Payload));

        var reply = alice!.Send("hi"u8, new CardEdit(DisplayName: "Alice A."), rollOverAgent: false);
        var delivered = Assert.IsType<Delivered>(bob.Receive(reply.Datagram));
        Assert.Equal("hi", Encoding.UTF8.GetString(delivered.Payload));
        Assert.IsType<Duplicate>(bob.Receive(reply.Datagram));

        byte[] saved = bob.Save();
        var restored = PairSession.Load(saved, PairOptions.Default, random);
        Assert.Equal(bob.Epoch, restored.Epoch);
        Assert.Equal(saved, restored.Save());
    }
}
