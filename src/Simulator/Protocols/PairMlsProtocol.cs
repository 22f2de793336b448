using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Simulator.Protocols;

/// <summary>PairMLS (PAIRMLS.md) behind the protocol seam: a <see cref="PairSession"/>, before joining an <see cref="Invitation"/>.</summary>
public sealed class PairMlsProtocol(PairOptions options) : IConversationProtocol
{
    public const string DefaultName = "pairmls";

    public PairOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>"pairmls", or a variant's name when one is given.</summary>
    public string Name { get; init; } = DefaultName;

    public ProtocolClaims Claims { get; init; } = ProtocolClaims.All;

    public bool UsesDeliveryService => false;

    public IProtocolInvitation CreateInvitation(Card card, IRandomSource random) => new PairMlsInvitation(Invitation.Create(card, Options, random));

    public IProtocolSession Accept(object invitation, Card card, IRandomSource random) =>
        new PairMlsConversation(PairSession.Accept((InvitationPublic)invitation, card, null, Options, random));

    public IProtocolSession Load(ReadOnlySpan<byte> state, IRandomSource random) => new PairMlsConversation(PairSession.Load(state, Options, random));

    public IStateThief Steal(ReadOnlySpan<byte> state, IRandomSource random) => new FollowingThief(Load(state, random));

    private sealed class PairMlsInvitation(Invitation invitation) : IProtocolInvitation
    {
        public object Public => invitation.Public;

        public IProtocolSession? TryJoin(ReadOnlySpan<byte> datagram, out ProtocolReceive received)
        {
            var joined = invitation.TryJoin(datagram, out var outcome);
            received = new ProtocolReceive(outcome, joined is not null);
            return joined is null ? null : new PairMlsConversation(joined);
        }

        public void Dispose() => invitation.Dispose();
    }
}
