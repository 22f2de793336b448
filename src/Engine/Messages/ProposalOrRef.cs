using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4 ProposalOrRefType (uint8).</summary>
public enum ProposalOrRefType : byte
{
    Proposal = 1,
    Reference = 2,
}

/// <summary>
/// RFC 9420 §12.4 ProposalOrRef: a proposal inline, or a ProposalRef (a hash reference, §5.2) to
/// one sent earlier. <see cref="Proposal"/> is set for the first type, <see cref="Reference"/> for the second.
/// </summary>
public sealed record ProposalOrRef(ProposalOrRefType Type, Proposal? Proposal, byte[]? Reference) : ITlsCodec<ProposalOrRef>
{
    void ITlsCodec<ProposalOrRef>.Encode(TlsWriter writer) => Encode(writer);
    static ProposalOrRef ITlsCodec<ProposalOrRef>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static ProposalOrRef Inline(Proposal proposal) => new(ProposalOrRefType.Proposal, proposal, null);
    public static ProposalOrRef ByReference(byte[] reference) => new(ProposalOrRefType.Reference, null, reference);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)Type);
        switch (Type)
        {
            case ProposalOrRefType.Proposal:
                (Proposal ?? throw WireEnum.Missing(nameof(ProposalOrRef), nameof(Proposal), Type)).Encode(writer);
                break;
            case ProposalOrRefType.Reference:
                writer.WriteOpaque(Reference ?? throw WireEnum.Missing(nameof(ProposalOrRef), nameof(Reference), Type));
                break;
            default:
                throw new InvalidOperationException($"ProposalOrRef: cannot encode type {(byte)Type}");
        }
    }

    internal static ProposalOrRef Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((ProposalOrRefType)reader.ReadUInt8(), "ProposalOrRef.type");
        return type == ProposalOrRefType.Proposal
            ? Inline(Messages.Proposal.Decode(ref reader))
            : ByReference(reader.ReadOpaque());
    }
}
