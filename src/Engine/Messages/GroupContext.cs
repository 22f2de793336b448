using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §8.1 GroupContext: the summary of a group's state that every key is bound to.</summary>
public sealed record GroupContext(
    ushort Version,
    ushort CipherSuite,
    byte[] GroupId,
    ulong Epoch,
    byte[] TreeHash,
    byte[] ConfirmedTranscriptHash,
    IReadOnlyList<Extension> Extensions) : ITlsCodec<GroupContext>
{
    void ITlsCodec<GroupContext>.Encode(TlsWriter writer) => Encode(writer);
    static GroupContext ITlsCodec<GroupContext>.Decode(ref TlsReader reader) => Decode(ref reader);

    public const ushort Mls10 = 1;

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16(Version);
        writer.WriteUInt16(CipherSuite);
        writer.WriteOpaque(GroupId);
        writer.WriteUInt64(Epoch);
        writer.WriteOpaque(TreeHash);
        writer.WriteOpaque(ConfirmedTranscriptHash);
        writer.WriteVector(Extensions, (w, e) => e.Encode(w));
    }

    internal static GroupContext Decode(ref TlsReader reader) => new(
        reader.ReadUInt16(),
        reader.ReadUInt16(),
        reader.ReadOpaque(),
        reader.ReadUInt64(),
        reader.ReadOpaque(),
        reader.ReadOpaque(),
        reader.ReadVector(Extension.Decode));
}
