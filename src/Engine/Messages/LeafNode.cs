using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>RFC 9420 §7.2 LeafNodeSource (uint8): decides which field follows it in a LeafNode.</summary>
public enum LeafNodeSource : byte
{
    KeyPackage = 1,
    Update = 2,
    Commit = 3,
}

/// <summary>
/// RFC 9420 §7.2 LeafNode. <see cref="Lifetime"/> is set exactly when the source is key_package,
/// <see cref="ParentHash"/> exactly when it is commit; an update source carries neither.
/// </summary>
public sealed record LeafNode(
    byte[] EncryptionKey,
    byte[] SignatureKey,
    Credential Credential,
    Capabilities Capabilities,
    LeafNodeSource LeafNodeSource,
    Lifetime? Lifetime,
    byte[]? ParentHash,
    IReadOnlyList<Extension> Extensions,
    byte[] Signature) : ITlsCodec<LeafNode>
{
    void ITlsCodec<LeafNode>.Encode(TlsWriter writer) => Encode(writer);
    static LeafNode ITlsCodec<LeafNode>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        EncodeTbsPrefix(writer);
        writer.WriteOpaque(Signature);
    }

    /// <summary>
    /// RFC 9420 §7.2 LeafNodeTBS: the leaf without its signature, then for update and commit
    /// sources the group_id and leaf_index that bind the leaf to its place in a group.
    /// </summary>
    public byte[] ToBeSigned(byte[]? groupId, uint? leafIndex)
    {
        var writer = TlsWriter.Rent();
        try
        {
            EncodeTbs(writer, groupId, leafIndex);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>Writes the LeafNodeTBS of <see cref="ToBeSigned"/> into <paramref name="writer"/>.</summary>
    internal void EncodeTbs(TlsWriter writer, byte[]? groupId, uint? leafIndex)
    {
        EncodeTbsPrefix(writer);
        if (LeafNodeSource is LeafNodeSource.Update or LeafNodeSource.Commit)
        {
            if (groupId is null || leafIndex is null)
                throw new ArgumentException($"LeafNodeTBS: a leaf with source {LeafNodeSource} needs group_id and leaf_index");
            writer.WriteOpaque(groupId);
            writer.WriteUInt32(leafIndex.Value);
        }
    }

    private void EncodeTbsPrefix(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(SignatureKey);
        Credential.Encode(writer);
        Capabilities.Encode(writer);
        writer.WriteUInt8((byte)LeafNodeSource);
        switch (LeafNodeSource)
        {
            case LeafNodeSource.KeyPackage:
                (Lifetime ?? throw WireEnum.Missing(nameof(LeafNode), nameof(Lifetime), LeafNodeSource)).Encode(writer);
                break;
            case LeafNodeSource.Update:
                break;
            case LeafNodeSource.Commit:
                writer.WriteOpaque(ParentHash ?? throw WireEnum.Missing(nameof(LeafNode), nameof(ParentHash), LeafNodeSource));
                break;
            default:
                throw new InvalidOperationException($"LeafNode: cannot encode leaf_node_source {(byte)LeafNodeSource}");
        }
        writer.WriteVector(Extensions, (w, e) => e.Encode(w));
    }

    internal static LeafNode Decode(ref TlsReader reader)
    {
        var encryptionKey = reader.ReadOpaque();
        var signatureKey = reader.ReadOpaque();
        var credential = Credential.Decode(ref reader);
        var capabilities = Capabilities.Decode(ref reader);
        var source = WireEnum.Check((LeafNodeSource)reader.ReadUInt8(), "LeafNode.leaf_node_source");
        Lifetime? lifetime = source == LeafNodeSource.KeyPackage ? Lifetime.Decode(ref reader) : null;
        byte[]? parentHash = source == LeafNodeSource.Commit ? reader.ReadOpaque() : null;
        var extensions = reader.ReadVector(Extension.Decode);
        var signature = reader.ReadOpaque();
        return new LeafNode(encryptionKey, signatureKey, credential, capabilities, source, lifetime, parentHash,
            extensions, signature);
    }
}
