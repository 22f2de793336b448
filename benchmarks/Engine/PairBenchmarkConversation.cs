using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>The PairMLS conversation the benchmarks start from: Alice invites, Bob accepts and writes, Alice joins and answers.</summary>
internal static class PairBenchmarkConversation
{
    public static (PairSession Alice, PairSession Bob) Start(string stream, byte[] payload)
    {
        var options = PairOptions.Default;
        var random = new DeterministicRandomSource(5, stream);
        var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
        var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));
        var alice = invitation.TryJoin(bob.Send(payload).Datagram, out _)!;
        bob.Receive(alice.Send(payload).Datagram);
        return (alice, bob);
    }
}
