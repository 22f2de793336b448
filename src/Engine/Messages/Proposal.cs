using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.1 ProposalType (uint16): the proposal types this engine can decode.</summary>
public enum ProposalType : ushort
{
    Add = 1,
    Update = 2,
    Remove = 3,
    PreSharedKey = 4,
    ReInit = 5,
    ExternalInit = 6,
    GroupContextExtensions = 7,
}

/// <summary>
/// RFC 9420 §12.1 Proposal: a proposal_type then the body it selects. A closed hierarchy, one sealed
/// record per body, so callers pattern-match (<c>proposal is AddProposal add</c>). Each body also
/// encodes and decodes alone (<see cref="EncodeBody"/> / <c>DecodeBody</c>), which is the form the
/// RFC names Add, Update, Remove, ... . An unknown proposal type cannot be decoded: its body layout
/// is unknown.
/// </summary>
public abstract record Proposal : ITlsCodec<Proposal>
{
    void ITlsCodec<Proposal>.Encode(TlsWriter writer) => Encode(writer);
    static Proposal ITlsCodec<Proposal>.Decode(ref TlsReader reader) => Decode(ref reader);

    private protected Proposal() { }

    public abstract ProposalType ProposalType { get; }

    /// <summary>Writes the body without the proposal_type.</summary>
    internal abstract void EncodeBody(TlsWriter writer);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)ProposalType);
        EncodeBody(writer);
    }

    internal static Proposal Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((ProposalType)reader.ReadUInt16(), "Proposal.proposal_type");
        return type switch
        {
            ProposalType.Add => AddProposal.DecodeBody(ref reader),
            ProposalType.Update => UpdateProposal.DecodeBody(ref reader),
            ProposalType.Remove => RemoveProposal.DecodeBody(ref reader),
            ProposalType.PreSharedKey => PreSharedKeyProposal.DecodeBody(ref reader),
            ProposalType.ReInit => ReInitProposal.DecodeBody(ref reader),
            ProposalType.ExternalInit => ExternalInitProposal.DecodeBody(ref reader),
            _ => GroupContextExtensionsProposal.DecodeBody(ref reader),
        };
    }
}

/// <summary>RFC 9420 §12.1.1 Add.</summary>
public sealed record AddProposal(KeyPackage KeyPackage) : Proposal
{
    public override ProposalType ProposalType => ProposalType.Add;
    internal override void EncodeBody(TlsWriter writer) => KeyPackage.Encode(writer);
    internal static AddProposal DecodeBody(ref TlsReader reader) => new(KeyPackage.Decode(ref reader));
}

/// <summary>RFC 9420 §12.1.2 Update.</summary>
public sealed record UpdateProposal(LeafNode LeafNode) : Proposal
{
    public override ProposalType ProposalType => ProposalType.Update;
    internal override void EncodeBody(TlsWriter writer) => LeafNode.Encode(writer);
    internal static UpdateProposal DecodeBody(ref TlsReader reader) => new(LeafNode.Decode(ref reader));
}

/// <summary>RFC 9420 §12.1.3 Remove: the leaf index of the member to remove.</summary>
public sealed record RemoveProposal(uint Removed) : Proposal
{
    public override ProposalType ProposalType => ProposalType.Remove;
    internal override void EncodeBody(TlsWriter writer) => writer.WriteUInt32(Removed);
    internal static RemoveProposal DecodeBody(ref TlsReader reader) => new(reader.ReadUInt32());
}

/// <summary>RFC 9420 §12.1.4 PreSharedKey.</summary>
public sealed record PreSharedKeyProposal(PreSharedKeyId Psk) : Proposal
{
    public override ProposalType ProposalType => ProposalType.PreSharedKey;
    internal override void EncodeBody(TlsWriter writer) => Psk.Encode(writer);
    internal static PreSharedKeyProposal DecodeBody(ref TlsReader reader) => new(PreSharedKeyId.Decode(ref reader));
}

/// <summary>RFC 9420 §12.1.5 ReInit. Version and cipher suite are raw codes, as in GroupContext.</summary>
public sealed record ReInitProposal(byte[] GroupId, ushort Version, ushort CipherSuite, IReadOnlyList<Extension> Extensions)
    : Proposal
{
    public override ProposalType ProposalType => ProposalType.ReInit;

    internal override void EncodeBody(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteUInt16(Version);
        writer.WriteUInt16(CipherSuite);
        writer.WriteVector(Extensions, (w, e) => e.Encode(w));
    }

    internal static ReInitProposal DecodeBody(ref TlsReader reader) => new(
        reader.ReadOpaque(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadVector(Extension.Decode));
}

/// <summary>RFC 9420 §12.1.6 ExternalInit.</summary>
public sealed record ExternalInitProposal(byte[] KemOutput) : Proposal
{
    public override ProposalType ProposalType => ProposalType.ExternalInit;
    internal override void EncodeBody(TlsWriter writer) => writer.WriteOpaque(KemOutput);
    internal static ExternalInitProposal DecodeBody(ref TlsReader reader) => new(reader.ReadOpaque());
}

/// <summary>RFC 9420 §12.1.7 GroupContextExtensions.</summary>
public sealed record GroupContextExtensionsProposal(IReadOnlyList<Extension> Extensions) : Proposal
{
    public override ProposalType ProposalType => ProposalType.GroupContextExtensions;
    internal override void EncodeBody(TlsWriter writer) => writer.WriteVector(Extensions, (w, e) => e.Encode(w));
    internal static GroupContextExtensionsProposal DecodeBody(ref TlsReader reader) => new(reader.ReadVector(Extension.Decode));
}
