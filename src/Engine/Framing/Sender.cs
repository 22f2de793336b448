using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>RFC 9420 §6 SenderType (uint8).</summary>
public enum SenderType : byte
{
    Member = 1,
    External = 2,
    NewMemberProposal = 3,
    NewMemberCommit = 4,
}

/// <summary>
/// RFC 9420 §6 Sender. <see cref="LeafIndex"/> is meaningful for a member, <see cref="SenderIndex"/>
/// (an index into the external_senders extension) for an external sender; new members carry neither.
/// </summary>
public sealed record Sender(SenderType SenderType, uint LeafIndex = 0, uint SenderIndex = 0) : ITlsCodec<Sender>
{
    void ITlsCodec<Sender>.Encode(TlsWriter writer) => Encode(writer);
    static Sender ITlsCodec<Sender>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static Sender Member(uint leafIndex) => new(SenderType.Member, LeafIndex: leafIndex);
    public static Sender External(uint senderIndex) => new(SenderType.External, SenderIndex: senderIndex);
    public static Sender NewMemberProposal() => new(SenderType.NewMemberProposal);
    public static Sender NewMemberCommit() => new(SenderType.NewMemberCommit);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)SenderType);
        switch (SenderType)
        {
            case SenderType.Member: writer.WriteUInt32(LeafIndex); break;
            case SenderType.External: writer.WriteUInt32(SenderIndex); break;
            case SenderType.NewMemberProposal:
            case SenderType.NewMemberCommit: break;
            default: throw new InvalidOperationException($"Sender: cannot encode sender_type {(byte)SenderType}");
        }
    }

    internal static Sender Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((SenderType)reader.ReadUInt8(), "Sender.sender_type");
        return type switch
        {
            SenderType.Member => Member(reader.ReadUInt32()),
            SenderType.External => External(reader.ReadUInt32()),
            _ => new Sender(type),
        };
    }
}
