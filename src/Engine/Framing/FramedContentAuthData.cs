using Sim.Engine.Codec;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6.1 FramedContentAuthData: the signature, and the confirmation tag exactly when the
/// content is a commit. Its layout depends on the content type, so it encodes and decodes with one.
/// </summary>
public sealed record FramedContentAuthData(byte[] Signature, byte[]? ConfirmationTag)
{
    internal void Encode(TlsWriter writer, ContentType contentType)
    {
        writer.WriteOpaque(Signature);
        if (contentType == ContentType.Commit)
            writer.WriteOpaque(ConfirmationTag ?? throw new InvalidOperationException("FramedContentAuthData: a commit needs a confirmation_tag"));
        else if (ConfirmationTag is not null)
            throw new InvalidOperationException($"FramedContentAuthData: a {contentType} content carries no confirmation_tag");
    }

    internal static FramedContentAuthData Decode(ref TlsReader reader, ContentType contentType)
    {
        var signature = reader.ReadOpaque();
        return new FramedContentAuthData(signature, contentType == ContentType.Commit ? reader.ReadOpaque() : null);
    }
}
