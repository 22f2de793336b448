using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.1.8.1 ExternalSender: one entry of the external_senders extension.</summary>
public sealed record ExternalSender(byte[] SignatureKey, Credential Credential) : ITlsCodec<ExternalSender>
{
    void ITlsCodec<ExternalSender>.Encode(TlsWriter writer) => Encode(writer);
    static ExternalSender ITlsCodec<ExternalSender>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(SignatureKey);
        Credential.Encode(writer);
    }

    internal static ExternalSender Decode(ref TlsReader reader) => new(reader.ReadOpaque(), Credential.Decode(ref reader));
}
