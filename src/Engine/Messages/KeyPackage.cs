using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §10 KeyPackage. Version and cipher suite stay raw uint16 codes here: whether they are
/// acceptable is a validation question (§10.1), not a decoding one.
/// </summary>
public sealed record KeyPackage(
    ushort Version,
    ushort CipherSuite,
    byte[] InitKey,
    LeafNode LeafNode,
    IReadOnlyList<Extension> Extensions,
    byte[] Signature) : ITlsCodec<KeyPackage>
{
    void ITlsCodec<KeyPackage>.Encode(TlsWriter writer) => Encode(writer);
    static KeyPackage ITlsCodec<KeyPackage>.Decode(ref TlsReader reader) => Decode(ref reader);

    /// <summary>RFC 9420 §5.2 KeyPackageRef = MakeKeyPackageRef(value), value being this KeyPackage
    /// encoded; the hash is the one of this package's suite (<see cref="MlsError.UnsupportedCipherSuite"/> if unknown).</summary>
    public byte[] MakeRef() => Crypto.CipherSuite.Get(CipherSuite).MakeKeyPackageRef(Tls.Serialize(this));

    internal void Encode(TlsWriter writer)
    {
        EncodeTbs(writer);
        writer.WriteOpaque(Signature);
    }

    /// <summary>RFC 9420 §10 KeyPackageTBS: everything but the signature.</summary>
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
        writer.WriteUInt16(Version);
        writer.WriteUInt16(CipherSuite);
        writer.WriteOpaque(InitKey);
        LeafNode.Encode(writer);
        writer.WriteVector(Extensions, (w, e) => e.Encode(w));
    }

    internal static KeyPackage Decode(ref TlsReader reader) => new(
        reader.ReadUInt16(),
        reader.ReadUInt16(),
        reader.ReadOpaque(),
        LeafNode.Decode(ref reader),
        reader.ReadVector(Extension.Decode),
        reader.ReadOpaque());
}
