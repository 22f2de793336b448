using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>What a <see cref="RecoveryEnvelope"/> asks or offers (docs/RECOVERY.md "Resync").</summary>
internal enum RecoveryKind : byte
{
    /// <summary>The sender is ahead and offers its epoch k to rejoin by external Commit (RFC 9420 §12.4.3.2).</summary>
    Offer = 1,
    /// <summary>The sender cannot follow the peer's Commit into the epoch after the one its datagram is in, and asks for an offer.</summary>
    Request = 2,
}

/// <summary>
/// docs/RECOVERY.md "Resync by external Commit": a datagram body that carries a recovery message
/// around an ordinary datagram body (PAIRMLS.md "Framing", items 1-3), inside the same header seal:
/// <code>
/// struct {
///     uint16 marker = 0xFFFF;      // an ordinary body is an MLSMessage: it starts with version mls10 (1)
///     uint8 kind;                  // offer(1), request(2)
///     select (kind) {
///         case offer:   MLSMessage group_info;  // GroupInfo of the offerer's epoch k (ratchet_tree, external_pub, pair_recovery)
///                       optional&lt;OfferEndorsement&gt; endorsement;  // by the offerer's pending agent, if a rollover is pending
///         case request: struct {};              // the sender cannot follow the peer's Commit into the epoch after its body's
///     };
///     opaque body&lt;V&gt;;             // the ordinary datagram body of the sender's current epoch
/// } RecoveryEnvelope;
/// </code>
/// The envelope itself is not authenticated beyond the header seal: an offer is trusted only for
/// its GroupInfo's signature (which covers <see cref="RecoveryInfo"/>), and a request only makes
/// the peer offer, which a party that can follow the peer ignores. A request names no epoch: the
/// one it is about follows from its authentic body, so no unauthenticated field can change its effect.
/// </summary>
internal sealed record RecoveryEnvelope(RecoveryKind Kind, GroupInfo? Offer, byte[] Body, OfferEndorsement? Endorsement = null)
{
    public const ushort Marker = 0xFFFF;

    /// <summary>Whether an opened body is an envelope (its first two bytes are the marker) rather than an ordinary body.</summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> body) => body.Length >= 2 && body[0] == 0xFF && body[1] == 0xFF;

    public byte[] Encode()
    {
        var w = new TlsWriter();
        w.WriteUInt16(Marker);
        w.WriteUInt8((byte)Kind);
        if (Kind == RecoveryKind.Offer)
        {
            w.WriteOpaque(Tls.Serialize(MlsMessage.From(Offer!)));
            w.WriteOptional(Endorsement, (w2, e) => e.Encode(w2));
        }
        w.WriteOpaque(Body);
        return w.ToArray();
    }

    /// <summary>Parses an envelope; anything out of shape is <see cref="RejectReason.Malformed"/>.</summary>
    public static RecoveryEnvelope Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var r = new TlsReader(bytes);
            if (r.ReadUInt16() != Marker) throw Malformed("not a recovery envelope");
            var kind = r.ReadUInt8();
            RecoveryEnvelope envelope;
            switch (kind)
            {
                case (byte)RecoveryKind.Offer:
                    var message = Tls.Deserialize<MlsMessage>(r.ReadOpaqueSpan());
                    if (message.GroupInfo is not { } groupInfo) throw Malformed("a recovery offer does not hold a GroupInfo");
                    var endorsement = r.ReadOptional(OfferEndorsement.Decode);
                    envelope = new RecoveryEnvelope(RecoveryKind.Offer, groupInfo, r.ReadOpaque(), endorsement);
                    break;
                case (byte)RecoveryKind.Request:
                    envelope = new RecoveryEnvelope(RecoveryKind.Request, null, r.ReadOpaque());
                    break;
                default:
                    throw Malformed($"recovery kind {kind} is unknown");
            }
            r.EnsureEnd();
            return envelope;
        }
        catch (MlsDecodeException e) { throw Malformed("recovery envelope: " + e.Message); }
    }

    private static PairRejection Malformed(string why) => new(RejectReason.Malformed, why);
}

