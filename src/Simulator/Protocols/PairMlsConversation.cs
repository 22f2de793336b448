using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Protocols;

/// <summary>One side of a PairMLS conversation behind the seam.</summary>
public sealed class PairMlsConversation(PairSession session) : IProtocolSession
{
    public PairSession Session { get; } = session ?? throw new ArgumentNullException(nameof(session));

    public ulong Epoch => Session.Epoch;

    public IdentityView MyView => Session.MyView;

    public ProtocolSend Send(ReadOnlySpan<byte> payload, bool cardEdit, bool rollOver)
    {
        CardEdit? edit = cardEdit ? new CardEdit($"{Session.DesiredCard.DisplayName} {Session.DesiredCard.Version + 1}") : null;
        var sent = Session.Send(payload, edit, rollOver);
        ulong? asked = cardEdit ? Session.DesiredCard.Version : null;
        var outgoing = new Outgoing(sent.Datagram, sent.Epoch, payload.ToArray(), asked) { Envelope = PairInsider.EnvelopeOf(Session, sent.Datagram) };
        return new ProtocolSend([outgoing], sent.State)
        {
            Committed = sent.Committed,
            CommitByMe = sent.CommitSender is { } leaf ? leaf == Session.OwnLeaf : null,
        };
    }

    public ProtocolReceive Receive(ReadOnlySpan<byte> datagram)
    {
        int forks = Session.ForksDetected;
        var outcome = Session.Receive(datagram);
        return new ProtocolReceive(outcome, outcome.StateChanged)
        {
            CommitByMe = outcome.CommitSender is { } leaf ? leaf == Session.OwnLeaf : null,
            ForksCounted = Session.ForksDetected - forks,
        };
    }

    public byte[] Save() => Session.Save();

    public EpochStart? StartOf(ulong epoch) => Session.CommitHash(epoch) is { } h ? new EpochStart(h, Session.IsOwner(epoch)) : null;

    public IReadOnlyDictionary<string, long> Metrics => new Dictionary<string, long>
    {
        ["forks_detected"] = Session.ForksDetected,
        ["own_proposals_in_flight"] = Session.OwnProposalsInFlight,
    };

    public string? PeerName => Session.PeerView.Card.DisplayName;

    public PartySummary Describe(PartySummary summary) => summary with
    {
        Epoch = Session.Epoch,
        WelcomeEpoch = Session.WelcomeEpoch,
        EpochAuthHash = TraceLog.IdOf(Session.EpochAuthenticator),
        TreeHash = TraceLog.ShortHex(Session.TreeHash),
        GroupContextHash = TraceLog.ShortHex(Session.GroupContextHash),
        CommitHash = Session.CommitHash(Session.Epoch) is { } h ? TraceLog.ShortHex(h) : null,
        CardVersion = Session.MyView.CardVersion,
        Agent = Session.MyView.AgentId.Value,
        PeerCardVersion = Session.PeerView.CardVersion,
        PeerAgent = Session.PeerView.AgentId.Value,
        DesiredCardVersion = Session.DesiredCard.Version,
        PendingIdentity = Session.HasPendingIdentity,
    };

    public override string ToString() => Session.ToString();
}
