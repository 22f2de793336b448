using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §7.2 Capabilities. Values are raw uint16 codes: a peer may list types (including
/// GREASE values, §13.5) that this engine does not know, and they must survive a round trip.
/// </summary>
public sealed record Capabilities(
    IReadOnlyList<ushort> Versions,
    IReadOnlyList<ushort> CipherSuites,
    IReadOnlyList<ushort> Extensions,
    IReadOnlyList<ushort> Proposals,
    IReadOnlyList<ushort> Credentials) : ITlsCodec<Capabilities>
{
    void ITlsCodec<Capabilities>.Encode(TlsWriter writer) => Encode(writer);
    static Capabilities ITlsCodec<Capabilities>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        WireEnum.WriteUInt16Vector(writer, Versions);
        WireEnum.WriteUInt16Vector(writer, CipherSuites);
        WireEnum.WriteUInt16Vector(writer, Extensions);
        WireEnum.WriteUInt16Vector(writer, Proposals);
        WireEnum.WriteUInt16Vector(writer, Credentials);
    }

    internal static Capabilities Decode(ref TlsReader reader) => new(
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader),
        WireEnum.ReadUInt16Vector(ref reader));
}
