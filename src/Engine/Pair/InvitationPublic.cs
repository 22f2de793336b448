using Sim.Engine.Codec;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// The shareable part of an invitation (PAIRMLS.md "Creating a conversation", step 1): the
/// invitation agent's KeyPackage and its card assertion (empty conversation id).
/// <code>struct { KeyPackage key_package; CardAssertion card_assertion; } InvitationPublic;</code>
/// </summary>
public sealed record InvitationPublic(KeyPackage KeyPackage, CardAssertion CardAssertion) : ITlsCodec<InvitationPublic>
{
    void ITlsCodec<InvitationPublic>.Encode(TlsWriter writer) => Encode(writer);
    static InvitationPublic ITlsCodec<InvitationPublic>.Decode(ref TlsReader reader) => Decode(ref reader);

    internal void Encode(TlsWriter writer)
    {
        KeyPackage.Encode(writer);
        CardAssertion.Encode(writer);
    }

    internal static InvitationPublic Decode(ref TlsReader reader)
    {
        var keyPackage = KeyPackage.Decode(ref reader);
        return new InvitationPublic(keyPackage, CardAssertion.Decode(ref reader));
    }

    public byte[] ToBytes() => Tls.Serialize(this);

    /// <summary>RFC 9420 §7.2 lifetime of the invitation's KeyPackage leaf (seconds since the Unix epoch).</summary>
    public Lifetime? Lifetime => KeyPackage.LeafNode.Lifetime;

    /// <summary>Why <paramref name="keyPackage"/> is not valid at <paramref name="now"/> (RFC 9420 §7.3), or null if it is.</summary>
    internal static string? Expired(KeyPackage keyPackage, ulong now)
    {
        if (keyPackage.LeafNode.Lifetime is not { } life) return null;
        if (now < life.NotBefore) return $"the invitation is not valid before {Time(life.NotBefore)} (now {Time(now)})";
        if (now > life.NotAfter) return $"the invitation expired at {Time(life.NotAfter)} (now {Time(now)})";
        return null;
    }

    private static string Time(ulong seconds) =>
        seconds > 253402300799 ? $"{seconds} s" : DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'");

    /// <summary>Decodes <see cref="ToBytes"/>' output; <see cref="MlsDecodeException"/> if malformed.</summary>
    public static InvitationPublic FromBytes(ReadOnlySpan<byte> bytes) => Tls.Deserialize<InvitationPublic>(bytes);

    public override string ToString() => $"InvitationPublic(suite {KeyPackage.CipherSuite}, {CardAssertion.Card})";
}
