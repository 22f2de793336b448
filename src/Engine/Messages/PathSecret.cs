using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4.3.1 PathSecret: the path secret a joiner gets for the committer's common ancestor.</summary>
internal sealed record PathSecret(byte[] Secret) : ITlsCodec<PathSecret>
{
    public void Encode(TlsWriter writer) => writer.WriteOpaque(Secret);
    public static PathSecret Decode(ref TlsReader reader) => new(reader.ReadOpaque());
    public override string ToString() => "PathSecret { <redacted> }";
}