/// <summary>
/// The private-use GroupInfo extension of a recovery offer (RFC 9420 §13.4: signed with the GroupInfo):
/// <code>
/// struct {
///     opaque next_header_key&lt;V&gt;;   // header key of epoch k+1 (MLS-Exporter of k): seals the recovery Commit's datagrams
///     opaque staple_hash&lt;V&gt;;       // RefHash("PairMLS Staple") of the offerer's Commit into k
///     uint64 seal_epoch;             // the epoch whose header key seals this offer (the one that opened the evidence)
///     IdentityEvidence offerer;      // the offerer's card assertion (its leaf in the tree binds it)
///     CardAssertion peer_card;       // the recovering party's card, as the offerer has committed it
///     opaque header_key&lt;V&gt;;        // header key of epoch k (MLS-Exporter of k-1), empty if not held
///     optional&lt;opaque commit_base&lt;V&gt;&gt;; // GroupContext of k-1 and the offerer's signature key in it
///     optional&lt;OfferPayload&gt; payload;  // this datagram's payload sealed to the recovering party (<see cref="OfferPayload"/>)
/// } PairRecoveryInfo;
/// </code>
/// The last two let the party who rejoins recognise and authenticate a second Commit of the offerer
/// for k, made by a copy of the offerer restored to before its Commit into k (a second rollback
/// during recovery): it is sealed under the header key of k and signed under the GroupContext of k-1,
/// which the rejoining party, restored to before k-1 itself, never held. The payload lets it open
/// the datagram's message although it holds no secret of k (one round trip less, docs/RECOVERY.md).
/// <c>seal_epoch</c> binds the offer to its header seal: an insider holding other header keys cannot
/// re-seal it under another epoch's key without breaking the signature (docs/RECOVERY.md "Resync", step 3).
/// </summary>
internal sealed record RecoveryInfo(byte[] NextHeaderKey, byte[] StapleHash, ulong SealEpoch, IdentityEvidence Offerer, CardAssertion PeerCard,
    byte[] HeaderKey, byte[]? CommitBase, OfferPayload? Payload = null) : ITlsCodec<RecoveryInfo>
{
    public const ushort ExtensionType = 0xFF50;

    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(NextHeaderKey);
        writer.WriteOpaque(StapleHash);
        writer.WriteUInt64(SealEpoch);
        Offerer.Encode(writer);
        PeerCard.Encode(writer);
        writer.WriteOpaque(HeaderKey);
        writer.WriteOptional(CommitBase, (w, b) => w.WriteOpaque(b));
        writer.WriteOptional(Payload, (w, p) => p.Encode(w));
    }

    public static RecoveryInfo Decode(ref TlsReader reader) =>
        new(reader.ReadOpaque(), reader.ReadOpaque(), reader.ReadUInt64(), IdentityEvidence.Decode(ref reader), CardAssertion.Decode(ref reader),
            reader.ReadOpaque(), reader.ReadPresence() ? reader.ReadOpaque() : null, reader.ReadOptional(OfferPayload.Decode));

    public Extension ToExtension() => new(ExtensionType, Tls.Serialize(this));

    /// <summary>The info in <paramref name="groupInfo"/>'s extensions, or a <see cref="RejectReason.Malformed"/> rejection.</summary>
    public static RecoveryInfo From(GroupInfo groupInfo)
    {
        var extension = groupInfo.Extensions.FirstOrDefault(e => e.ExtensionType == ExtensionType)
            ?? throw new PairRejection(RejectReason.Malformed, "a recovery offer's GroupInfo has no pair_recovery extension");
        try { return Tls.Deserialize<RecoveryInfo>(extension.ExtensionData); }
        catch (MlsDecodeException e) { throw new PairRejection(RejectReason.Malformed, "pair_recovery: " + e.Message); }
    }
}
