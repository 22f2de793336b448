using Sim.Engine.Codec;

namespace Sim.Engine.Identity;

/// <summary>
/// The assertions that justify a leaf change, carried in the application message that staples the
/// update proposal (PAIRMLS.md "Identity layer"):
/// <code>
/// struct {
///     optional&lt;CardAssertion&gt; card_assertion;   // a new card (or a repeat of the current one)
///     SuccessionAssertion successions&lt;V&gt;;         // new links, from the accepted agent to the leaf's
/// } IdentityEvidence;
/// </code>
/// A leaf update carries <see cref="None"/>.
/// </summary>
internal sealed record IdentityEvidence(CardAssertion? CardAssertion, IReadOnlyList<SuccessionAssertion> Successions)
    : ITlsCodec<IdentityEvidence>
{
    public static IdentityEvidence None { get; } = new(null, []);

    public static IdentityEvidence ForCard(CardAssertion cardAssertion) => new(cardAssertion, []);

    public static IdentityEvidence ForSuccession(params SuccessionAssertion[] successions) => new(null, successions);

    public void Encode(TlsWriter writer)
    {
        writer.WriteOptional(CardAssertion, (w, c) => c.Encode(w));
        writer.WriteVector(Successions, (w, s) => s.Encode(w));
    }

    public static IdentityEvidence Decode(ref TlsReader reader)
    {
        var card = reader.ReadOptional(Identity.CardAssertion.Decode);
        return new IdentityEvidence(card, reader.ReadVector(SuccessionAssertion.Decode));
    }

    public bool Equals(IdentityEvidence? other) =>
        other is not null && Equals(CardAssertion, other.CardAssertion) && Successions.SequenceEqual(other.Successions);

    public override int GetHashCode() => HashCode.Combine(CardAssertion, Successions.Count);
}
