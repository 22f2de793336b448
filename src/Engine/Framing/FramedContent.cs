using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6 FramedContent. Exactly one of <see cref="ApplicationData"/>, <see cref="Proposal"/>,
/// <see cref="Commit"/> is set, the one <see cref="ContentType"/> selects.
/// </summary>
public sealed record FramedContent(
    byte[] GroupId,
    ulong Epoch,
    Sender Sender,
    byte[] AuthenticatedData,
    ContentType ContentType,
    byte[]? ApplicationData,
    Proposal? Proposal,
    Commit? Commit) : ITlsCodec<FramedContent>
{
    void ITlsCodec<FramedContent>.Encode(TlsWriter writer) => Encode(writer);
    static FramedContent ITlsCodec<FramedContent>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static FramedContent OfApplication(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, byte[] applicationData) =>
        new(groupId, epoch, sender, authenticatedData, ContentType.Application, applicationData, null, null);

    public static FramedContent OfProposal(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Proposal proposal) =>
        new(groupId, epoch, sender, authenticatedData, ContentType.Proposal, null, proposal, null);

    public static FramedContent OfCommit(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Commit commit) =>
        new(groupId, epoch, sender, authenticatedData, ContentType.Commit, null, null, commit);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        Sender.Encode(writer);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteUInt8((byte)ContentType);
        ContentBody.Encode(writer, nameof(FramedContent), ContentType, ApplicationData, Proposal, Commit);
    }

    internal static FramedContent Decode(ref TlsReader reader)
    {
        var groupId = reader.ReadOpaque();
        var epoch = reader.ReadUInt64();
        var sender = Sender.Decode(ref reader);
        var authenticatedData = reader.ReadOpaque();
        var type = ContentBody.ReadContentType(ref reader, "FramedContent.content_type");
        var (applicationData, proposal, commit) = ContentBody.Decode(ref reader, type);
        return new FramedContent(groupId, epoch, sender, authenticatedData, type, applicationData, proposal, commit);
    }

    /// <summary>
    /// RFC 9420 §6.1 FramedContentTBS: version (mls10), wire format, this content, and for member and
    /// new_member_commit senders the serialized GroupContext (required then, ignored otherwise).
    /// </summary>
    public byte[] ToBeSigned(WireFormat wireFormat, GroupContext? context)
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeTbs(writer, wireFormat, context);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    internal void EncodeTbs(TlsWriter writer, WireFormat wireFormat, GroupContext? context)
    {
        writer.WriteUInt16((ushort)ProtocolVersion.Mls10);
        writer.WriteUInt16((ushort)wireFormat);
        Encode(writer);
        if (Sender.SenderType is SenderType.Member or SenderType.NewMemberCommit)
            (context ?? throw new ArgumentException($"FramedContentTBS: a {Sender.SenderType} sender needs the GroupContext", nameof(context)))
                .Encode(writer);
    }
}
