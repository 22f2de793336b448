namespace Sim.Engine.Codec;

/// <summary>
/// The codec contract every MLS wire type implements (after mls-rs-codec): encode into a writer,
/// decode from a reader. Decoding throws only <see cref="MlsDecodeException"/>. Internal, as the
/// reader and writer are (issue 9): a user reads and writes bytes through <c>MlsMessage.Decode</c> /
/// <c>MlsMessage.Encode</c> (and <c>RatchetTreeWire</c>, <c>KeyPackageBundle</c>, <c>InvitationPublic</c>
/// for what travels or is kept outside an MLSMessage); public wire types implement it explicitly.
/// </summary>
internal interface ITlsCodec<TSelf> where TSelf : ITlsCodec<TSelf>
{
    void Encode(TlsWriter writer);
    static abstract TSelf Decode(ref TlsReader reader);
}

/// <summary>Whole-buffer helpers over <see cref="ITlsCodec{TSelf}"/>.</summary>
internal static class Tls
{
    public static byte[] Serialize<T>(T value) where T : ITlsCodec<T>
    {
        var writer = TlsWriter.Rent();
        try
        {
            value.Encode(writer);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>
    /// Encodes <paramref name="value"/> into a pooled writer and hands its bytes to <paramref name="use"/>
    /// (a hash, a MAC, a seal), for an encoding that is consumed at once: no array of its own. The
    /// writer is zeroed afterwards; <paramref name="use"/> must not keep the span.
    /// </summary>
    public static TResult Encoded<T, TArg, TResult>(T value, TArg arg, Func<TArg, ReadOnlySpan<byte>, TResult> use)
        where T : ITlsCodec<T>
    {
        var writer = TlsWriter.Rent();
        try
        {
            value.Encode(writer);
            return use(arg, writer.WrittenSpan);
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>True if <paramref name="a"/> and <paramref name="b"/> encode to the same bytes (compared in pooled writers).</summary>
    public static bool SameEncoding<T>(T a, T b) where T : ITlsCodec<T>
    {
        var wa = TlsWriter.Rent();
        var wb = TlsWriter.Rent();
        try
        {
            a.Encode(wa);
            b.Encode(wb);
            return wa.WrittenSpan.SequenceEqual(wb.WrittenSpan);
        }
        finally
        {
            TlsWriter.Return(wa);
            TlsWriter.Return(wb);
        }
    }

    /// <summary>Decodes a value that must occupy all of <paramref name="bytes"/>.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> bytes) where T : ITlsCodec<T>
    {
        var reader = new TlsReader(bytes);
        var value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>Decodes a value; any failure is reported as <c>false</c>.</summary>
    public static bool TryDeserialize<T>(ReadOnlySpan<byte> bytes, out T? value) where T : ITlsCodec<T>
    {
        try { value = Deserialize<T>(bytes); return true; }
        catch (MlsDecodeException) { value = default; return false; }
    }
}
