using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// The <c>select (content_type) { application_data&lt;V&gt; | Proposal | Commit }</c> shared by
/// FramedContent (RFC 9420 §6) and PrivateMessageContent (§6.3.1).
/// </summary>
internal static class ContentBody
{
    public static void Encode(TlsWriter writer, string owner, ContentType type, byte[]? applicationData, Proposal? proposal, Commit? commit)
    {
        switch (type)
        {
            case ContentType.Application:
                writer.WriteOpaque(applicationData ?? throw WireEnum.Missing(owner, "ApplicationData", type));
                break;
            case ContentType.Proposal:
                (proposal ?? throw WireEnum.Missing(owner, "Proposal", type)).Encode(writer);
                break;
            case ContentType.Commit:
                (commit ?? throw WireEnum.Missing(owner, "Commit", type)).Encode(writer);
                break;
            default:
                throw new InvalidOperationException($"{owner}: cannot encode content_type {(byte)type}");
        }
    }

    public static (byte[]? ApplicationData, Proposal? Proposal, Commit? Commit) Decode(ref TlsReader reader, ContentType type) =>
        type switch
        {
            ContentType.Application => (reader.ReadOpaque(), null, null),
            ContentType.Proposal => (null, Proposal.Decode(ref reader), null),
            ContentType.Commit => (null, null, Commit.Decode(ref reader)),
            _ => throw new MlsDecodeException($"content_type: unknown value {(byte)type}"),
        };

    public static ContentType ReadContentType(ref TlsReader reader, string field) =>
        WireEnum.Check((ContentType)reader.ReadUInt8(), field);
}
