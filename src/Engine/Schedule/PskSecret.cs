using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Schedule;

/// <summary>
/// RFC 9420 §8.4: folds the PSKs of a Commit (or of a Welcome's GroupSecrets) into psk_secret.
/// <code>
/// psk_extracted_[i] = Extract(0, psk_[i])
/// psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, Nh)
/// psk_secret_[0]    = 0
/// psk_secret_[i]    = Extract(psk_input_[i-1], psk_secret_[i-1])
/// </code>
/// with <c>struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel</c>. Callers pass each
/// PreSharedKeyID already encoded (the wire type lives in Messages); the encoders here exist so the
/// schedule can be tested on its own.
/// </summary>
internal static class PskSecret
{
    /// <summary>PSKType values of §8.4.</summary>
    public const byte PskTypeExternal = 1;
    public const byte PskTypeResumption = 2;

    /// <summary>psk_secret over the PSKs in order; with none, the all-zero string of Nh bytes.</summary>
    public static Secret Compute(CipherSuite suite, IReadOnlyList<(byte[] EncodedPskId, byte[] Psk)> psks)
    {
        ArgumentNullException.ThrowIfNull(psks);
        if (psks.Count > ushort.MaxValue) throw new ArgumentException("at most 65535 PSKs fit a PSKLabel", nameof(psks));
        int nh = suite.HashLength;
        var zero = new byte[nh];
        var pskSecret = Secret.Zero(nh);
        for (int i = 0; i < psks.Count; i++)
        {
            var (encodedId, psk) = psks[i];
            using var extracted = new Secret(suite.Extract(zero, psk));
            using var input = new Secret(suite.ExpandWithLabel(extracted.Span, "derived psk",
                EncodePskLabel(encodedId, (ushort)i, (ushort)psks.Count), nh));
            var next = new Secret(suite.Extract(input.Span, pskSecret.Span));
            pskSecret.Clear();
            pskSecret = next;
        }
        return pskSecret;
    }

    /// <summary>The PSKLabel struct: the encoded PreSharedKeyID, then index and count as uint16.</summary>
    public static byte[] EncodePskLabel(ReadOnlySpan<byte> encodedPskId, ushort index, ushort count)
    {
        var w = new TlsWriter(encodedPskId.Length + 4);
        w.WriteFixed(encodedPskId);
        w.WriteUInt16(index);
        w.WriteUInt16(count);
        return w.ToArray();
    }

    /// <summary>PreSharedKeyID for an external PSK: psktype=external(1), psk_id&lt;V&gt;, psk_nonce&lt;V&gt;.</summary>
    public static byte[] EncodeExternalPskId(ReadOnlySpan<byte> pskId, ReadOnlySpan<byte> pskNonce)
    {
        var w = new TlsWriter(pskId.Length + pskNonce.Length + 9);
        w.WriteUInt8(PskTypeExternal);
        w.WriteOpaque(pskId);
        w.WriteOpaque(pskNonce);
        return w.ToArray();
    }

    /// <summary>PreSharedKeyID for a resumption PSK: psktype=resumption(2), usage, psk_group_id&lt;V&gt;,
    /// psk_epoch (uint64), psk_nonce&lt;V&gt;. Usage is application(1), reinit(2) or branch(3).</summary>
    public static byte[] EncodeResumptionPskId(byte usage, ReadOnlySpan<byte> pskGroupId, ulong pskEpoch, ReadOnlySpan<byte> pskNonce)
    {
        if (usage is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(usage), "ResumptionPSKUsage is 1, 2 or 3");
        var w = new TlsWriter(pskGroupId.Length + pskNonce.Length + 18);
        w.WriteUInt8(PskTypeResumption);
        w.WriteUInt8(usage);
        w.WriteOpaque(pskGroupId);
        w.WriteUInt64(pskEpoch);
        w.WriteOpaque(pskNonce);
        return w.ToArray();
    }
}
