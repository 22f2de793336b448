using Sim.Engine.Codec;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS card: the user's profile, a display name and ordered key/value fields, with a version that
/// only grows (the Authentication Service accepts a new card only with a higher version).
/// Wire form: struct { opaque display_name&lt;V&gt;; CardField fields&lt;V&gt;; uint64 version; }.
/// Equality compares the contents (fields in order), so two sides can compare their views.
/// </summary>
public sealed record Card(string DisplayName, IReadOnlyList<CardField> Fields, ulong Version) : ITlsCodec<Card>
{
    void ITlsCodec<Card>.Encode(TlsWriter writer) => Encode(writer);
    static Card ITlsCodec<Card>.Decode(ref TlsReader reader) => Decode(ref reader);

    /// <summary>A first card (version 1) with no fields.</summary>
    public static Card Create(string displayName, IReadOnlyList<CardField>? fields = null) => new(displayName, fields ?? [], 1);

    /// <summary>The next version of this card with the given changes (unchanged parts are kept).</summary>
    public Card Next(string? displayName = null, IReadOnlyList<CardField>? fields = null) =>
        new(displayName ?? DisplayName, fields ?? Fields, checked(Version + 1));

    /// <summary>The value of the first field named <paramref name="key"/>, or null.</summary>
    public string? this[string key] => Fields.FirstOrDefault(f => f.Key == key)?.Value;

    internal void Encode(TlsWriter writer)
    {
        writer.WriteUtf8(DisplayName);
        writer.WriteVector(Fields, (w, f) => f.Encode(w));
        writer.WriteUInt64(Version);
    }

    internal static Card Decode(ref TlsReader reader)
    {
        var displayName = reader.ReadUtf8();
        var fields = reader.ReadVector(CardField.Decode);
        return new Card(displayName, fields, reader.ReadUInt64());
    }

    public bool Equals(Card? other) =>
        other is not null && DisplayName == other.DisplayName && Version == other.Version && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => HashCode.Combine(DisplayName, Version, Fields.Count);

    public override string ToString() => $"Card(v{Version}, \"{DisplayName}\", {Fields.Count} fields)";
}
