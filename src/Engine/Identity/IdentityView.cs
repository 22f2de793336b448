using Sim.Engine.Crypto;

namespace Sim.Engine.Identity;

/// <summary>
/// The verified identity of one member, as the Authentication Service accepted it: the member's
/// current agent, the card assertion it currently stands by (possibly signed by an earlier agent of
/// its succession chain, when only the agent changed since), and the running hash of its succession
/// chain. It is the AS's state for that member ("each side's view of the other's latest card"),
/// and the input to the next <see cref="AuthenticationService.Validate"/>. Values, compared by content.
/// </summary>
public sealed record IdentityView(byte[] AgentKey, AgentId AgentId, CardAssertion CardAssertion, byte[] CardAssertionHash,
    byte[] SuccessionHash)
{
    public Card Card => CardAssertion.Card;
    public ulong CardVersion => CardAssertion.Card.Version;

    /// <summary>The IdentityBinding a leaf of this member must carry.</summary>
    internal IdentityBinding Binding => new(CardAssertionHash, SuccessionHash);

    /// <summary>Builds a view, computing the agent id and card assertion hash under <paramref name="suite"/>.</summary>
    public static IdentityView Create(CipherSuite suite, byte[] agentKey, CardAssertion cardAssertion, byte[] successionHash) =>
        new(agentKey, AgentId.Of(suite, agentKey), cardAssertion, cardAssertion.Hash(suite), successionHash);

    public bool Equals(IdentityView? other) =>
        other is not null && AgentKey.AsSpan().SequenceEqual(other.AgentKey) && CardAssertion.Equals(other.CardAssertion)
        && CardAssertionHash.AsSpan().SequenceEqual(other.CardAssertionHash) && SuccessionHash.AsSpan().SequenceEqual(other.SuccessionHash);

    public override int GetHashCode() => HashCode.Combine(AgentId, CardAssertion);

    public override string ToString() => $"IdentityView(agent {AgentId}, {Card})";
}
