using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6.1 AuthenticatedContent: a FramedContent, how it travels, and its authentication.</summary>
internal sealed record AuthenticatedContent(WireFormat WireFormat, FramedContent Content, FramedContentAuthData Auth)
    : ITlsCodec<AuthenticatedContent>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)WireFormat);
        Content.Encode(writer);
        Auth.Encode(writer, Content.ContentType);
    }

    public static AuthenticatedContent Decode(ref TlsReader reader)
    {
        var wireFormat = WireEnum.Check((WireFormat)reader.ReadUInt16(), "AuthenticatedContent.wire_format");
        var content = FramedContent.Decode(ref reader);
        return new AuthenticatedContent(wireFormat, content, FramedContentAuthData.Decode(ref reader, content.ContentType));
    }

    /// <summary>RFC 9420 §6.1 FramedContentTBS for this content and wire format.</summary>
    public byte[] ToBeSigned(GroupContext? context) => Content.ToBeSigned(WireFormat, context);

    /// <summary>RFC 9420 §8.2 ConfirmedTranscriptHashInput: wire_format, content, signature.</summary>
    public byte[] ConfirmedTranscriptHashInput()
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeConfirmedTranscriptHashInput(writer);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>
    /// RFC 9420 §8.2: confirmed_transcript_hash_[epoch] = Hash(interim_transcript_hash_[epoch - 1] ||
    /// ConfirmedTranscriptHashInput), both written into one pooled writer and hashed from there.
    /// </summary>
    public byte[] ConfirmedTranscriptHash(CipherSuite suite, ReadOnlySpan<byte> interimBefore)
    {
        var writer = TlsWriter.Rent();
        try
        {
            writer.WriteFixed(interimBefore);
            EncodeConfirmedTranscriptHashInput(writer);
            return suite.Hash(writer.WrittenSpan);
        }
        finally { TlsWriter.Return(writer); }
    }

    private void EncodeConfirmedTranscriptHashInput(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)WireFormat);
        Content.Encode(writer);
        writer.WriteOpaque(Auth.Signature);
    }
}
