using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// docs/RECOVERY.md "A peer rollover committed only on the abandoned branch": carried by an offer
/// whose maker has an agent rollover pending. The party that rejoins may know the offerer by that
/// pending agent (a fork Commit of its own, on the abandoned branch, took the rollover), while the
/// offer is signed by the offerer's current agent, one it has seen retired:
/// <code>
/// struct {
///     SuccessionAssertion links&lt;V&gt;;  // from the offerer's current agent to its pending one (signed by each predecessor)
///     opaque signature&lt;V&gt;;           // SignWithLabel(pending agent, "PairMLS offer endorsement", MLSMessage(GroupInfo))
/// } OfferEndorsement;
/// </code>
/// The rejoining party accepts the older signer only with this signature by the agent it knows: a
/// thief of the retired agent key cannot make it (it would need the pending agent's private key).
/// </summary>
internal sealed record OfferEndorsement(IReadOnlyList<SuccessionAssertion> Links, byte[] Signature) : ITlsCodec<OfferEndorsement>
{
    public const string Label = "PairMLS offer endorsement";

    /// <summary>Bound on the links (the pending chain of one party: a few rollovers at most).</summary>
    public const int MaxLinks = 16;

    public void Encode(TlsWriter writer)
    {
        writer.WriteVector(Links, (w, l) => l.Encode(w));
        writer.WriteOpaque(Signature);
    }

    public static OfferEndorsement Decode(ref TlsReader reader)
    {
        var links = reader.ReadVector(SuccessionAssertion.Decode);
        if (links.Count > MaxLinks) throw new MlsDecodeException($"an offer endorsement with {links.Count} links");
        return new OfferEndorsement(links, reader.ReadOpaque());
    }

    /// <summary>The endorsement of <paramref name="offer"/> by the pending agent of <paramref name="s"/>, or null when none is pending.</summary>
    public static OfferEndorsement? Of(PairState s, GroupInfo offer)
    {
        if (s.PendingAgentPrivateKey is not { } pending || s.PendingSuccessions.Count == 0 || s.PendingSuccessions.Count > MaxLinks) return null;
        return new OfferEndorsement([.. s.PendingSuccessions], s.Suite.SignWithLabel(pending, Label, Tls.Serialize(MlsMessage.From(offer))));
    }

    /// <summary>
    /// Whether this endorsement is one its maker could have made for <paramref name="offer"/>: the links lead
    /// from <paramref name="signer"/> (the offer's signing leaf) to an agent that signed the offer.
    /// </summary>
    public bool IsFrom(CipherSuite suite, GroupInfo offer, byte[] signer, byte[] groupId)
    {
        byte[] end;
        try
        {
            if (Links.Count == 0) return false;
            end = SuccessionChain.Verify(suite, signer, Links, groupId);
        }
        catch (MlsProtocolException) { return false; }
        return suite.VerifyWithLabel(end, Label, Tls.Serialize(MlsMessage.From(offer)), Signature);
    }

    /// <summary>
    /// The key that signed <paramref name="offer"/>, if this endorsement shows it: the links lead from
    /// <paramref name="signer"/> to <paramref name="knownAgent"/> and <paramref name="knownAgent"/> signed the offer.
    /// </summary>
    public bool Endorses(CipherSuite suite, GroupInfo offer, byte[] signer, byte[] knownAgent, byte[] groupId)
    {
        try
        {
            if (Links.Count == 0 || !SuccessionChain.Verify(suite, signer, Links, groupId).AsSpan().SequenceEqual(knownAgent)) return false;
        }
        catch (MlsProtocolException) { return false; }
        return suite.VerifyWithLabel(knownAgent, Label, Tls.Serialize(MlsMessage.From(offer)), Signature);
    }
}
