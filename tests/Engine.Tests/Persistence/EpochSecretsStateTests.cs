using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Persistence;

/// <summary>Saved <see cref="EpochSecrets"/>: every field round-trips and the loaded value exports,
/// confirms and derives the external key exactly as the original, in all 7 suites.</summary>
public sealed class EpochSecretsStateTests
{
    public static IEnumerable<object[]> Suites => Saved.AllSuites;

    [Theory]
    [MemberData(nameof(Suites))]
    public void RoundTripsAndBehavesIdentically(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var epochSecret = new DeterministicRandomSource(suiteId, "epoch").NextBytes(suite.HashLength);
        using var original = EpochSecrets.FromEpochSecret(suite, epochSecret);
        using var loaded = Saved.RoundTrip(StateKind.EpochSecrets, original.Save, EpochSecrets.Load, e => e.Save);

        Assert.Equal(suiteId, loaded.Suite.Id);
        Assert.Equal(original.SenderDataSecret, loaded.SenderDataSecret);
        Assert.Equal(original.EncryptionSecret, loaded.EncryptionSecret);
        Assert.Equal(original.ExporterSecret, loaded.ExporterSecret);
        Assert.Equal(original.ExternalSecret, loaded.ExternalSecret);
        Assert.Equal(original.ConfirmationKey, loaded.ConfirmationKey);
        Assert.Equal(original.MembershipKey, loaded.MembershipKey);
        Assert.Equal(original.ResumptionPsk, loaded.ResumptionPsk);
        Assert.Equal(original.EpochAuthenticator, loaded.EpochAuthenticator);
        Assert.Equal(original.InitSecret, loaded.InitSecret);

        foreach (var (label, length) in new[] { ("pairsim test", 32), ("", 1), ("another", 77) })
            Assert.Equal(original.MlsExporter(label, "ctx"u8, length), loaded.MlsExporter(label, "ctx"u8, length));
        Assert.Equal(original.ExternalPublicKey(), loaded.ExternalPublicKey());
        Assert.Equal(suite.Mac(original.ConfirmationKey.Span, "th"u8), suite.Mac(loaded.ConfirmationKey.Span, "th"u8));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void TheSecretTreeConsumesTheEncryptionSecret_WhichIsZeroedAndSavedAsGone(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var epochSecret = new DeterministicRandomSource(suiteId, "epoch").NextBytes(suite.HashLength);
        using var secrets = EpochSecrets.FromEpochSecret(suite, epochSecret);
        var root = secrets.EncryptionSecret!;
        var expected = suite.DeriveSecret(epochSecret, "encryption");
        Assert.Equal(expected, root.ToArray());
        using var tree = secrets.CreateSecretTree(2, null);
        using var reference = new SecretTree(suite, expected, 2);
        Assert.Equal(reference.ForDecryption(1, RatchetKind.Application, 0).Key.ToArray(), tree.ForDecryption(1, RatchetKind.Application, 0).Key.ToArray());

        Assert.Null(secrets.EncryptionSecret);
        Assert.True(root.IsCleared);
        Assert.DoesNotContain(root.BufferForTests.ToArray(), b => b != 0);
        using var loaded = Saved.RoundTrip(StateKind.EpochSecrets, secrets.Save, EpochSecrets.Load, e => e.Save);
        Assert.Null(loaded.EncryptionSecret);
        Assert.Equal(secrets.SenderDataSecret, loaded.SenderDataSecret);
        Assert.Equal(secrets.InitSecret, loaded.InitSecret);
        var saved = Saved.Save(StateKind.EpochSecrets, secrets.Save);
        Assert.False(saved.AsSpan().IndexOf(expected) >= 0, "the saved epoch secrets still hold the encryption_secret");
        Assert.Throws<InvalidOperationException>(() => secrets.CreateSecretTree(2, null));
    }

    [Fact]
    public void WrongSecretLengthOrUnknownSuiteIsRejected()
    {
        var suite = CipherSuite.Get(1);
        using var secrets = EpochSecrets.FromEpochSecret(suite, new byte[32]);
        var bytes = Saved.Save(StateKind.EpochSecrets, secrets.Save);
        var unknownSuite = (byte[])bytes.Clone();
        unknownSuite[StateEnvelope.HeaderLength + 1] = 9;
        Assert.Throws<MlsDecodeException>(() => Saved.Load(unknownSuite, StateKind.EpochSecrets, EpochSecrets.Load));
        // Claim suite 0x0004 (Nh = 64) over 32-byte secrets.
        var otherSuite = (byte[])bytes.Clone();
        otherSuite[StateEnvelope.HeaderLength + 1] = 4;
        Assert.Throws<MlsDecodeException>(() => Saved.Load(otherSuite, StateKind.EpochSecrets, EpochSecrets.Load));
    }
}
