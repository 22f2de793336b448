using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Simulator.Network;

/// <summary>
/// Honest datagrams that are not this conversation's, for the network to inject (PAIRMLS.md "Fault
/// model": datagrams from another session of the same suite, and of a party who accepted the same
/// invitation). Real PairMLS sessions make them, from the world's seed: a third conversation (Carol
/// invites, Dave accepts) that exchanges a few messages across epochs, and a rival who accepted
/// Alice's own invitation (its datagrams are sealed to that invitation, as Bob's first ones are).
/// </summary>
public sealed record ForeignDatagrams(IReadOnlyList<byte[]> ThirdSession, IReadOnlyList<byte[]> Rival)
{
    public static readonly ForeignDatagrams None = new([], []);

    public static ForeignDatagrams Make(ushort suite, InvitationPublic invitation, DeterministicRandomSource random, Func<ulong> clock, int exchanges = 3)
    {
        // The world's virtual clock: lifetimes (RFC 9420 §7.3) are checked against it, as for Alice and Bob.
        var options = PairOptions.Default with { Suite = suite, Clock = clock };
        var third = new List<byte[]>();
        using (var inv = Invitation.Create(Card.Create("Carol"), options, random.Derive("carol")))
        {
            var dave = PairSession.Accept(inv.Public, Card.Create("Dave"), null, options, random.Derive("dave"));
            var first = dave.Send(Payload(1)).Datagram;
            third.Add(first);
            var carol = inv.TryJoin(first, out _) ?? throw new InvalidOperationException("the third session's inviter did not join");
            for (int i = 0; i < exchanges; i++)
            {
                var fromCarol = carol.Send(Payload(2 + 2 * i)).Datagram;
                third.Add(fromCarol);
                dave.Receive(fromCarol);
                var fromDave = dave.Send(Payload(3 + 2 * i)).Datagram;
                third.Add(fromDave);
                carol.Receive(fromDave);
            }
        }
        var mallory = PairSession.Accept(invitation, Card.Create("Mallory"), null, options, random.Derive("mallory"));
        var rival = Enumerable.Range(0, exchanges).Select(i => mallory.Send(Payload(100 + i)).Datagram).ToList();
        return new ForeignDatagrams(third, rival);
    }

    // Payload ids far from the world's own (which count up from 1), so a leak is recognisable.
    private static byte[] Payload(long n) => BitConverter.GetBytes(long.MaxValue - n);
}
