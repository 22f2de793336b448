using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4 Commit: the proposals it covers and, optionally, an UpdatePath.</summary>
public sealed record Commit(IReadOnlyList<ProposalOrRef> Proposals, UpdatePath? Path) : ITlsCodec<Commit>
{
    void ITlsCodec<Commit>.Encode(TlsWriter writer) => Encode(writer);
    static Commit ITlsCodec<Commit>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteVector(Proposals, (w, p) => p.Encode(w));
        writer.WriteOptional(Path, (w, p) => p.Encode(w));
    }

    internal static Commit Decode(ref TlsReader reader) =>
        new(reader.ReadVector(ProposalOrRef.Decode), reader.ReadOptional(UpdatePath.Decode));
}
