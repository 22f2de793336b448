using System.Buffers.Binary;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Checks;

/// <summary>
/// The application PrivateMessage at the front of an opened PairMLS datagram body (PAIRMLS.md
/// "Framing"), read by the <see cref="SavedBytesAttacker"/> with its own reader of the RFC 9420 wire
/// format (§6, §6.3; variable-length vectors §2.1.2), so the judge does not depend on the engine's
/// decoder: MLSMessage { uint16 version = mls10; uint16 wire_format = mls_private_message; PrivateMessage }.
/// </summary>
internal sealed record PrivateApplication(byte[] GroupId, ulong Epoch, byte ContentType, byte[] AuthenticatedData, byte[] EncryptedSenderData, byte[] Ciphertext)
{
    private const ushort Mls10 = 1, WirePrivateMessage = 2;
    private const byte Application = 1;

    public static bool TryParse(ReadOnlySpan<byte> body, out PrivateApplication message)
    {
        message = null!;
        int at = 0;
        if (!U16(body, ref at, out var version) || version != Mls10 || !U16(body, ref at, out var wire) || wire != WirePrivateMessage) return false;
        if (!Vector(body, ref at, out var group) || at + 9 > body.Length) return false;
        ulong epoch = BinaryPrimitives.ReadUInt64BigEndian(body[at..]);
        byte type = body[at + 8];
        at += 9;
        if (type != Application || !Vector(body, ref at, out var aad) || !Vector(body, ref at, out var senderData) || !Vector(body, ref at, out var ciphertext)) return false;
        message = new PrivateApplication(group, epoch, type, aad, senderData, ciphertext);
        return true;
    }

    /// <summary>SenderDataAAD (§6.3.2): group_id, epoch, content_type.</summary>
    public byte[] SenderDataAad() => [.. VectorBytes(GroupId), .. U64(Epoch), ContentType];

    /// <summary>PrivateContentAAD (§6.3.1): group_id, epoch, content_type, authenticated_data.</summary>
    public byte[] ContentAad() => [.. VectorBytes(GroupId), .. U64(Epoch), ContentType, .. VectorBytes(AuthenticatedData)];

    /// <summary>The payload id in a decrypted PrivateMessageContent: application_data&lt;V&gt; holds AppContent { payload&lt;V&gt;; ... }.</summary>
    public static long? PayloadId(ReadOnlySpan<byte> content)
    {
        int at = 0;
        if (!Vector(content, ref at, out var applicationData)) return null;
        int inner = 0;
        return Vector(applicationData, ref inner, out var payload) ? Payload.IdOf(payload) : null;
    }

    private static bool U16(ReadOnlySpan<byte> b, ref int at, out ushort value)
    {
        value = 0;
        if (at + 2 > b.Length) return false;
        value = BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
        at += 2;
        return true;
    }

    private static bool Vector(ReadOnlySpan<byte> b, ref int at, out byte[] value)
    {
        value = [];
        if (at >= b.Length) return false;
        int prefix = b[at] >> 6;
        int size = prefix switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
        if (size == 0 || at + size > b.Length) return false;
        long length = b[at] & 0x3F;
        for (int i = 1; i < size; i++) length = length << 8 | b[at + i];
        at += size;
        if (length > b.Length - at) return false;
        value = b.Slice(at, (int)length).ToArray();
        at += (int)length;
        return true;
    }

    private static byte[] VectorBytes(byte[] value)
    {
        int n = value.Length;
        byte[] prefix = n < 0x40 ? [(byte)n] : n < 0x4000 ? [(byte)(0x40 | n >> 8), (byte)n] : [(byte)(0x80 | n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];
        return [.. prefix, .. value];
    }

    private static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
