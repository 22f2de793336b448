using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS card assertion: an agent signs a card for one conversation.
/// <code>
/// struct {
///     Card card;
///     opaque agent_key&lt;V&gt;;        // the signing agent's public key
///     opaque conversation_id&lt;V&gt;;  // the MLS group id, or empty for an invitation
/// } CardTBS;
/// struct { CardTBS tbs; opaque signature&lt;V&gt;; } CardAssertion;
/// </code>
/// signature = SignWithLabel(agent, "PairMLS CardTBS", CardTBS) (RFC 9420 §5.1.2). Naming the
/// conversation stops an assertion made for one conversation from being replayed into another.
/// Assertions travel inside MLS application messages, so they have a TLS wire form.
/// </summary>
public sealed record CardAssertion(Card Card, byte[] AgentKey, byte[] ConversationId, byte[] Signature) : ITlsCodec<CardAssertion>
{
    void ITlsCodec<CardAssertion>.Encode(TlsWriter writer) => Encode(writer);
    static CardAssertion ITlsCodec<CardAssertion>.Decode(ref TlsReader reader) => Decode(ref reader);

    public const string Label = "PairMLS CardTBS";
    /// <summary>RefHash label of <see cref="Hash"/>, the value an <see cref="IdentityBinding"/> holds.</summary>
    public const string HashLabel = "PairMLS CardAssertion";

    public static CardAssertion Create(Agent agent, Card card, byte[] conversationId)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(conversationId);
        var unsigned = new CardAssertion(card, agent.PublicKey, (byte[])conversationId.Clone(), []);
        return unsigned with { Signature = agent.SignWithLabel(Label, unsigned.ToBeSigned()) };
    }

    /// <summary>The encoded CardTBS.</summary>
    public byte[] ToBeSigned()
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeTbs(writer);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>True if <see cref="Signature"/> is <see cref="AgentKey"/>'s signature over the CardTBS; false on any bad input.</summary>
    public bool Verify(CipherSuite suite) => suite.VerifyWithLabel(AgentKey, Label, ToBeSigned(), Signature);

    /// <summary>RefHash("PairMLS CardAssertion", CardAssertion): what a leaf's IdentityBinding commits to.</summary>
    public byte[] Hash(CipherSuite suite) => suite.RefHash(HashLabel, Tls.Serialize(this));

    private void EncodeTbs(TlsWriter writer)
    {
        Card.Encode(writer);
        writer.WriteOpaque(AgentKey);
        writer.WriteOpaque(ConversationId);
    }

    internal void Encode(TlsWriter writer)
    {
        EncodeTbs(writer);
        writer.WriteOpaque(Signature);
    }

    internal static CardAssertion Decode(ref TlsReader reader)
    {
        var card = Card.Decode(ref reader);
        var agentKey = reader.ReadOpaque();
        var conversationId = reader.ReadOpaque();
        return new CardAssertion(card, agentKey, conversationId, reader.ReadOpaque());
    }

    public bool Equals(CardAssertion? other) =>
        other is not null && Card.Equals(other.Card) && AgentKey.AsSpan().SequenceEqual(other.AgentKey)
        && ConversationId.AsSpan().SequenceEqual(other.ConversationId) && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => HashCode.Combine(Card, AgentKey.Length, Signature.Length);

    public override string ToString() => $"CardAssertion({Card}, conversation {Convert.ToHexStringLower(ConversationId)})";
}
