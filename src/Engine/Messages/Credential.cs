using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §5.3 CredentialType (uint16). Only the two defined types can be decoded.</summary>
public enum CredentialType : ushort
{
    Basic = 1,
    X509 = 2,
}

/// <summary>
/// RFC 9420 §5.3 Credential: a basic identity, or an X.509 chain (each entry is a Certificate's
/// cert_data). Exactly one of <see cref="Identity"/> / <see cref="Certificates"/> is set, by type.
/// </summary>
public sealed record Credential(CredentialType CredentialType, byte[]? Identity, IReadOnlyList<byte[]>? Certificates)
    : ITlsCodec<Credential>
{
    void ITlsCodec<Credential>.Encode(TlsWriter writer) => Encode(writer);
    static Credential ITlsCodec<Credential>.Decode(ref TlsReader reader) => Decode(ref reader);

    public static Credential Basic(byte[] identity) => new(CredentialType.Basic, identity, null);
    public static Credential X509(IReadOnlyList<byte[]> certificates) => new(CredentialType.X509, null, certificates);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)CredentialType);
        switch (CredentialType)
        {
            case CredentialType.Basic:
                writer.WriteOpaque(Identity ?? throw WireEnum.Missing(nameof(Credential), nameof(Identity), CredentialType));
                break;
            case CredentialType.X509:
                // struct { opaque cert_data<V>; } Certificate;
                writer.WriteVector(Certificates ?? throw WireEnum.Missing(nameof(Credential), nameof(Certificates), CredentialType),
                    (w, c) => w.WriteOpaque(c));
                break;
            default:
                throw new InvalidOperationException($"Credential: cannot encode credential type {(ushort)CredentialType}");
        }
    }

    internal static Credential Decode(ref TlsReader reader)
    {
        var type = WireEnum.Check((CredentialType)reader.ReadUInt16(), "Credential.credential_type");
        return type switch
        {
            CredentialType.Basic => Basic(reader.ReadOpaque()),
            _ => X509(reader.ReadVector((ref TlsReader r) => r.ReadOpaque())),
        };
    }
}
