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
    public void Encode(TlsWriter writer)
    {
        KeyPackage.Encode(writer);
        CardAssertion.Encode(writer);
    }

    public static InvitationPublic Decode(ref TlsReader reader)
    {
        var keyPackage = KeyPackage.Decode(ref reader);
        return new InvitationPublic(keyPackage, CardAssertion.Decode(ref reader));
    }

    public byte[] ToBytes() => Tls.Serialize(this);

    /// <summary>Decodes <see cref="ToBytes"/>' output; <see cref="MlsDecodeException"/> if malformed.</summary>
    public static InvitationPublic FromBytes(ReadOnlySpan<byte> bytes) => Tls.Deserialize<InvitationPublic>(bytes);

    public override string ToString() => $"InvitationPublic(suite {KeyPackage.CipherSuite}, {CardAssertion.Card})";
}
