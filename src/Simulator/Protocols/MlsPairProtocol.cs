using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Protocols;

/// <summary>
/// The two-member RFC 9420 baselines (<see cref="MlsPairClient"/>) behind the seam: "centralds" (a
/// central delivery service orders commits; the world routes every datagram through its
/// <see cref="DeliveryServiceActor"/>) and "selfcommit" (parity ownership, each party commits its own
/// update; datagrams go straight to the peer). Both claim integrity and fork freedom; selfcommit also
/// parity. Neither claims decryptability or liveness under faults (a commit and the message after it
/// travel apart), nor PCS against a hostile server: those are what the comparison measures.
/// </summary>
public sealed class MlsPairProtocol(CommitRule rule, ushort suite, int retentionWindow) : IConversationProtocol
{
    public const string CentralDsName = "centralds";
    public const string SelfCommitName = "selfcommit";

    public CommitRule Rule => rule;

    public string Name => rule == CommitRule.DeliveryServiceOrders ? CentralDsName : SelfCommitName;

    public ProtocolClaims Claims => ClaimsFor(rule);

    public static ProtocolClaims ClaimsFor(CommitRule rule) => rule == CommitRule.OwnEpochsByParity
        ? ProtocolClaims.Integrity | ProtocolClaims.ForkFreedom | ProtocolClaims.Parity
        : ProtocolClaims.Integrity | ProtocolClaims.ForkFreedom;

    public bool UsesDeliveryService => rule == CommitRule.DeliveryServiceOrders;

    public IProtocolInvitation CreateInvitation(Card card, IRandomSource random) =>
        new Invitation(MlsPairClient.Invite(card, suite, rule, retentionWindow, random));

    public IProtocolSession Accept(object invitation, Card card, IRandomSource random) =>
        new Conversation(MlsPairClient.Accept((MlsPairInvitationPublic)invitation, card, rule, retentionWindow, random));

    public IProtocolSession Load(ReadOnlySpan<byte> state, IRandomSource random) => new Conversation(MlsPairClient.Load(state, retentionWindow, random));

    public IStateThief Steal(ReadOnlySpan<byte> state, IRandomSource random) => new FollowingThief(Load(state, random));

    private sealed class Invitation(MlsPairInvitation invitation) : IProtocolInvitation
    {
        public object Public => invitation.Public;

        public IProtocolSession? TryJoin(ReadOnlySpan<byte> datagram, out ProtocolReceive received)
        {
            var joined = invitation.TryJoin(datagram, out var outcome);
            received = new ProtocolReceive(outcome, joined is not null);
            return joined is null ? null : new Conversation(joined);
        }

        public void Dispose() => invitation.Dispose();
    }

    private sealed class Conversation(MlsPairClient client) : IProtocolSession
    {
        public ulong Epoch => client.Epoch;

        public IdentityView MyView => client.MyView;

        public ProtocolSend Send(ReadOnlySpan<byte> payload, bool cardEdit, bool rollOver)
        {
            CardEdit? edit = cardEdit ? new CardEdit($"{client.DesiredCard.DisplayName} {client.DesiredCard.Version + 1}") : null;
            var bytes = payload.ToArray();
            ulong before = client.Epoch;
            var (datagrams, state) = client.Send(payload, edit);
            return new ProtocolSend(datagrams.Select(d => Out(d, bytes)).ToList(), state) { CommitByMe = StarterOf(before) };
        }

        /// <summary>When the epoch moved: whether the commit that started the new one was made by this client (it signed it) or processed from the peer.</summary>
        private bool? StarterOf(ulong before) => client.Epoch == before ? null : client.StartOf(client.Epoch)?.ByMe;

        private static Outgoing Out(BaselineDatagram d, byte[]? payload) => new(d.Bytes, d.Epoch, d.CarriesPayload ? payload : null, d.CardVersion);

        public ProtocolReceive Receive(ReadOnlySpan<byte> datagram)
        {
            ulong before = client.Epoch;
            var (outcome, datagrams) = client.Receive(datagram);
            return new ProtocolReceive(outcome, outcome is Delivered or HandshakeApplied)
            {
                Datagrams = datagrams.Select(d => Out(d, null)).ToList(),
                CommitByMe = StarterOf(before),
                EarlierCommitsByMe = Between(before),
            };
        }

        /// <summary>The starters of the epochs a receive passed through before its last (the peer's commit under a commit of ours).</summary>
        private Dictionary<ulong, bool> Between(ulong before)
        {
            var starters = new Dictionary<ulong, bool>();
            for (ulong e = before + 1; e < client.Epoch; e++)
                if (client.StartOf(e) is { } s) starters[e] = s.ByMe;
            return starters;
        }

        public byte[] Save() => client.Save();

        public EpochStart? StartOf(ulong epoch) => client.StartOf(epoch) is { } s ? new EpochStart(s.Hash, s.ByMe) : null;

        public PartySummary Describe(PartySummary summary) => summary with
        {
            Epoch = client.Epoch,
            WelcomeEpoch = client.WelcomeEpoch,
            EpochAuthHash = TraceLog.IdOf(client.EpochAuthenticator),
            TreeHash = TraceLog.ShortHex(client.TreeHash),
            GroupContextHash = TraceLog.ShortHex(client.GroupContextHash),
            CommitHash = client.StartOf(client.Epoch) is { } s ? TraceLog.ShortHex(s.Hash) : null,
            CardVersion = client.MyView.CardVersion,
            Agent = client.MyView.AgentId.Value,
            PeerCardVersion = client.PeerView?.CardVersion,
            PeerAgent = client.PeerView?.AgentId.Value,
            DesiredCardVersion = client.DesiredCard.Version,
            PendingIdentity = client.HasPendingIdentity,
        };

        public IReadOnlyDictionary<string, long> Metrics => new Dictionary<string, long>
        {
            ["commits_made"] = client.CommitsMade,
            ["commits_refused"] = client.CommitsRefused,
            ["edits_waited"] = client.EditsWaited,
        };
    }
}
