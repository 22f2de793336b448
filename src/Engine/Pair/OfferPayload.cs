using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// docs/RECOVERY.md "The offer's payload": the payload of a datagram that carries a recovery offer,
/// sealed a second time for the party that rejoins (it holds no secret of the offered epoch k, so
/// it cannot open the ordinary application message of k):
/// <code>
/// struct {
///     opaque recipient_key&lt;V&gt;;  // HPKEPublicKey: encryption_key of the peer's update proposal that asked
///     opaque kem_output&lt;V&gt;;
///     opaque ciphertext&lt;V&gt;;     // EncryptWithLabel(recipient_key, "PairMLS offer payload", body, payload)
/// } OfferPayload;
/// </code>
/// RFC 9420 §5.1.3 EncryptWithLabel, with the datagram's ordinary body (the serialized application
/// MLSMessage of k) as the context: the ciphertext opens only with that body, so it cannot be moved
/// onto another datagram. It travels inside <see cref="RecoveryInfo"/>, which the offerer's GroupInfo
/// signature covers: nobody but the offerer can put a payload there.
/// </summary>
internal sealed record OfferPayload(byte[] RecipientKey, byte[] KemOutput, byte[] Ciphertext) : ITlsCodec<OfferPayload>
{
    public const string Label = "PairMLS offer payload";

    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(RecipientKey);
        writer.WriteOpaque(KemOutput);
        writer.WriteOpaque(Ciphertext);
    }

    public static OfferPayload Decode(ref TlsReader reader) => new(reader.ReadOpaque(), reader.ReadOpaque(), reader.ReadOpaque());

    /// <summary>Seals <paramref name="payload"/> to <paramref name="recipientKey"/>, bound to the datagram's ordinary <paramref name="body"/>.</summary>
    public static OfferPayload Seal(CipherSuite suite, byte[] recipientKey, ReadOnlySpan<byte> body, ReadOnlySpan<byte> payload, IRandomSource random)
    {
        var (kem, ct) = suite.EncryptWithLabel(recipientKey, Label, body, payload, random);
        return new OfferPayload((byte[])recipientKey.Clone(), kem, ct);
    }

    /// <summary>
    /// The payload, opened with the private key of our own pending update proposal whose leaf has
    /// <see cref="RecipientKey"/> (<paramref name="group"/>'s cached own updates); null when we hold no
    /// such key (a proposal we lost, or one made before a second rollback: the payload is lost). A
    /// ciphertext that does not open under a key we hold is tampering: <see cref="RejectReason.BadSignature"/>.
    /// </summary>
    public byte[]? Open(GroupState group, ReadOnlySpan<byte> body)
    {
        foreach (var p in group.Proposals)
        {
            if (p.Own is not { } own || !CipherSuite.FixedTimeEquals(own.LeafNode.EncryptionKey, RecipientKey)) continue;
            try { return group.Suite.DecryptWithLabel(own.LeafPrivateKey.Span, own.LeafNode.EncryptionKey, Label, body, KemOutput, Ciphertext); }
            catch (MlsProtocolException e) { throw new PairRejection(RejectReason.BadSignature, "the recovery offer's sealed payload does not open: " + e.Message); }
        }
        return null;
    }
}
