using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>
/// RFC 9420 §12.1.8 proposals from outside the group, made by a party that holds no group state:
/// an <c>external</c> sender listed in the group's external_senders extension (§12.1.8.1), or a
/// would-be member proposing its own Add (<c>new_member_proposal</c>). Both are PublicMessages
/// without membership tag (§6.2: the sender has no membership key) whose FramedContentTBS covers no
/// GroupContext (§6.1). Members receive them with <see cref="MlsGroup.Process(MlsMessage)"/>, which
/// checks the sender index, the signature and the proposal type, and cache them for a Commit by reference.
/// </summary>
public static class ExternalProposal
{
    /// <summary>§12.1.8: the proposal types an external sender may send (the "Ext" column of §17.4).</summary>
    public static bool AllowedFromExternalSender(ProposalType type) =>
        type is ProposalType.Add or ProposalType.Remove or ProposalType.PreSharedKey or ProposalType.ReInit or ProposalType.GroupContextExtensions;

    /// <summary>
    /// §12.1.8.1: <paramref name="proposal"/> from the external sender at <paramref name="senderIndex"/> of
    /// the group's external_senders, for <paramref name="epoch"/>, signed with that sender's private key.
    /// </summary>
    public static MlsMessage FromExternalSender(CipherSuite suite, byte[] groupId, ulong epoch, uint senderIndex, Proposal proposal,
        ReadOnlySpan<byte> signaturePrivateKey, byte[]? authenticatedData = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(proposal);
        if (!AllowedFromExternalSender(proposal.ProposalType))
            throw new ArgumentException($"an external sender cannot send a {proposal.ProposalType} proposal (RFC 9420 §12.1.8)", nameof(proposal));
        return Sign(suite, FramedContent.OfProposal(groupId.ToArray(), epoch, Sender.External(senderIndex), authenticatedData ?? [], proposal),
            signaturePrivateKey);
    }

    /// <summary>§12.1.8: a client outside the group proposes to add itself, signing with its KeyPackage's key.</summary>
    public static MlsMessage NewMemberAdd(byte[] groupId, ulong epoch, KeyPackage keyPackage, ReadOnlySpan<byte> signaturePrivateKey,
        byte[]? authenticatedData = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(keyPackage);
        var suite = CipherSuite.Get(keyPackage.CipherSuite);
        return Sign(suite, FramedContent.OfProposal(groupId.ToArray(), epoch, Sender.NewMemberProposal(), authenticatedData ?? [],
            new AddProposal(keyPackage)), signaturePrivateKey);
    }

    /// <summary>The external_senders GroupContext extension (§12.1.8.1) listing <paramref name="senders"/>.</summary>
    public static Extension ExternalSendersExtension(IReadOnlyList<ExternalSender> senders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        var writer = new TlsWriter();
        writer.WriteVector(senders, (w, s) => s.Encode(w));
        return new Extension(Extension.ExternalSenders, writer.ToArray());
    }

    private static MlsMessage Sign(CipherSuite suite, FramedContent content, ReadOnlySpan<byte> signaturePrivateKey)
    {
        var authenticated = ContentAuthentication.SignContent(suite, content, WireFormat.PublicMessage, null, signaturePrivateKey);
        return MlsMessage.From(new PublicMessage(content, authenticated.Auth, null));
    }
}
