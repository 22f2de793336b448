using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Simulator.Tests.Protocols;

/// <summary>
/// The protocol seam: the party actor runs whatever <see cref="IConversationProtocol"/> it is given.
/// A test double (inside this layer's unit test only) holds a message back until the peer's datagram
/// arrives, as a protocol that must wait for the peer does: the actor persists before the released
/// datagram leaves and traces its Send with the payload id it waited with.
/// </summary>
public sealed class ProtocolSeamTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_message_that_waits_leaves_when_the_receive_releases_it_after_its_state_is_persisted()
    {
        var protocol = new WaitingProtocol();
        var config = new PartyConfig(Party.Bob, Card.Create("Bob"), PairOptions.Default, new DeterministicRandomSource(1, "seam")) { Protocol = protocol };
        var bob = Sys.ActorOf(PartyActor.Props(config), "bob");
        bob.Tell(new PartyActor.AcceptInvitation("invitation"), TestActor);
        ExpectMsg<PartyActor.PartyReply>(Wait);

        bob.Tell(new PartyActor.UserSend(7, Payload.Create(7, 16, new DeterministicRandomSource(7))), TestActor);
        var waiting = ExpectMsg<PartyActor.PartyReply>(Wait);
        Assert.Empty(waiting.Datagrams);
        Assert.DoesNotContain(waiting.Events, e => e.Kind == TraceKind.Send);

        bob.Tell(new PartyActor.Deliver([1, 2, 3]), TestActor);
        var released = ExpectMsg<PartyActor.PartyReply>(Wait);
        var o = Assert.Single(released.Datagrams);
        var send = Assert.IsType<SendEvent>(Assert.Single(released.Events, e => e.Kind == TraceKind.Send));
        Assert.Equal(7, send.PayloadId);
        Assert.Equal(TraceLog.IdOf(o.Datagram), send.Datagram);
        bob.Tell(new PartyActor.GetDisk(), TestActor);
        var disk = ExpectMsg<PartyActor.DiskReport>(Wait);
        // Accept, send, receive: the state that released the datagram is on disk.
        Assert.Equal(3, disk.Saves);
        Assert.Equal(TraceLog.IdOf(protocol.LastSaved!), disk.LastStateId);
    }

    [Fact]
    public void Checkers_run_only_for_the_invariants_a_protocol_claims()
    {
        Assert.Equal(Checkers.All.Count, Checkers.For(ProtocolClaims.All).Count);
        Assert.Empty(Checkers.For(ProtocolClaims.None));
        Assert.Equal(["Integrity"], Checkers.For(ProtocolClaims.Integrity).Select(c => c.Name));
        Assert.Equal(ProtocolClaims.All, ProtocolCatalog.ClaimsOf(null));
    }

    [Fact]
    public void An_unknown_protocol_name_is_refused_with_the_known_names()
    {
        var e = Assert.Throws<ArgumentException>(() => ProtocolCatalog.Create("nope", 1, 2));
        Assert.Contains("pairmls", e.Message);
    }

    /// <summary>Sends nothing until a datagram arrives, then releases what waited. Not a protocol: a probe of the seam.</summary>
    private sealed class WaitingProtocol : IConversationProtocol
    {
        public byte[]? LastSaved;
        public string Name => "waiting-double";
        public ProtocolClaims Claims => ProtocolClaims.None;
        public bool UsesDeliveryService => false;
        public IProtocolInvitation CreateInvitation(Card card, IRandomSource random) => throw new InvalidOperationException("the double only accepts");
        public IProtocolSession Accept(object invitation, Card card, IRandomSource random) => new Session(this, card);
        public IProtocolSession Load(ReadOnlySpan<byte> state, IRandomSource random) => throw new InvalidOperationException("the double is never loaded");
        public IStateThief Steal(ReadOnlySpan<byte> state, IRandomSource random) => throw new InvalidOperationException("the double is never stolen");

        private sealed class Session(WaitingProtocol owner, Card card) : IProtocolSession
        {
            private readonly List<byte[]> _waiting = [];
            private int _version;
            private readonly Agent _agent = Agent.Create(Engine.Crypto.CipherSuite.Get(1), new DeterministicRandomSource(9, "double"));
            public ulong Epoch => 0;
            public IdentityView MyView => IdentityView.Create(_agent.Suite, _agent.PublicKey, _agent.AssertCard(card, [0]), []);
            public ProtocolSend Send(ReadOnlySpan<byte> payload, bool cardEdit, bool rollOver)
            {
                _waiting.Add(payload.ToArray());
                return new ProtocolSend([], Save());
            }
            public ProtocolReceive Receive(ReadOnlySpan<byte> datagram)
            {
                var released = _waiting.Select(p => new Outgoing([.. p, 0xff], 0, p)).ToList();
                _waiting.Clear();
                return new ProtocolReceive(new Rejected(RejectReason.Malformed, "double"), Changed: true) { Datagrams = released };
            }
            public byte[] Save() => owner.LastSaved = [(byte)++_version, (byte)_waiting.Count];
            public EpochStart? StartOf(ulong epoch) => null;
            public PartySummary Describe(PartySummary summary) => summary;
            public IReadOnlyDictionary<string, long> Metrics => new Dictionary<string, long>();
        }
    }
}
