using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Protocols;

/// <summary>
/// The static-keys baseline (<see cref="StaticKeysSession"/>) behind the seam. It claims integrity,
/// exactly-once delivery and convergence of cards; it claims no forward secrecy, no post-compromise
/// security and has no epochs (so no parity, no forks).
/// </summary>
public sealed class StaticKeysProtocol(ushort suite) : IConversationProtocol
{
    public const string DefaultName = "statickeys";

    public string Name => DefaultName;

    public ProtocolClaims Claims => ClaimsOf;

    public static ProtocolClaims ClaimsOf => ProtocolClaims.Integrity | ProtocolClaims.ExactlyOnce;

    public bool UsesDeliveryService => false;

    public IProtocolInvitation CreateInvitation(Card card, IRandomSource random) => new Invitation(StaticKeysSession.Invite(card, suite, random));

    public IProtocolSession Accept(object invitation, Card card, IRandomSource random) =>
        new Conversation(StaticKeysSession.Accept((StaticKeysInvitationPublic)invitation, card, random));

    public IProtocolSession Load(ReadOnlySpan<byte> state, IRandomSource random) => new Conversation(StaticKeysSession.Load(state, random));

    public IStateThief Steal(ReadOnlySpan<byte> state, IRandomSource random) => new Thief(StaticKeysSession.Load(state, random));

    /// <summary>Opens with the stolen long-term key: the party's delivered-counter window is bookkeeping, not key material, so it is ignored.</summary>
    private sealed class Thief(StaticKeysSession stolen) : IStateThief
    {
        public byte[]? Open(ReadOnlySpan<byte> datagram) => stolen.OpenWithKeysOnly(datagram);
    }

    private sealed class Invitation(StaticKeysInvitation invitation) : IProtocolInvitation
    {
        public object Public => invitation.Public;

        public IProtocolSession? TryJoin(ReadOnlySpan<byte> datagram, out ProtocolReceive received)
        {
            var joined = invitation.TryJoin(datagram, out var outcome);
            received = new ProtocolReceive(outcome, joined is not null);
            return joined is null ? null : new Conversation(joined);
        }

        public void Dispose() { }
    }

    private sealed class Conversation(StaticKeysSession session) : IProtocolSession
    {
        public ulong Epoch => 0;

        public IdentityView MyView => session.MyView;

        public ProtocolSend Send(ReadOnlySpan<byte> payload, bool cardEdit, bool rollOver)
        {
            CardEdit? edit = cardEdit ? new CardEdit($"{session.DesiredCard.DisplayName} {session.DesiredCard.Version + 1}") : null;
            var (datagram, state) = session.Send(payload, edit);
            ulong? asked = cardEdit ? session.DesiredCard.Version : null;
            // No agent rollover: static keys never change (a rollover request is counted, not faked).
            if (rollOver) _rollOversRefused++;
            return new ProtocolSend([new Outgoing(datagram, 0, payload.ToArray(), asked)], state);
        }

        private long _rollOversRefused;

        public ProtocolReceive Receive(ReadOnlySpan<byte> datagram)
        {
            var outcome = session.Receive(datagram);
            return new ProtocolReceive(outcome, outcome is Delivered);
        }

        public byte[] Save() => session.Save();

        public EpochStart? StartOf(ulong epoch) => null;

        public PartySummary Describe(PartySummary summary) => summary with
        {
            Epoch = 0,
            CardVersion = session.MyView.CardVersion,
            Agent = session.MyView.AgentId.Value,
            PeerCardVersion = session.PeerView?.CardVersion,
            PeerAgent = session.PeerView?.AgentId.Value,
            DesiredCardVersion = session.DesiredCard.Version,
            PendingIdentity = false,
        };

        public IReadOnlyDictionary<string, long> Metrics => new Dictionary<string, long>
        {
            ["messages_sent"] = (long)session.Sent,
            ["rollovers_refused"] = _rollOversRefused,
        };
    }
}
