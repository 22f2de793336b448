using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4.3 GroupInfo: what a joiner needs about the group, signed by a member.</summary>
public sealed record GroupInfo(
    GroupContext GroupContext,
    IReadOnlyList<Extension> Extensions,
    byte[] ConfirmationTag,
    uint Signer,
    byte[] Signature) : ITlsCodec<GroupInfo>
{
    void ITlsCodec<GroupInfo>.Encode(TlsWriter writer) => Encode(writer);
    static GroupInfo ITlsCodec<GroupInfo>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        EncodeTbs(writer);
        writer.WriteOpaque(Signature);
    }

    /// <summary>RFC 9420 §12.4.3 GroupInfoTBS: everything but the signature.</summary>
    public byte[] ToBeSigned()
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeTbs(writer);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    private void EncodeTbs(TlsWriter writer)
    {
        GroupContext.Encode(writer);
        writer.WriteVector(Extensions, (w, e) => e.Encode(w));
        writer.WriteOpaque(ConfirmationTag);
        writer.WriteUInt32(Signer);
    }

    internal static GroupInfo Decode(ref TlsReader reader) => new(
        GroupContext.Decode(ref reader),
        reader.ReadVector(Extension.Decode),
        reader.ReadOpaque(),
        reader.ReadUInt32(),
        reader.ReadOpaque());
}
