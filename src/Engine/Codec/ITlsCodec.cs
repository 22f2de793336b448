namespace Sim.Engine.Codec;

/// <summary>
/// The codec contract every MLS wire type implements (after mls-rs-codec): encode into a writer,
/// decode from a reader. Decoding throws only <see cref="MlsDecodeException"/>.
/// </summary>
public interface ITlsCodec<TSelf> where TSelf : ITlsCodec<TSelf>
{
    void Encode(TlsWriter writer);
    static abstract TSelf Decode(ref TlsReader reader);
}

/// <summary>Whole-buffer helpers over <see cref="ITlsCodec{TSelf}"/>.</summary>
public static class Tls
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
