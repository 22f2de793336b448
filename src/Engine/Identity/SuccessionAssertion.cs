using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS succession assertion: agent A hands over to agent B in one conversation.
/// <code>
/// struct {
///     opaque predecessor_key&lt;V&gt;;   // A's public key (the signer)
///     opaque successor_key&lt;V&gt;;     // B's public key
///     opaque conversation_id&lt;V&gt;;   // the MLS group id
/// } SuccessionTBS;
/// struct { SuccessionTBS tbs; opaque signature&lt;V&gt;; } SuccessionAssertion;
/// </code>
/// signature = SignWithLabel(A, "PairMLS SuccessionTBS", SuccessionTBS) (RFC 9420 §5.1.2).
/// A chain of these from the first accepted agent to the current one is checked by
/// <see cref="SuccessionChain"/>.
/// </summary>
internal sealed record SuccessionAssertion(byte[] PredecessorKey, byte[] SuccessorKey, byte[] ConversationId, byte[] Signature)
    : ITlsCodec<SuccessionAssertion>
{
    public const string Label = "PairMLS SuccessionTBS";

    public static SuccessionAssertion Create(Agent predecessor, byte[] successorKey, byte[] conversationId)
    {
        ArgumentNullException.ThrowIfNull(predecessor);
        ArgumentNullException.ThrowIfNull(successorKey);
        ArgumentNullException.ThrowIfNull(conversationId);
        var unsigned = new SuccessionAssertion(predecessor.PublicKey, (byte[])successorKey.Clone(), (byte[])conversationId.Clone(), []);
        return unsigned with { Signature = predecessor.SignWithLabel(Label, unsigned.ToBeSigned()) };
    }

    /// <summary>The encoded SuccessionTBS.</summary>
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

    /// <summary>True if <see cref="Signature"/> is <see cref="PredecessorKey"/>'s signature over the SuccessionTBS.</summary>
    public bool Verify(CipherSuite suite) => suite.VerifyWithLabel(PredecessorKey, Label, ToBeSigned(), Signature);

    private void EncodeTbs(TlsWriter writer)
    {
        writer.WriteOpaque(PredecessorKey);
        writer.WriteOpaque(SuccessorKey);
        writer.WriteOpaque(ConversationId);
    }

    public void Encode(TlsWriter writer)
    {
        EncodeTbs(writer);
        writer.WriteOpaque(Signature);
    }

    public static SuccessionAssertion Decode(ref TlsReader reader)
    {
        var predecessor = reader.ReadOpaque();
        var successor = reader.ReadOpaque();
        var conversationId = reader.ReadOpaque();
        return new SuccessionAssertion(predecessor, successor, conversationId, reader.ReadOpaque());
    }

    public bool Equals(SuccessionAssertion? other) =>
        other is not null && PredecessorKey.AsSpan().SequenceEqual(other.PredecessorKey)
        && SuccessorKey.AsSpan().SequenceEqual(other.SuccessorKey)
        && ConversationId.AsSpan().SequenceEqual(other.ConversationId) && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => HashCode.Combine(PredecessorKey.Length, SuccessorKey.Length, Signature.Length);

    public override string ToString() => $"SuccessionAssertion({PredecessorKey.Length}-byte key -> {SuccessorKey.Length}-byte key)";
}
