using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Persistence;

/// <summary>Saved <see cref="KeyPackageBundle"/> and <see cref="KeyPair"/>: the bundle round-trips
/// with the same KeyPackageRef and opens what was sealed to its init and encryption keys; a private
/// key that no longer matches the package is rejected at load. All 7 suites.</summary>
public sealed class KeyPackageBundleStateTests
{
    public static IEnumerable<object[]> Suites => Saved.AllSuites;

    private static KeyPackageBundle NewBundle(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(suiteId, "kp-state");
        return KeyPackageBundle.Create(suite, suite.Signature.GenerateKeyPair(random), Credential.Basic("alice"u8.ToArray()),
            new Lifetime(0, ulong.MaxValue), random);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void RoundTripsAndOpensWhatWasSealedToIt(ushort suiteId)
    {
        using var bundle = NewBundle(suiteId);
        using var loaded = Saved.RoundTrip(StateKind.KeyPackageBundle, bundle.Save, KeyPackageBundle.Load, b => b.Save);
        Assert.Equal(bundle.Ref, loaded.Ref);
        Assert.Equal(Tls.Serialize(bundle.KeyPackage), Tls.Serialize(loaded.KeyPackage));
        Assert.Equal(bundle.InitPrivateKey, loaded.InitPrivateKey);
        Assert.Equal(bundle.EncryptionPrivateKey, loaded.EncryptionPrivateKey);

        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(suiteId, "seal");
        var (kem, ct) = suite.EncryptWithLabel(loaded.KeyPackage.InitKey, "Welcome", "ctx"u8, "group secrets"u8, random);
        Assert.Equal("group secrets"u8.ToArray(), suite.DecryptWithLabel(loaded.InitPrivateKey.Span, "Welcome", "ctx"u8, kem, ct));
        (kem, ct) = suite.EncryptWithLabel(loaded.KeyPackage.LeafNode.EncryptionKey, "UpdatePathNode", "ctx"u8, "path"u8, random);
        Assert.Equal("path"u8.ToArray(), suite.DecryptWithLabel(loaded.EncryptionPrivateKey.Span, "UpdatePathNode", "ctx"u8, kem, ct));
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    public void APrivateKeyThatDoesNotMatchThePackageIsRejected(ushort suiteId)
    {
        using var bundle = NewBundle(suiteId);
        var swapped = Saved.Save(StateKind.KeyPackageBundle, w =>
        {
            bundle.KeyPackage.Encode(w);
            bundle.EncryptionPrivateKey.Save(w); // the two private keys swapped
            bundle.InitPrivateKey.Save(w);
        });
        Assert.Throws<MlsDecodeException>(() => Saved.Load(swapped, StateKind.KeyPackageBundle, KeyPackageBundle.Load));
        var truncatedKey = Saved.Save(StateKind.KeyPackageBundle, w =>
        {
            bundle.KeyPackage.Encode(w);
            w.WriteOpaque(bundle.InitPrivateKey.Span[1..]);
            bundle.EncryptionPrivateKey.Save(w);
        });
        Assert.Throws<MlsDecodeException>(() => Saved.Load(truncatedKey, StateKind.KeyPackageBundle, KeyPackageBundle.Load));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void KeyPairRoundTrips(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(suiteId, "keypair");
        foreach (var pair in new[] { suite.Kem.GenerateKeyPair(random), suite.Signature.GenerateKeyPair(random) })
        {
            var loaded = Saved.RoundTrip(StateKind.KeyPair, pair.Save, KeyPair.Load, p => p.Save);
            Assert.Equal(pair.PrivateKey, loaded.PrivateKey);
            Assert.Equal(pair.PublicKey, loaded.PublicKey);
        }
        var kem = suite.Kem.GenerateKeyPair(random);
        var back = Saved.Load(Saved.Save(StateKind.KeyPair, kem.Save), StateKind.KeyPair, KeyPair.Load);
        Assert.Equal(kem.PublicKey, suite.Kem.PublicKeyOf(back.PrivateKey));
    }
}
