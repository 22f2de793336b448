using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §8.4 PSKType (uint8).</summary>
public enum PskType : byte
{
    External = 1,
    Resumption = 2,
}

/// <summary>RFC 9420 §8.4 ResumptionPSKUsage (uint8).</summary>
public enum ResumptionPskUsage : byte
{
    Application = 1,
    ReInit = 2,
    Branch = 3,
}

/// <summary>
/// RFC 9420 §8.4 PreSharedKeyID. For an external PSK <see cref="PskId"/> is set; for a resumption
/// PSK <see cref="Usage"/>, <see cref="PskGroupId"/> and <see cref="PskEpoch"/> are.
/// </summary>
public sealed record PreSharedKeyId(
    PskType PskType,
    byte[]? PskId,
    ResumptionPskUsage? Usage,
    byte[]? PskGroupId,
    ulong? PskEpoch,
    byte[] PskNonce) : ITlsCodec<PreSharedKeyId>
{
    void ITlsCodec<PreSharedKeyId>.Encode(TlsWriter writer) => Encode(writer);
    static PreSharedKeyId ITlsCodec<PreSharedKeyId>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static PreSharedKeyId External(byte[] pskId, byte[] pskNonce) =>
        new(PskType.External, pskId, null, null, null, pskNonce);

    public static PreSharedKeyId Resumption(ResumptionPskUsage usage, byte[] pskGroupId, ulong pskEpoch, byte[] pskNonce) =>
        new(PskType.Resumption, null, usage, pskGroupId, pskEpoch, pskNonce);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)PskType);
        switch (PskType)
        {
            case PskType.External:
                writer.WriteOpaque(PskId ?? throw WireEnum.Missing(nameof(PreSharedKeyId), nameof(PskId), PskType));
                break;
            case PskType.Resumption:
                writer.WriteUInt8((byte)(Usage ?? throw WireEnum.Missing(nameof(PreSharedKeyId), nameof(Usage), PskType)));
                writer.WriteOpaque(PskGroupId ?? throw WireEnum.Missing(nameof(PreSharedKeyId), nameof(PskGroupId), PskType));
                writer.WriteUInt64(PskEpoch ?? throw WireEnum.Missing(nameof(PreSharedKeyId), nameof(PskEpoch), PskType));
                break;
            default:
                throw new InvalidOperationException($"PreSharedKeyID: cannot encode psktype {(byte)PskType}");
        }
        writer.WriteOpaque(PskNonce);
    }

    internal static PreSharedKeyId Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((PskType)reader.ReadUInt8(), "PreSharedKeyID.psktype");
        if (type == PskType.External)
            return External(reader.ReadOpaque(), reader.ReadOpaque());
        var usage = WireEnum.Check((ResumptionPskUsage)reader.ReadUInt8(), "PreSharedKeyID.usage");
        var groupId = reader.ReadOpaque();
        var epoch = reader.ReadUInt64();
        return Resumption(usage, groupId, epoch, reader.ReadOpaque());
    }
}
