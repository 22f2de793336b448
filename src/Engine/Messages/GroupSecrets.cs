using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4.3.1 GroupSecrets: the plaintext a Welcome seals to each new member.</summary>
internal sealed record GroupSecrets(byte[] JoinerSecret, PathSecret? PathSecret, IReadOnlyList<PreSharedKeyId> Psks)
    : ITlsCodec<GroupSecrets>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(JoinerSecret);
        writer.WriteOptional(PathSecret, (w, p) => p.Encode(w));
        writer.WriteVector(Psks, (w, p) => p.Encode(w));
    }

    public static GroupSecrets Decode(ref TlsReader reader) => new(
        reader.ReadOpaque(),
        reader.ReadOptional(Messages.PathSecret.Decode),
        reader.ReadVector(PreSharedKeyId.Decode));

    public override string ToString() => $"GroupSecrets {{ <redacted>, Psks = {Psks.Count} }}";
}
