using Sim.Engine.Codec;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6.3.2 SenderData: who sent a PrivateMessage, under which generation, with which reuse guard.</summary>
internal sealed record SenderData(uint LeafIndex, uint Generation, byte[] ReuseGuard) : ITlsCodec<SenderData>
{
    public const int ReuseGuardLength = 4;

    public void Encode(TlsWriter writer)
    {
        if (ReuseGuard.Length != ReuseGuardLength)
            throw new InvalidOperationException($"SenderData: reuse_guard must be {ReuseGuardLength} bytes, not {ReuseGuard.Length}");
        writer.WriteUInt32(LeafIndex);
        writer.WriteUInt32(Generation);
        writer.WriteFixed(ReuseGuard);
    }

    public static SenderData Decode(ref TlsReader reader) =>
        new(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadFixed(ReuseGuardLength).ToArray());
}
