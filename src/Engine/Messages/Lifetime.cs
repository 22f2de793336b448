using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.2 Lifetime: seconds since the Unix epoch, both bounds inclusive.</summary>
public sealed record Lifetime(ulong NotBefore, ulong NotAfter) : ITlsCodec<Lifetime>
{
    void ITlsCodec<Lifetime>.Encode(TlsWriter writer) => Encode(writer);
    static Lifetime ITlsCodec<Lifetime>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt64(NotBefore);
        writer.WriteUInt64(NotAfter);
    }

    internal static Lifetime Decode(ref TlsReader reader) => new(reader.ReadUInt64(), reader.ReadUInt64());
}
