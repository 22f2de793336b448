using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6.1 content authentication: the signature over FramedContentTBS, and the rules on
/// which sender type may send which content.
/// </summary>
internal static class ContentAuthentication
{
    /// <summary>The label of the FramedContent signature (RFC 9420 §6.1, §17.6).</summary>
    public const string SignatureLabel = "FramedContentTBS";

    /// <summary>signature = SignWithLabel(signature_key, "FramedContentTBS", FramedContentTBS).
    /// <paramref name="context"/> is required for member and new_member_commit senders.</summary>
    public static byte[] Sign(CipherSuite suite, FramedContent content, WireFormat wireFormat, GroupContext? context,
        ReadOnlySpan<byte> signaturePrivateKey)
    {
        var tbs = TlsWriter.Rent();
        try
        {
            content.EncodeTbs(tbs, wireFormat, context);
            return suite.SignWithLabel(signaturePrivateKey, SignatureLabel, tbs.WrittenSpan);
        }
        finally { TlsWriter.Return(tbs); }
    }

    /// <summary><see cref="Sign(CipherSuite, FramedContent, WireFormat, GroupContext?, ReadOnlySpan{byte})"/> with a kept key.</summary>
    public static byte[] Sign(CipherSuite suite, FramedContent content, WireFormat wireFormat, GroupContext? context,
        Schedule.Secret signaturePrivateKey)
    {
        // The FramedContentTBS is encoded into a pooled writer and signed from there (no copy of its own).
        var tbs = TlsWriter.Rent();
        try
        {
            content.EncodeTbs(tbs, wireFormat, context);
            return suite.SignWithLabel(signaturePrivateKey, SignatureLabel, tbs.WrittenSpan);
        }
        finally { TlsWriter.Return(tbs); }
    }

    /// <summary><see cref="SignContent(CipherSuite, FramedContent, WireFormat, GroupContext?, ReadOnlySpan{byte}, byte[])"/> with a kept key.</summary>
    public static AuthenticatedContent SignContent(CipherSuite suite, FramedContent content, WireFormat wireFormat,
        GroupContext? context, Schedule.Secret signaturePrivateKey, byte[]? confirmationTag = null)
    {
        if ((content.ContentType == ContentType.Commit) != (confirmationTag is not null))
            throw new ArgumentException("a confirmation_tag is required for a commit and forbidden otherwise", nameof(confirmationTag));
        var signature = Sign(suite, content, wireFormat, context, signaturePrivateKey);
        return new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, confirmationTag));
    }

    /// <summary>Signs <paramref name="content"/> for <paramref name="wireFormat"/> and wraps it with
    /// its auth data; <paramref name="confirmationTag"/> is required exactly for a commit.</summary>
    public static AuthenticatedContent SignContent(CipherSuite suite, FramedContent content, WireFormat wireFormat,
        GroupContext? context, ReadOnlySpan<byte> signaturePrivateKey, byte[]? confirmationTag = null)
    {
        if ((content.ContentType == ContentType.Commit) != (confirmationTag is not null))
            throw new ArgumentException("a confirmation_tag is required for a commit and forbidden otherwise", nameof(confirmationTag));
        var signature = Sign(suite, content, wireFormat, context, signaturePrivateKey);
        return new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, confirmationTag));
    }

    /// <summary>VerifyWithLabel(signature_key, "FramedContentTBS", FramedContentTBS, signature); false on any bad input.</summary>
    public static bool Verify(CipherSuite suite, AuthenticatedContent content, GroupContext? context, ReadOnlySpan<byte> signaturePublicKey)
    {
        var tbs = TlsWriter.Rent();
        try
        {
            content.Content.EncodeTbs(tbs, content.WireFormat, context);
            return suite.VerifyWithLabel(signaturePublicKey, SignatureLabel, tbs.WrittenSpan, content.Auth.Signature);
        }
        finally { TlsWriter.Return(tbs); }
    }

    /// <summary>Like <see cref="Verify"/>, throwing <see cref="MlsError.BadSignature"/> on failure.</summary>
    public static void VerifyOrThrow(CipherSuite suite, AuthenticatedContent content, GroupContext? context, ReadOnlySpan<byte> signaturePublicKey)
    {
        if (!Verify(suite, content, context, signaturePublicKey))
        {
            ValidationRules.SignatureKey(suite, signaturePublicKey, $"{content.Content.Sender.SenderType} sender");
            throw new MlsProtocolException(MlsError.BadSignature, $"FramedContent signature of {content.Content.Sender.SenderType} sender does not verify");
        }
    }

    /// <summary>
    /// RFC 9420 §6.1: an external sender sends only proposals of a type allowed for external senders
    /// (§17.4 "Ext" column); a new_member_commit sender only commits; a new_member_proposal sender
    /// only Add proposals. Throws <see cref="MlsError.InvalidSender"/>.
    /// </summary>
    public static void CheckSenderMaySend(FramedContent content)
    {
        if (!SenderMaySend(content))
            throw new MlsProtocolException(MlsError.InvalidSender,
                $"a {content.Sender.SenderType} sender may not send this {content.ContentType}");
    }

    /// <summary>The rule of <see cref="CheckSenderMaySend"/> as a predicate (for checks that only need yes or no).</summary>
    public static bool SenderMaySend(FramedContent content) => content.Sender.SenderType switch
        {
            SenderType.Member => true,
            SenderType.External => content.ContentType == ContentType.Proposal &&
                content.Proposal?.ProposalType is ProposalType.Add or ProposalType.Remove or ProposalType.PreSharedKey
                    or ProposalType.ReInit or ProposalType.GroupContextExtensions,
            SenderType.NewMemberCommit => content.ContentType == ContentType.Commit,
            SenderType.NewMemberProposal => content.ContentType == ContentType.Proposal && content.Proposal?.ProposalType == ProposalType.Add,
            _ => false,
        };
}
