using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §11.1 RequiredCapabilities: the required_capabilities extension body. Raw uint16 codes,
/// as in <see cref="Capabilities"/>.
/// </summary>
public sealed record RequiredCapabilities(
    IReadOnlyList<ushort> ExtensionTypes,
    IReadOnlyList<ushort> ProposalTypes,
    IReadOnlyList<ushort> CredentialTypes) : ITlsCodec<RequiredCapabilities>
{
    void ITlsCodec<RequiredCapabilities>.Encode(TlsWriter writer) => Encode(writer);
    static RequiredCapabilities ITlsCodec<RequiredCapabilities>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        WireEnum.WriteUInt16Vector(writer, ExtensionTypes);
        WireEnum.WriteUInt16Vector(writer, ProposalTypes);
        WireEnum.WriteUInt16Vector(writer, CredentialTypes);
    }

    internal static RequiredCapabilities Decode(ref TlsReader reader) => new(
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader));
}
