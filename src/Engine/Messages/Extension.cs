using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §13.4 Extension: a type and opaque data; unknown types are carried through.</summary>
public sealed record Extension(ushort ExtensionType, byte[] ExtensionData) : ITlsCodec<Extension>
{
    void ITlsCodec<Extension>.Encode(TlsWriter writer) => Encode(writer);
    static Extension ITlsCodec<Extension>.Decode(ref TlsReader reader) => Decode(ref reader);

    public const ushort ApplicationId = 0x0001;
    public const ushort RatchetTree = 0x0002;
    public const ushort RequiredCapabilities = 0x0003;
    public const ushort ExternalPub = 0x0004;
    public const ushort ExternalSenders = 0x0005;

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(ExtensionType);
        writer.WriteOpaque(ExtensionData);
    }

    internal static Extension Decode(ref TlsReader reader) => new(reader.ReadUInt16(), reader.ReadOpaque());
}
