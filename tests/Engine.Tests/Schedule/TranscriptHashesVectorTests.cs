using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Schedule;

/// <summary>
/// transcript-hashes.json: per suite, a confirmation_key, a serialized AuthenticatedContent holding a
/// Commit, the interim transcript hash before it, and the confirmed and interim transcript hashes
/// after it. Checks that the content is a commit whose confirmation_tag is
/// MAC(confirmation_key, confirmed_transcript_hash_after) (RFC 9420 §6.1), and that updating the
/// interim hash with ConfirmedTranscriptHashInput, then the confirmation tag, gives both hashes (§8.2).
/// </summary>
public sealed class TranscriptHashesVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void TranscriptHashesJson(string provider) => VectorFile.RunAll(output, provider, "transcript-hashes.json", (c, _) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var content = Tls.Deserialize<AuthenticatedContent>(c.Hex("authenticated_content"));
        Assert.Equal(ContentType.Commit, content.Content.ContentType);
        var tag = content.Auth.ConfirmationTag!;

        var confirmedAfter = c.Hex("confirmed_transcript_hash_after");
        Assert.True(TranscriptHash.VerifyConfirmationTag(suite, c.Hex("confirmation_key"), confirmedAfter, tag),
            "confirmation_tag is not MAC(confirmation_key, confirmed_transcript_hash_after)");

        var confirmed = TranscriptHash.Confirmed(suite, c.Hex("interim_transcript_hash_before"), content.ConfirmedTranscriptHashInput());
        Assert.Equal(Convert.ToHexString(confirmedAfter), Convert.ToHexString(confirmed));
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, confirmed, tag);
        Assert.Equal(c.Str("interim_transcript_hash_after").ToUpperInvariant(), Convert.ToHexString(interim));
    });
}
