using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6.2 PublicMessage. <see cref="MembershipTag"/> is present exactly when the sender is a member.
/// </summary>
public sealed record PublicMessage(FramedContent Content, FramedContentAuthData Auth, byte[]? MembershipTag)
    : ITlsCodec<PublicMessage>
{
    void ITlsCodec<PublicMessage>.Encode(TlsWriter writer) => Encode(writer);
    static PublicMessage ITlsCodec<PublicMessage>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        Content.Encode(writer);
        Auth.Encode(writer, Content.ContentType);
        if (Content.Sender.SenderType == SenderType.Member)
            writer.WriteOpaque(MembershipTag ?? throw new InvalidOperationException("PublicMessage: a member sender needs a membership_tag"));
        else if (MembershipTag is not null)
            throw new InvalidOperationException($"PublicMessage: a {Content.Sender.SenderType} sender carries no membership_tag");
    }

    internal static PublicMessage Decode(ref TlsReader reader)
    {
        var content = FramedContent.Decode(ref reader);
        var auth = FramedContentAuthData.Decode(ref reader, content.ContentType);
        var tag = content.Sender.SenderType == SenderType.Member ? reader.ReadOpaque() : null;
        return new PublicMessage(content, auth, tag);
    }

    /// <summary>The AuthenticatedContent this message carries (wire format public_message).</summary>
    internal AuthenticatedContent ToAuthenticatedContent() => new(WireFormat.PublicMessage, Content, Auth);

    /// <summary>
    /// RFC 9420 §6.2 AuthenticatedContentTBM: FramedContentTBS then FramedContentAuthData, the input
    /// of the membership tag MAC.
    /// </summary>
    public byte[] ToBeMacced(GroupContext context)
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeTbm(writer, context);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    internal void EncodeTbm(TlsWriter writer, GroupContext context)
    {
        Content.EncodeTbs(writer, WireFormat.PublicMessage, context);
        Auth.Encode(writer, Content.ContentType);
    }
}
