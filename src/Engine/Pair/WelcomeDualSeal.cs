using System.Security.Cryptography;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>
/// docs/RECOVERY.md "The acceptor restored into w": the seal of an acceptor's request datagram in the
/// Welcome epoch w, which two kinds of invitee must open: one that has not joined yet (it holds only
/// the invitation's init key) and one that joined long ago and deleted that key after R + 2 epochs
/// (forward secrecy of w), but still holds the header key of w + 1 (the exporter of w) for H epochs.
/// The acceptor cannot tell them apart, so the body is sealed once under a fresh content key, and
/// that key is wrapped for each:
/// <code>
/// datagram = nonce || AEAD.Seal(header_key(w+1), nonce, "PairMLS/1 welcome key", content_key)
///         || enc || HPKE SealBase(init_key, "PairMLS welcome key", "", content_key)     (RFC 9180 §6.1)
///         || AEAD.Seal(content_key, 0^Nn, "PairMLS/1 welcome body", body)
/// </code>
/// The content key is fresh randomness per datagram, so the body's all-zero nonce is used once.
/// Neither wrap weakens the other: the body holds the Welcome, whose group secrets are sealed to the
/// init key on their own (RFC 9420 §12.4.3.1), so the header key of w + 1 opens only what header keys
/// protect (metadata), as for every other datagram. Trial decryption stays cheap: one small AEAD open
/// (joined invitee, only while it holds the header key of w + 1) or one HPKE open (not joined yet).
/// </summary>
internal static class WelcomeDualSeal
{
    private static ReadOnlySpan<byte> KeyAad => "PairMLS/1 welcome key"u8;
    private static ReadOnlySpan<byte> BodyAad => "PairMLS/1 welcome body"u8;
    private static ReadOnlySpan<byte> HpkeInfo => "PairMLS welcome key"u8;

    private static int HeaderWrapLength(CipherSuite suite) => Aead.NonceLength + suite.Aead.KeyLength + Aead.TagLength;
    private static int InvitationWrapLength(CipherSuite suite) => suite.Kem.EncLength + suite.Aead.KeyLength + Aead.TagLength;
    private static int Overhead(CipherSuite suite) => HeaderWrapLength(suite) + InvitationWrapLength(suite) + Aead.TagLength;

    public static byte[] Seal(CipherSuite suite, ReadOnlySpan<byte> initKey, ReadOnlySpan<byte> headerKey, ReadOnlySpan<byte> body, IRandomSource random)
    {
        int headerWrap = HeaderWrapLength(suite), invitationWrap = InvitationWrapLength(suite);
        var datagram = new byte[Overhead(suite) + body.Length];
        var contentKey = new byte[suite.Aead.KeyLength];
        try
        {
            random.Fill(contentKey);
            var nonce = datagram.AsSpan(0, Aead.NonceLength);
            random.Fill(nonce);
            suite.Aead.Seal(headerKey, nonce, KeyAad, contentKey, datagram.AsSpan(Aead.NonceLength, headerWrap - Aead.NonceLength));
            var (enc, wrapped) = suite.Hpke.Seal(initKey, HpkeInfo, ReadOnlySpan<byte>.Empty, contentKey, random);
            enc.CopyTo(datagram, headerWrap);
            wrapped.CopyTo(datagram, headerWrap + enc.Length);
            if (enc.Length + wrapped.Length != invitationWrap) throw new InvalidOperationException("HPKE output length differs from the suite's Nenc + Nk + tag");
            Span<byte> zero = stackalloc byte[Aead.NonceLength];
            zero.Clear();
            suite.Aead.Seal(contentKey, zero, BodyAad, body, datagram.AsSpan(headerWrap + invitationWrap));
            return datagram;
        }
        finally { CryptographicOperations.ZeroMemory(contentKey); }
    }

    /// <summary>The body, or null: a joined invitee with the header key of w + 1.</summary>
    public static byte[]? TryOpenWithHeaderKey(CipherSuite suite, ReadOnlySpan<byte> headerKey, ReadOnlySpan<byte> datagram)
    {
        int headerWrap = HeaderWrapLength(suite);
        if (datagram.Length < Overhead(suite)) return null;
        var contentKey = suite.Aead.TryOpen(headerKey, datagram[..Aead.NonceLength], KeyAad, datagram[Aead.NonceLength..headerWrap]);
        return contentKey is null ? null : OpenBody(suite, contentKey, datagram);
    }

    /// <summary>The body, or null: an invitee not joined yet, with the invitation's init private key.</summary>
    public static byte[]? TryOpenAsInvitee(CipherSuite suite, Secret initPrivateKey, ReadOnlySpan<byte> datagram)
    {
        int headerWrap = HeaderWrapLength(suite), encLength = suite.Kem.EncLength;
        if (datagram.Length < Overhead(suite)) return null;
        var wrap = datagram.Slice(headerWrap, InvitationWrapLength(suite));
        // Trial decryption: an enc that is no public key, or a wrap for another key, is a null (no exception).
        var contentKey = suite.Hpke.TryOpen(wrap[..encLength], initPrivateKey.Span, HpkeInfo, ReadOnlySpan<byte>.Empty, wrap[encLength..]);
        return contentKey is null ? null : OpenBody(suite, contentKey, datagram);
    }

    private static byte[]? OpenBody(CipherSuite suite, byte[] contentKey, ReadOnlySpan<byte> datagram)
    {
        try
        {
            Span<byte> zero = stackalloc byte[Aead.NonceLength];
            zero.Clear();
            return suite.Aead.TryOpen(contentKey, zero, BodyAad, datagram[(HeaderWrapLength(suite) + InvitationWrapLength(suite))..]);
        }
        finally { CryptographicOperations.ZeroMemory(contentKey); }
    }
}
