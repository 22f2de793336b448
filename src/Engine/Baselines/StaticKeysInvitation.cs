using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>What the static-keys inviter shares out of band: her long-term public keys and card, and the conversation id.</summary>
public sealed record StaticKeysInvitationPublic(ushort SuiteId, byte[] ConversationId, byte[] HpkeKey, byte[] AgentKey, CardAssertion Card);

/// <summary>The static-keys inviter before the acceptor's first message: a session that knows no peer yet.</summary>
public sealed class StaticKeysInvitation
{
    private readonly StaticKeysSession _session;

    internal StaticKeysInvitation(StaticKeysSession session)
    {
        _session = session;
        var s = session.State;
        Public = new StaticKeysInvitationPublic(s.SuiteId, s.ConversationId, s.HpkeKey.PublicKey, s.AgentKey, s.MyCard);
    }

    public StaticKeysInvitationPublic Public { get; }

    /// <summary>Joins from the acceptor's first datagram that opens and verifies; null (and the outcome) otherwise.</summary>
    public StaticKeysSession? TryJoin(ReadOnlySpan<byte> datagram, out ReceiveOutcome outcome)
    {
        outcome = _session.Receive(datagram);
        return outcome is Delivered ? _session : null;
    }
}
