using Sim.Engine.Codec;

namespace Sim.Engine.Multi;

/// <summary>What a <see cref="MultiDatagram"/> carries (GROUPS.md strategies 1 and 2).</summary>
public enum MultiKind : byte
{
    /// <summary>An MLS Commit (PublicMessage); <see cref="MultiDatagram.Extra"/> holds the Welcome for joiners, if any.</summary>
    Commit = 1,
    /// <summary>An MLS application message (PrivateMessage).</summary>
    Application = 2,
    /// <summary>Gossip: only the sender's head (epoch and chain tip).</summary>
    Head = 3,
    /// <summary>Asks for the sender of a head its whole chain.</summary>
    ChainRequest = 4,
    /// <summary>The sender's whole chain in <see cref="MultiDatagram.Chain"/>.</summary>
    ChainReply = 5,
    /// <summary>Asks for the commits from <see cref="MultiDatagram.Epoch"/> on (or, failing that, a GroupInfo).</summary>
    CatchUp = 6,
    /// <summary>A signed GroupInfo (MLSMessage) of the sender's current epoch with its chain, for an external commit (RFC 9420 §12.4.3.2).</summary>
    GroupInfoReply = 7,
    /// <summary>A Welcome (MLSMessage) for <see cref="MultiDatagram.Target"/>, with the chain of the epoch it joins.</summary>
    Welcome = 8,
    /// <summary>Asks <see cref="MultiDatagram.Target"/> for a fresh KeyPackage.</summary>
    KeyPackageRequest = 9,
    /// <summary>A KeyPackage (MLSMessage) of the sender.</summary>
    KeyPackageReply = 10,
    /// <summary>Key-share: the ids of datagrams the sender could not read.</summary>
    KeyShareRequest = 11,
    /// <summary>Key-share: the asked-for messages (id, plaintext) sealed with HPKE to the requester's verified key-share key; Ids[0] is the holder's signature.</summary>
    KeyShare = 12,
    /// <summary>The sequencer's epoch (its reply to a rejected commit or a catch-up).</summary>
    DsHead = 13,
}

/// <summary>
/// One datagram of the N-party strategies: the sender's name and head (epoch, chain tip) on every
/// datagram, so any datagram doubles as gossip for fork detection; then what the kind needs. TLS
/// presentation language (RFC 9420 §2.1): uint8 kind, opaque sender, uint64 epoch, opaque tip,
/// opaque target, opaque body, opaque extra, vector of opaque chain, vector of opaque ids.
/// </summary>
public sealed record MultiDatagram(MultiKind Kind, string Sender, ulong Epoch, byte[] Tip) : ITlsCodec<MultiDatagram>
{
    void ITlsCodec<MultiDatagram>.Encode(TlsWriter writer) => Encode(writer);
    static MultiDatagram ITlsCodec<MultiDatagram>.Decode(ref TlsReader reader) => Decode(ref reader);

    public string Target { get; init; } = "";
    public byte[] Body { get; init; } = [];
    public byte[] Extra { get; init; } = [];
    public IReadOnlyList<byte[]> Chain { get; init; } = [];
    public IReadOnlyList<byte[]> Ids { get; init; } = [];

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)Kind);
        writer.WriteUtf8(Sender);
        writer.WriteUInt64(Epoch);
        writer.WriteOpaque(Tip);
        writer.WriteUtf8(Target);
        writer.WriteOpaque(Body);
        writer.WriteOpaque(Extra);
        writer.WriteVector(Chain, (w, c) => w.WriteOpaque(c));
        writer.WriteVector(Ids, (w, c) => w.WriteOpaque(c));
    }

    /// <summary>Decodes; anything malformed (unknown kind included) is <see cref="MlsDecodeException"/>.</summary>
    internal static MultiDatagram Decode(ref TlsReader reader)
    {
        byte kind = reader.ReadUInt8();
        if (kind is < (byte)MultiKind.Commit or > (byte)MultiKind.DsHead) throw new MlsDecodeException($"unknown datagram kind {kind}");
        string sender = reader.ReadUtf8();
        ulong epoch = reader.ReadUInt64();
        byte[] tip = reader.ReadOpaque();
        string target = reader.ReadUtf8();
        byte[] body = reader.ReadOpaque();
        byte[] extra = reader.ReadOpaque();
        var chain = reader.ReadVector(static (ref TlsReader r) => r.ReadOpaque());
        var ids = reader.ReadVector(static (ref TlsReader r) => r.ReadOpaque());
        return new MultiDatagram((MultiKind)kind, sender, epoch, tip) { Target = target, Body = body, Extra = extra, Chain = chain, Ids = ids };
    }

    public byte[] ToBytes() => Tls.Serialize(this);

    /// <summary>Decodes bytes off the network; false (and null) for anything malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out MultiDatagram? datagram) => Tls.TryDeserialize(bytes, out datagram);

    public override string ToString() => $"MultiDatagram({Kind} from {Sender}, epoch {Epoch}, {Body.Length} body bytes)";
}
