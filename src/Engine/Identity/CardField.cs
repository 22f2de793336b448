using Sim.Engine.Codec;

namespace Sim.Engine.Identity;

/// <summary>One field of a <see cref="Card"/>: struct { opaque key&lt;V&gt;; opaque value&lt;V&gt;; } as UTF-8.</summary>
public sealed record CardField(string Key, string Value) : ITlsCodec<CardField>
{
    void ITlsCodec<CardField>.Encode(TlsWriter writer) => Encode(writer);
    static CardField ITlsCodec<CardField>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUtf8(Key);
        writer.WriteUtf8(Value);
    }

    internal static CardField Decode(ref TlsReader reader)
    {
        var key = reader.ReadUtf8();
        return new CardField(key, reader.ReadUtf8());
    }
}
