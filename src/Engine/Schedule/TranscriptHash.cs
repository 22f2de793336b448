using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Schedule;

/// <summary>
/// RFC 9420 §8.2 transcript hashes, over already-encoded inputs (the structs come from Framing):
/// <code>
/// confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
/// interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
/// </code>
/// and the confirmation tag of §6.1 that binds an epoch to its confirmed transcript hash.
/// </summary>
internal static class TranscriptHash
{
    /// <summary>confirmed_transcript_hash from the previous interim hash and the encoded
    /// ConfirmedTranscriptHashInput (wire_format, FramedContent content, signature).</summary>
    public static byte[] Confirmed(CipherSuite suite, ReadOnlySpan<byte> interimBefore, ReadOnlySpan<byte> confirmedTranscriptHashInput) =>
        HashConcat(suite, interimBefore, confirmedTranscriptHashInput);

    /// <summary>interim_transcript_hash from the confirmed hash and the encoded InterimTranscriptHashInput.</summary>
    public static byte[] Interim(CipherSuite suite, ReadOnlySpan<byte> confirmed, ReadOnlySpan<byte> interimTranscriptHashInput) =>
        HashConcat(suite, confirmed, interimTranscriptHashInput);

    /// <summary>interim_transcript_hash from the confirmed hash and the raw confirmation tag:
    /// InterimTranscriptHashInput is <c>struct { MAC confirmation_tag; }</c>, MAC being opaque&lt;V&gt;.</summary>
    public static byte[] InterimFromConfirmationTag(CipherSuite suite, ReadOnlySpan<byte> confirmed, ReadOnlySpan<byte> confirmationTag)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteFixed(confirmed);
            w.WriteOpaque(confirmationTag);
            return suite.Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }

    /// <summary>RFC 9420 §6.1: confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash).</summary>
    public static byte[] ConfirmationTag(CipherSuite suite, ReadOnlySpan<byte> confirmationKey, ReadOnlySpan<byte> confirmedTranscriptHash) =>
        suite.Mac(confirmationKey, confirmedTranscriptHash);

    /// <summary>Checks a received confirmation tag in constant time.</summary>
    public static bool VerifyConfirmationTag(CipherSuite suite, ReadOnlySpan<byte> confirmationKey,
        ReadOnlySpan<byte> confirmedTranscriptHash, ReadOnlySpan<byte> confirmationTag) =>
        CipherSuite.FixedTimeEquals(ConfirmationTag(suite, confirmationKey, confirmedTranscriptHash), confirmationTag);

    private static byte[] HashConcat(CipherSuite suite, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var w = TlsWriter.Rent();
        try
        {
            w.WriteFixed(a);
            w.WriteFixed(b);
            return suite.Hash(w.WrittenSpan);
        }
        finally { TlsWriter.Return(w); }
    }
}
