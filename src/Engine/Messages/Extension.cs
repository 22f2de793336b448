using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §13.4 Extension: a type and opaque data; unknown types are carried through.</summary>
public sealed record Extension(ushort ExtensionType, byte[] ExtensionData) : ITlsCodec<Extension>
{
    public const ushort ApplicationId = 0x0001;
    public const ushort RatchetTree = 0x0002;
    public const ushort RequiredCapabilities = 0x0003;
    public const ushort ExternalPub = 0x0004;
    public const ushort ExternalSenders = 0x0005;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(ExtensionType);
        writer.WriteOpaque(ExtensionData);
    }

    public static Extension Decode(ref TlsReader reader) => new(reader.ReadUInt16(), reader.ReadOpaque());
}
