using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Framing;

/// <summary>
/// RFC 9420 §6 MLSMessage: version mls10, a wire format, and the one message it selects (set
/// exactly as <see cref="WireFormat"/> says). Any other version is rejected on decode.
/// </summary>
public sealed record MlsMessage(
    WireFormat WireFormat,
    PublicMessage? PublicMessage,
    PrivateMessage? PrivateMessage,
    Welcome? Welcome,
    GroupInfo? GroupInfo,
    KeyPackage? KeyPackage) : ITlsCodec<MlsMessage>
{
    void ITlsCodec<MlsMessage>.Encode(TlsWriter writer) => Encode(writer);
    static MlsMessage ITlsCodec<MlsMessage>.Decode(ref TlsReader reader) => Decode(ref reader);

    public ProtocolVersion Version => ProtocolVersion.Mls10;

    public static MlsMessage From(PublicMessage message) => new(WireFormat.PublicMessage, message, null, null, null, null);
    public static MlsMessage From(PrivateMessage message) => new(WireFormat.PrivateMessage, null, message, null, null, null);
    public static MlsMessage From(Welcome welcome) => new(WireFormat.Welcome, null, null, welcome, null, null);
    public static MlsMessage From(GroupInfo groupInfo) => new(WireFormat.GroupInfo, null, null, null, groupInfo, null);
    public static MlsMessage From(KeyPackage keyPackage) => new(WireFormat.KeyPackage, null, null, null, null, keyPackage);

    /// <summary>The MLSMessage's bytes on the wire (RFC 9420 §6).</summary>
    public byte[] Encode() => Tls.Serialize(this);

    /// <summary>
    /// Reads an MLSMessage that occupies all of <paramref name="bytes"/> (RFC 9420 §6): any malformed
    /// input (a bad length, a non-minimal varint, an unknown version or wire format, trailing bytes)
    /// is an <see cref="MlsDecodeException"/> and nothing else. What it carries is verified when it is
    /// processed (<c>MlsGroup.Process</c>, <c>MlsGroup.JoinFromWelcome</c>, …), not here.
    /// </summary>
    public static MlsMessage Decode(ReadOnlySpan<byte> bytes) => Tls.Deserialize<MlsMessage>(bytes);

    /// <summary><see cref="Decode(ReadOnlySpan{byte})"/> for input that may not be an MLSMessage: false instead of the exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MlsMessage? message) =>
        Tls.TryDeserialize(bytes, out message) && message is not null;

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)ProtocolVersion.Mls10);
        writer.WriteUInt16((ushort)WireFormat);
        switch (WireFormat)
        {
            case WireFormat.PublicMessage: (PublicMessage ?? throw Missing(nameof(PublicMessage))).Encode(writer); break;
            case WireFormat.PrivateMessage: (PrivateMessage ?? throw Missing(nameof(PrivateMessage))).Encode(writer); break;
            case WireFormat.Welcome: (Welcome ?? throw Missing(nameof(Welcome))).Encode(writer); break;
            case WireFormat.GroupInfo: (GroupInfo ?? throw Missing(nameof(GroupInfo))).Encode(writer); break;
            case WireFormat.KeyPackage: (KeyPackage ?? throw Missing(nameof(KeyPackage))).Encode(writer); break;
            default: throw new InvalidOperationException($"MLSMessage: cannot encode wire_format {(ushort)WireFormat}");
        }
    }

    private InvalidOperationException Missing(string field) => WireEnum.Missing(nameof(MlsMessage), field, WireFormat);

    internal static MlsMessage Decode(ref TlsReader reader)
    {
        ushort version = reader.ReadUInt16();
        if (version != (ushort)ProtocolVersion.Mls10)
            throw new MlsDecodeException($"MLSMessage: unsupported protocol version {version}");
        var wireFormat = WireEnum.Check((WireFormat)reader.ReadUInt16(), "MLSMessage.wire_format");
        return wireFormat switch
        {
            WireFormat.PublicMessage => From(Framing.PublicMessage.Decode(ref reader)),
            WireFormat.PrivateMessage => From(Framing.PrivateMessage.Decode(ref reader)),
            WireFormat.Welcome => From(Messages.Welcome.Decode(ref reader)),
            WireFormat.GroupInfo => From(Messages.GroupInfo.Decode(ref reader)),
            _ => From(Messages.KeyPackage.Decode(ref reader)),
        };
    }
}
