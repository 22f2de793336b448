using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6.3.1 PrivateMessageContent: the plaintext of a PrivateMessage's ciphertext. The
/// content type comes from the enclosing PrivateMessage, and the padding runs to the end of the
/// plaintext, so this type decodes a whole buffer (<see cref="Deserialize"/>) or the rest of a reader.
/// </summary>
internal sealed record PrivateMessageContent(
    ContentType ContentType,
    byte[]? ApplicationData,
    Proposal? Proposal,
    Commit? Commit,
    FramedContentAuthData Auth,
    int PaddingLength = 0)
{
    public static PrivateMessageContent From(FramedContent content, FramedContentAuthData auth, int paddingLength = 0) =>
        new(content.ContentType, content.ApplicationData, content.Proposal, content.Commit, auth, paddingLength);

    public void Encode(TlsWriter writer)
    {
        if (PaddingLength < 0) throw new InvalidOperationException("PrivateMessageContent: negative padding length");
        ContentBody.Encode(writer, nameof(PrivateMessageContent), ContentType, ApplicationData, Proposal, Commit);
        Auth.Encode(writer, ContentType);
        writer.WriteFixed(new byte[PaddingLength]);
    }

    public byte[] Serialize()
    {
        var writer = new TlsWriter();
        Encode(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes the content, its auth data, then consumes every remaining byte as padding.</summary>
    public static PrivateMessageContent Decode(ref TlsReader reader, ContentType contentType)
    {
        var (applicationData, proposal, commit) = ContentBody.Decode(ref reader, contentType);
        var auth = FramedContentAuthData.Decode(ref reader, contentType);
        var padding = reader.ReadFixed(reader.Remaining);
        // RFC 9420 §6.3.1: the padding MUST be all zero.
        if (padding.IndexOfAnyExcept((byte)0) >= 0)
            throw new MlsDecodeException("PrivateMessageContent: padding contains a non-zero byte");
        return new PrivateMessageContent(contentType, applicationData, proposal, commit, auth, padding.Length);
    }

    public static PrivateMessageContent Deserialize(ReadOnlySpan<byte> plaintext, ContentType contentType)
    {
        var reader = new TlsReader(plaintext);
        return Decode(ref reader, contentType);
    }
}
