using System.Text;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Scenarios.Fuzz;

/// <summary>A receive path under fuzzing: what it answers, and its state as bytes (to check a rejection changed nothing).</summary>
public interface IFuzzReceiver
{
    ReceiveOutcome Receive(ReadOnlySpan<byte> datagram);

    /// <summary>The receiver's whole persistent state (empty when it has none to compare).</summary>
    byte[] Save();
}

/// <summary>
/// One honest datagram of a real conversation and a receiver it is valid for, as the fuzzer starts from:
/// <paramref name="Path"/> names the Receive path (<c>PairSession.Receive</c> or <c>Invitation.TryJoin</c>),
/// <paramref name="Insider"/> holds the sender's header keys, or for the acceptor's datagrams of w (sealed by HPKE to
/// the invitation, which no header key opens) the invitation's private init key: only the invitee could open those.
/// </summary>
public sealed record FuzzEntry(string Name, ushort Suite, string Path, byte[] Datagram, byte[] Payload, Func<IFuzzReceiver> NewReceiver, PairInsider? Insider)
{
    public override string ToString() => $"suite {Suite}: {Name} ({Path})";
}

/// <summary>
/// The fuzzer's starting points, per cipher suite, from one seed: a conversation (Alice invites, Bob
/// accepts) whose datagrams cover every Receive path and every kind of staple: Bob's first datagram
/// of w (the invitee joins from it: <c>Invitation.TryJoin</c>), a second one of w (sealed to the
/// invitation, opened by the joined invitee), Alice's first commit (with her agent rollover), a card
/// edit in the same epoch, Bob's commit into his next epoch, an agent rollover, and a late datagram
/// of a retained past epoch. Each with the receiver's saved state from just before it.
/// </summary>
public static class FuzzCorpus
{
    public const string SessionPath = "PairSession.Receive";
    public const string JoinPath = "Invitation.TryJoin";

    public static IReadOnlyList<FuzzEntry> Build(ushort suite, ulong seed)
    {
        var options = PairOptions.Default with { Suite = suite };
        var random = new DeterministicRandomSource(seed, $"fuzz-corpus/{suite}");
        var entries = new List<FuzzEntry>();
        var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
        var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));

        var w1 = bob.Send(Text("w1"));
        var w2 = bob.Send(Text("w2"));
        // Only the invitee can open the datagrams of w: the fuzzer holds the invitation, so its insider does too.
        var invitee = PairInsider.OfInvitation(invitation);
        entries.Add(new("first datagram of w (join)", suite, JoinPath, w1.Datagram, Text("w1"), () => new JoinReceiver(invitation), invitee));
        var alice = invitation.TryJoin(w1.Datagram, out _) ?? throw new InvalidOperationException($"suite {suite}: the invitee did not join");

        void Add(string name, PairSession from, PairSession to, SendResult sent, string text)
        {
            byte[] saved = to.Save();
            entries.Add(new(name, suite, SessionPath, sent.Datagram, Text(text), () => SessionReceiver.Load(saved, options), PairInsider.Of(from)));
            if (to.Receive(sent.Datagram) is not Delivered) throw new InvalidOperationException($"suite {suite}: the honest datagram '{name}' was not Delivered");
        }

        byte[] aliceBeforeW2 = alice.Save();
        entries.Add(new("second datagram of w (sealed to the invitation)", suite, SessionPath, w2.Datagram, Text("w2"), () => SessionReceiver.Load(aliceBeforeW2, options), invitee));
        alice.Receive(w2.Datagram);
        Add("invitee's first commit (agent rollover)", alice, bob, alice.Send(Text("a1")), "a1");
        Add("card edit in the same epoch", alice, bob, alice.Send(Text("a2"), new CardEdit("Alice A.")), "a2");
        Add("acceptor's commit into its next epoch", bob, alice, bob.Send(Text("b1")), "b1");
        var late = bob.Send(Text("b2"));
        Add("agent rollover", alice, bob, alice.Send(Text("a3"), rollOverAgent: true), "a3");
        Add("late datagram of a retained past epoch", bob, alice, late, "b2");
        return entries;
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A joined session, loaded from its saved bytes.</summary>
    private sealed class SessionReceiver(PairSession session) : IFuzzReceiver
    {
        public static SessionReceiver Load(byte[] saved, PairOptions options) => new(PairSession.Load(saved, options, new DeterministicRandomSource(0, "fuzz-receiver")));

        public ReceiveOutcome Receive(ReadOnlySpan<byte> datagram) => session.Receive(datagram);

        public byte[] Save() => session.Save();
    }

    /// <summary>The invitee before joining: <c>TryJoin</c> keeps no state of its own (a session is made only on success).</summary>
    private sealed class JoinReceiver(Invitation invitation) : IFuzzReceiver
    {
        public ReceiveOutcome Receive(ReadOnlySpan<byte> datagram)
        {
            invitation.TryJoin(datagram, out var outcome, new DeterministicRandomSource(0, "fuzz-join"));
            return outcome;
        }

        public byte[] Save() => [];
    }
}
