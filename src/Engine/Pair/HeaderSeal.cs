using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>
/// PAIRMLS.md "Framing", item 4: the seal around a datagram's body, hiding the group id, the epoch
/// and the stapled handshake messages. No key id is on the wire: the receiver tries its keys.
/// <list type="bullet">
/// <item>Epoch k &gt; w: header_key = MLS-Exporter(epoch k-1, "PairMLS header seal", "", Nk)
/// (RFC 9420 §8.5); datagram = nonce (12 random bytes) || AEAD.Seal(header_key, nonce, "PairMLS/1", body).</item>
/// <item>Epoch w: datagram = enc || ct = HPKE SealBase(invitation init_key, "PairMLS welcome seal", "", body)
/// (RFC 9180 §6.1): no epoch w-1 is shared with the invitee.</item>
/// </list>
/// </summary>
internal static class HeaderSeal
{
    public const string ExporterLabel = "PairMLS header seal";
    public static ReadOnlySpan<byte> Aad => "PairMLS/1"u8;
    public static ReadOnlySpan<byte> WelcomeInfo => "PairMLS welcome seal"u8;

    public static byte[] Seal(CipherSuite suite, ReadOnlySpan<byte> headerKey, ReadOnlySpan<byte> body, IRandomSource random)
    {
        // nonce || ciphertext || tag, sealed in place (no intermediate copies).
        var datagram = new byte[Aead.NonceLength + body.Length + Aead.TagLength];
        var nonce = datagram.AsSpan(0, Aead.NonceLength);
        random.Fill(nonce);
        suite.Aead.Seal(headerKey, nonce, Aad, body, datagram.AsSpan(Aead.NonceLength));
        return datagram;
    }

    /// <summary>The body, or null if <paramref name="headerKey"/> does not open the datagram.</summary>
    public static byte[]? TryOpen(CipherSuite suite, ReadOnlySpan<byte> headerKey, ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < Aead.NonceLength + Aead.TagLength) return null;
        return suite.Aead.TryOpen(headerKey, datagram[..Aead.NonceLength], Aad, datagram[Aead.NonceLength..]);
    }

    /// <summary>The body's length (datagram length − nonce − tag): what <see cref="TryOpen(CipherSuite, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> writes; negative if too short.</summary>
    public static int BodyLength(ReadOnlySpan<byte> datagram) => datagram.Length - Aead.NonceLength - Aead.TagLength;

    /// <summary>Opens into <paramref name="body"/> (exactly <see cref="BodyLength"/> bytes): false (and <paramref name="body"/> zeroed) if <paramref name="headerKey"/> does not open it.</summary>
    public static bool TryOpen(CipherSuite suite, ReadOnlySpan<byte> headerKey, ReadOnlySpan<byte> datagram, Span<byte> body)
    {
        if (datagram.Length < Aead.NonceLength + Aead.TagLength) return false;
        return suite.Aead.TryOpen(headerKey, datagram[..Aead.NonceLength], Aad, datagram[Aead.NonceLength..], body);
    }

    public static byte[] SealToInvitation(CipherSuite suite, ReadOnlySpan<byte> initKey, ReadOnlySpan<byte> body, IRandomSource random)
    {
        var (enc, ct) = suite.Hpke.Seal(initKey, WelcomeInfo, ReadOnlySpan<byte>.Empty, body, random);
        var datagram = new byte[enc.Length + ct.Length];
        enc.CopyTo(datagram, 0);
        ct.CopyTo(datagram, enc.Length);
        return datagram;
    }

    /// <summary>The body, or null if the invitation's init private key does not open the datagram.</summary>
    public static byte[]? TryOpenAsInvitee(CipherSuite suite, Secret initPrivateKey, ReadOnlySpan<byte> datagram)
    {
        int encLength = suite.Kem.EncLength;
        if (datagram.Length < encLength + Aead.TagLength) return null;
        // Trial decryption: an enc that is no public key, or a ciphertext for another key, is a null (no exception).
        return suite.Hpke.TryOpen(datagram[..encLength], initPrivateKey.Span, WelcomeInfo, ReadOnlySpan<byte>.Empty, datagram[encLength..]);
    }
}
