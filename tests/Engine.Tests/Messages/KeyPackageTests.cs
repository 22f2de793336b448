using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Messages;

/// <summary>RFC 9420 §10 KeyPackage creation and §10.1 validation.</summary>
public sealed class KeyPackageTests
{
    public static TheoryData<ushort> Suites() => new(1, 2, 3, 4, 5, 6, 7);

    private static readonly Lifetime Year2026 = new(1_767_225_600, 1_798_761_599);

    private static (KeyPackageBundle Bundle, KeyPair SignatureKey) Create(ushort suiteId, ulong seed = 1,
        IReadOnlyList<Extension>? leafExtensions = null, Credential? credential = null)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(seed, $"kp-{suiteId}");
        var signatureKey = suite.Signature.GenerateKeyPair(random);
        var bundle = KeyPackageBundle.Create(suite, signatureKey, credential ?? Credential.Basic("alice"u8.ToArray()), Year2026,
            random, leafNodeExtensions: leafExtensions);
        return (bundle, signatureKey);
    }

    /// <summary>Re-signs leaf and package, so a test changes exactly one property and nothing else fails.</summary>
    private static KeyPackage Resign(KeyPackage keyPackage, KeyPair signatureKey)
    {
        var suite = CipherSuite.Get(keyPackage.CipherSuite);
        var leaf = keyPackage.LeafNode.LeafNodeSource == LeafNodeSource.KeyPackage
            ? LeafNodeSignature.Sign(suite, keyPackage.LeafNode, signatureKey.PrivateKey)
            : LeafNodeSignature.Sign(suite, keyPackage.LeafNode, signatureKey.PrivateKey, [1, 2], 0);
        var unsigned = keyPackage with { LeafNode = leaf };
        return unsigned with { Signature = suite.SignWithLabel(signatureKey.PrivateKey, "KeyPackageTBS", unsigned.ToBeSigned()) };
    }

    private static MlsError Rejects(KeyPackage keyPackage, ushort suiteId, DateTimeOffset? now = null, TimeSpan? max = null) =>
        Assert.Throws<MlsProtocolException>(() => KeyPackageValidation.Validate(CipherSuite.Get(suiteId), keyPackage, now, max)).Error;

    [Theory, MemberData(nameof(Suites))]
    public void CreatedKeyPackageValidatesAndRoundTrips(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var (bundle, signatureKey) = Create(suiteId);
        using var _ = bundle;
        var kp = bundle.KeyPackage;

        KeyPackageValidation.Validate(suite, kp, DateTimeOffset.FromUnixTimeSeconds(1_780_000_000), TimeSpan.FromDays(366));

        Assert.Equal(GroupContext.Mls10, kp.Version);
        Assert.Equal(suiteId, kp.CipherSuite);
        Assert.Equal(LeafNodeSource.KeyPackage, kp.LeafNode.LeafNodeSource);
        Assert.Equal(Year2026, kp.LeafNode.Lifetime);
        Assert.Equal(signatureKey.PublicKey, kp.LeafNode.SignatureKey);
        Assert.Equal([GroupContext.Mls10], kp.LeafNode.Capabilities.Versions);
        Assert.Equal([suiteId], kp.LeafNode.Capabilities.CipherSuites);
        Assert.Equal([(ushort)CredentialType.Basic], kp.LeafNode.Capabilities.Credentials);
        Assert.Empty(kp.LeafNode.Capabilities.Extensions);
        Assert.Empty(kp.LeafNode.Capabilities.Proposals);
        Assert.NotEqual(kp.InitKey, kp.LeafNode.EncryptionKey);
        Assert.Equal(kp.InitKey, suite.Kem.PublicKeyOf(bundle.InitPrivateKey.Span));
        Assert.Equal(kp.LeafNode.EncryptionKey, suite.Kem.PublicKeyOf(bundle.EncryptionPrivateKey.Span));

        var encoded = Tls.Serialize(kp);
        var decoded = Tls.Deserialize<KeyPackage>(encoded);
        Assert.Equal(encoded, Tls.Serialize(decoded));
        KeyPackageValidation.Validate(suite, decoded);
        Assert.Equal(suite.MakeKeyPackageRef(encoded), bundle.Ref);
        Assert.Equal(bundle.Ref, decoded.MakeRef());
        Assert.Equal(suite.HashLength, bundle.Ref.Length);
    }

    [Fact]
    public void SameSeedSameKeyPackageOtherSeedOther()
    {
        using var a = Create(1, seed: 7).Bundle;
        using var b = Create(1, seed: 7).Bundle;
        using var c = Create(1, seed: 8).Bundle;
        Assert.Equal(Tls.Serialize(a.KeyPackage), Tls.Serialize(b.KeyPackage));
        Assert.NotEqual(a.Ref, c.Ref);
    }

    [Theory, MemberData(nameof(Suites))]
    public void TamperedSignaturesAreRejected(ushort suiteId)
    {
        using var bundle = Create(suiteId).Bundle;
        var kp = bundle.KeyPackage;

        var badPackageSig = kp with { Signature = Flip(kp.Signature) };
        Assert.Equal(MlsError.BadSignature, Rejects(badPackageSig, suiteId));

        var badLeafSig = kp with { LeafNode = kp.LeafNode with { Signature = Flip(kp.LeafNode.Signature) } };
        Assert.Equal(MlsError.BadSignature, Rejects(badLeafSig, suiteId));

        // A changed field under an unchanged signature: the KeyPackageTBS no longer matches.
        var changed = kp with { Extensions = [new Extension(0x0A0A, [1])] };
        Assert.Equal(MlsError.BadSignature, Rejects(changed, suiteId));

        // Signed by another key than the leaf's signature_key.
        var other = CipherSuite.Get(suiteId).Signature.GenerateKeyPair(new DeterministicRandomSource(99));
        Assert.Equal(MlsError.BadSignature, Rejects(Resign(kp, other), suiteId));
    }

    [Fact]
    public void EachValidationRuleRejectsOnItsOwn()
    {
        var (bundle, key) = Create(1);
        using var _ = bundle;
        var kp = bundle.KeyPackage;
        KeyPackageValidation.Validate(CipherSuite.Get(1), Resign(kp, key)); // the helper alone breaks nothing

        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { Version = 2 }, key), 1));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(kp, 3)); // valid, but not the group's suite
        Assert.Equal(MlsError.UnsupportedCipherSuite, Rejects(Resign(kp, key) with { CipherSuite = 0x0A0A }, 1));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { InitKey = kp.LeafNode.EncryptionKey }, key), 1));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { InitKey = kp.InitKey[1..] }, key), 1));

        var updateLeaf = kp.LeafNode with { LeafNodeSource = LeafNodeSource.Update, Lifetime = null };
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { LeafNode = updateLeaf }, key), 1));

        var x509 = kp.LeafNode with { Credential = Credential.X509([[1, 2, 3]]) };
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { LeafNode = x509 }, key), 1));

        var unlisted = kp.LeafNode with { Extensions = [new Extension(0x0A0A, [])] };
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { LeafNode = unlisted }, key), 1));

        var reversed = kp.LeafNode with { Lifetime = new Lifetime(10, 9) };
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(Resign(kp with { LeafNode = reversed }, key), 1));
    }

    [Fact]
    public void LeafExtensionsMustBeListedUnlessDefault()
    {
        // application_id (0x0001) is a default type: never listed, always supported.
        using var withDefault = Create(1, leafExtensions: [new Extension(Extension.ApplicationId, [7])]).Bundle;
        KeyPackageValidation.Validate(CipherSuite.Get(1), withDefault.KeyPackage);

        var suite = CipherSuite.Get(1);
        var random = new DeterministicRandomSource(3);
        var key = suite.Signature.GenerateKeyPair(random);
        var listed = KeyPackageBundle.DefaultCapabilities(suite) with { Extensions = [0x0A0A] };
        using var withListed = KeyPackageBundle.Create(suite, key, Credential.Basic([1]), Year2026, random, listed,
            [new Extension(0x0A0A, [1, 2])]);
        KeyPackageValidation.Validate(suite, withListed.KeyPackage);
    }

    [Fact]
    public void LifetimeIsCheckedWhenATimeIsGiven()
    {
        using var bundle = Create(2).Bundle;
        var kp = bundle.KeyPackage;
        var suite = CipherSuite.Get(2);
        KeyPackageValidation.Validate(suite, kp, DateTimeOffset.FromUnixTimeSeconds((long)Year2026.NotBefore));
        KeyPackageValidation.Validate(suite, kp, DateTimeOffset.FromUnixTimeSeconds((long)Year2026.NotAfter));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(kp, 2, DateTimeOffset.FromUnixTimeSeconds((long)Year2026.NotBefore - 1)));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(kp, 2, DateTimeOffset.FromUnixTimeSeconds((long)Year2026.NotAfter + 1)));
        Assert.Equal(MlsError.InvalidKeyPackage, Rejects(kp, 2, max: TimeSpan.FromDays(30)));
    }

    [Fact]
    public void X509CredentialIsListedInDefaultCapabilities()
    {
        using var bundle = Create(1, credential: Credential.X509([[1, 2, 3]])).Bundle;
        Assert.Equal([(ushort)CredentialType.Basic, (ushort)CredentialType.X509], bundle.KeyPackage.LeafNode.Capabilities.Credentials);
        KeyPackageValidation.Validate(CipherSuite.Get(1), bundle.KeyPackage);
    }

    [Fact]
    public void DisposeClearsThePrivateKeys()
    {
        var bundle = Create(1).Bundle;
        bundle.Dispose();
        Assert.True(bundle.InitPrivateKey.IsCleared);
        Assert.True(bundle.EncryptionPrivateKey.IsCleared);
        Assert.DoesNotContain("Secret", bundle.ToString());
    }

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0x01;
        return copy;
    }
}
