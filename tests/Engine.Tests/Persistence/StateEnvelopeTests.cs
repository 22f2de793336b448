using Sim.Engine.Codec;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Persistence;

/// <summary>The saved-state envelope: "SIMS", format version, kind, body, nothing after.</summary>
public sealed class StateEnvelopeTests
{
    private static readonly byte[] Body = [0x03, 0xAA, 0xBB, 0xCC];

    private static Secret Open(byte[] bytes) => StateEnvelope.Open(bytes, StateKind.Secret, Secret.Load);

    private static byte[] Sealed() => StateEnvelope.Seal(StateKind.Secret, w => w.WriteFixed(Body));

    [Fact]
    public void HeaderIsMagicVersionKindThenBody()
    {
        Assert.Equal([(byte)'S', (byte)'I', (byte)'M', (byte)'S', 0x00, 0x01, 0x00, 0x01, .. Body], Sealed());
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, Open(Sealed()).ToArray());
    }

    [Theory]
    [InlineData(0)] // magic
    [InlineData(3)]
    [InlineData(5)] // version
    [InlineData(7)] // kind
    public void AnyHeaderChangeIsRejected(int at)
    {
        var bytes = Sealed();
        bytes[at] ^= 0x01;
        Assert.Throws<MlsDecodeException>(() => Open(bytes));
    }

    [Fact]
    public void WrongKindTrailingBytesAndTruncationAreRejected()
    {
        Assert.Throws<MlsDecodeException>(() => StateEnvelope.Open(Sealed(), StateKind.KeyPair, Secret.Load));
        Assert.Throws<MlsDecodeException>(() => Open([.. Sealed(), 0x00]));
        for (int n = 0; n < Sealed().Length; n++)
            Assert.Throws<MlsDecodeException>(() => Open(Sealed()[..n]));
    }

    [Fact]
    public void SecretRoundTripsAndChecksAnExpectedLength()
    {
        using var secret = Secret.Copy([1, 2, 3, 4, 5]);
        var loaded = Saved.RoundTrip(StateKind.Secret, secret.Save, Secret.Load, s => s.Save);
        Assert.Equal(secret, loaded);
        var bytes = Saved.Save(StateKind.Secret, secret.Save);
        Assert.Equal(5, StateEnvelope.Open(bytes, StateKind.Secret, (ref TlsReader r) => Secret.Load(ref r, 5)).Length);
        Assert.Throws<MlsDecodeException>(() => StateEnvelope.Open(bytes, StateKind.Secret, (ref TlsReader r) => Secret.Load(ref r, 32)));
    }

    [Fact]
    public void SavingAClearedSecretIsAProgrammingError()
    {
        var secret = Secret.Copy([1, 2, 3]);
        secret.Clear();
        Assert.Throws<ObjectDisposedException>(() => Saved.Save(StateKind.Secret, secret.Save));
    }
}
