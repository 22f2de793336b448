using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Schedule;

/// <summary>Key schedule, PSK and transcript helpers beyond the vectors: empty PSK secret means zero,
/// copies and clearing, redaction, and the §8.2 transcript formulas.</summary>
public sealed class KeyScheduleTests
{
    private static readonly CipherSuite Suite = CipherSuite.Get(3);

    [Fact]
    public void EmptyPskSecretEqualsTheZeroVector()
    {
        var init = new byte[Suite.HashLength];
        var commit = Enumerable.Repeat((byte)7, Suite.HashLength).ToArray();
        var context = new byte[] { 1, 2, 3 };
        using var a = KeySchedule.Advance(Suite, init, commit, ReadOnlySpan<byte>.Empty, context);
        using var b = KeySchedule.Advance(Suite, init, commit, new byte[Suite.HashLength], context);
        using var zero = PskSecret.Compute(Suite, []);
        using var c = KeySchedule.Advance(Suite, init, commit, zero.Span, context);
        Assert.Equal(a.Secrets.InitSecret, b.Secrets.InitSecret);
        Assert.Equal(a.Secrets.InitSecret, c.Secrets.InitSecret);
        Assert.Throws<ArgumentException>(() => KeySchedule.Advance(Suite, init, commit, new byte[5], context));
    }

    [Fact]
    public void EpochSecretsCloneIsIndependentAndRedacted()
    {
        using var step = KeySchedule.Advance(Suite, new byte[32], new byte[32], default, [9]);
        var copy = step.Secrets.Clone();
        Assert.Equal(step.Secrets.MembershipKey, copy.MembershipKey);
        Assert.Equal(step.Secrets.MlsExporter("x", [1], 16), copy.MlsExporter("x", [1], 16));
        copy.Clear();
        Assert.True(copy.ExporterSecret.IsCleared);
        Assert.False(step.Secrets.ExporterSecret.IsCleared);
        Assert.Throws<ObjectDisposedException>(() => copy.MlsExporter("x", [1], 16));
        Assert.Equal("Secret(32 bytes)", step.Secrets.InitSecret.ToString());
        Assert.DoesNotContain(Convert.ToHexString(step.Secrets.InitSecret.Span), step.Secrets.ToString());
    }

    [Fact]
    public void WelcomeKeyAndNonceHaveAeadSizes()
    {
        var (key, nonce) = KeySchedule.WelcomeKeyAndNonce(Suite, new byte[Suite.HashLength]);
        Assert.Equal(Suite.Aead.KeyLength, key.Length);
        Assert.Equal(Aead.NonceLength, nonce.Length);
    }

    [Fact]
    public void PskOrderMatters()
    {
        var id1 = PskSecret.EncodeExternalPskId([1], new byte[Suite.HashLength]);
        var id2 = PskSecret.EncodeExternalPskId([2], new byte[Suite.HashLength]);
        using var ab = PskSecret.Compute(Suite, [(id1, new byte[] { 10 }), (id2, new byte[] { 20 })]);
        using var ba = PskSecret.Compute(Suite, [(id2, new byte[] { 20 }), (id1, new byte[] { 10 })]);
        Assert.NotEqual(ab, ba);
        var resumption = PskSecret.EncodeResumptionPskId(1, [5, 5], 7, [0]);
        Assert.Equal(new byte[] { 2, 1, 2, 5, 5, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0 }, resumption);
    }

    [Fact]
    public void TranscriptHashesFollowSection8Point2()
    {
        var interimBefore = Suite.Hash([1]);
        var input = new byte[] { 0, 1, 2, 3 };
        var confirmed = TranscriptHash.Confirmed(Suite, interimBefore, input);
        Assert.Equal(Suite.Hash([.. interimBefore, .. input]), confirmed);

        var key = new byte[Suite.HashLength];
        var tag = TranscriptHash.ConfirmationTag(Suite, key, confirmed);
        Assert.True(TranscriptHash.VerifyConfirmationTag(Suite, key, confirmed, tag));
        tag[0] ^= 1;
        Assert.False(TranscriptHash.VerifyConfirmationTag(Suite, key, confirmed, tag));
        tag[0] ^= 1;

        var w = new TlsWriter();
        w.WriteOpaque(tag);
        Assert.Equal(TranscriptHash.Interim(Suite, confirmed, w.ToArray()), TranscriptHash.InterimFromConfirmationTag(Suite, confirmed, tag));
    }
}
