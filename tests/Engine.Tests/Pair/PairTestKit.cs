using System.Text;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Pair;

/// <summary>Builds PairMLS conversations deterministically from a seed: Alice invites, Bob accepts, Alice joins.</summary>
internal sealed class PairTestKit
{
    public PairOptions Options { get; }
    public DeterministicRandomSource Random { get; }
    public Invitation Invitation { get; }
    public PairSession Bob { get; }
    public PairSession? Alice { get; private set; }

    public static Card AliceCard => Card.Create("Alice", [new CardField("email", "alice@example.org")]);
    public static Card BobCard => Card.Create("Bob", [new CardField("email", "bob@example.org")]);

    public PairTestKit(ulong seed = 1, PairOptions? options = null, ushort suite = 1)
    {
        Options = (options ?? PairOptions.Default) with { Suite = suite };
        Random = new DeterministicRandomSource(seed, "pair-tests");
        Invitation = Invitation.Create(AliceCard, Options, Random.Derive("alice"));
        Bob = PairSession.Accept(Invitation.Public, BobCard, null, Options, Random.Derive("bob"));
    }

    /// <summary>Bob sends his first datagram (in w); Alice joins from it.</summary>
    public PairTestKit Joined(string text = "hello Alice")
    {
        var first = Bob.Send(Bytes(text));
        Alice = Invitation.TryJoin(first.Datagram, out var outcome);
        Assert.NotNull(Alice);
        Assert.Equal(text, Text(Assert.IsType<Delivered>(outcome).Payload));
        return this;
    }

    /// <summary>The invitation's init private key (for the test that opens a w datagram by hand).</summary>
    public byte[] InvitationInitPrivateKey() => Invitation.InitPrivateKeyForTests.ToArray();

    public PairSession A => Alice ?? throw new InvalidOperationException("Alice has not joined");

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
    public static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    /// <summary>Sends <paramref name="text"/> from <paramref name="from"/> and delivers it to <paramref name="to"/>.</summary>
    public static Delivered Exchange(PairSession from, PairSession to, string text, CardEdit? edit = null, bool rollOver = false)
    {
        var sent = from.Send(Bytes(text), edit, rollOver);
        var delivered = Assert.IsType<Delivered>(to.Receive(sent.Datagram));
        Assert.Equal(text, Text(delivered.Payload));
        return delivered;
    }

    /// <summary>A party restored from <paramref name="saved"/> (a rollback), with a random source of its own named <paramref name="name"/>.</summary>
    public static PairSession Restore(byte[] saved, PairTestKit kit, string name) =>
        PairSession.Load(saved, kit.Options, new DeterministicRandomSource(99, name));

    /// <summary>Both sides agree on everything the convergence checker compares.</summary>
    public static void AssertConverged(PairSession a, PairSession b)
    {
        Assert.Equal(a.Epoch, b.Epoch);
        Assert.Equal(a.EpochAuthenticator, b.EpochAuthenticator);
        Assert.Equal(a.TreeHash, b.TreeHash);
        Assert.Equal(a.GroupContextHash, b.GroupContextHash);
        Assert.Equal(a.MyView, b.PeerView);
        Assert.Equal(a.PeerView, b.MyView);
    }
}
