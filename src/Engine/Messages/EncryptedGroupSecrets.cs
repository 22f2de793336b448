using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §12.4.3.1 EncryptedGroupSecrets: a KeyPackageRef and the GroupSecrets sealed to it.</summary>
public sealed record EncryptedGroupSecrets(byte[] NewMember, HpkeCiphertext EncryptedGroupSecretsCiphertext)
    : ITlsCodec<EncryptedGroupSecrets>
{
    void ITlsCodec<EncryptedGroupSecrets>.Encode(TlsWriter writer) => Encode(writer);
    static EncryptedGroupSecrets ITlsCodec<EncryptedGroupSecrets>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(NewMember);
        EncryptedGroupSecretsCiphertext.Encode(writer);
    }

    internal static EncryptedGroupSecrets Decode(ref TlsReader reader) =>
        new(reader.ReadOpaque(), HpkeCiphertext.Decode(ref reader));
}
