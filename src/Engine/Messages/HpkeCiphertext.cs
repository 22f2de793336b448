using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.6 HPKECiphertext: an HPKE encapsulation and the sealed payload.</summary>
public sealed record HpkeCiphertext(byte[] KemOutput, byte[] Ciphertext) : ITlsCodec<HpkeCiphertext>
{
    void ITlsCodec<HpkeCiphertext>.Encode(TlsWriter writer) => Encode(writer);
    static HpkeCiphertext ITlsCodec<HpkeCiphertext>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(KemOutput);
        writer.WriteOpaque(Ciphertext);
    }

    internal static HpkeCiphertext Decode(ref TlsReader reader) => new(reader.ReadOpaque(), reader.ReadOpaque());
}
