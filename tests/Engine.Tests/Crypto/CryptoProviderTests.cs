using Sim.Engine.Crypto;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;

namespace Sim.Engine.Tests.Crypto;

/// <summary>
/// The two providers behind the CipherSuite seam compute the same bytes (so traces do not depend on
/// the provider), reject the same bad inputs, and a kept signing key dies with its secret.
/// </summary>
public sealed class CryptoProviderTests
{
    private static readonly ushort[] SuitesWithSodiumPrimitives = [1, 3, 4, 5, 6, 7];

    [Fact]
    public void LibsodiumLoadsHereAndIsTheDefault()
    {
        // CI machines ship libsodium with NSec; if this fails the libsodium half of every theory is missing.
        Assert.True(CryptoProvider.Sodium.IsAvailable, "libsodium did not load");
        if (Environment.GetEnvironmentVariable(CryptoProvider.EnvironmentVariable) is null or "")
            Assert.Same(CryptoProvider.Sodium, CryptoProvider.Default);
        Assert.Equal(2, CryptoProvider.Available.Count);
    }

    [Fact]
    public void UseChoosesTheSuitesOfOneFlowAndRestores()
    {
        var before = CipherSuite.Get(1).Provider;
        foreach (var p in CryptoProvider.Available)
            using (CryptoProvider.Use(p))
            {
                Assert.Same(p, CipherSuite.Get(1).Provider);
                Assert.All(CipherSuite.All, s => Assert.Same(p, s.Provider));
            }
        Assert.Same(before, CipherSuite.Get(1).Provider);
        Assert.Contains("libsodium", CipherSuite.Get(1, CryptoProvider.Sodium).Implementations);
        Assert.DoesNotContain("libsodium", CipherSuite.Get(1, CryptoProvider.BouncyCastle).Implementations);
    }

    [Theory]
    [InlineData("openssl")]
    [InlineData("")]
    public void ParseNamesABadProvider(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => CryptoProvider.Parse(name));
        Assert.Contains("crypto provider", e.Message);
    }

    [Fact]
    public void SameSignaturesKeysAndSharedSecretsOnBothProviders()
    {
        foreach (ushort id in SuitesWithSodiumPrimitives)
        {
            var bc = CipherSuite.Get(id, CryptoProvider.BouncyCastle);
            var na = CipherSuite.Get(id, CryptoProvider.Sodium);
            var message = new DeterministicRandomSource((ulong)id, "message").NextBytes(300);

            var sig = bc.Signature.GenerateKeyPair(new DeterministicRandomSource(id, "sig"));
            Assert.Equal(sig.PublicKey, na.Signature.PublicKeyOf(sig.PrivateKey));
            var s1 = bc.SignWithLabel(sig.PrivateKey, "test", message);
            var s2 = na.SignWithLabel(sig.PrivateKey, "test", message);
            Assert.Equal(s1, s2);
            Assert.True(bc.VerifyWithLabel(sig.PublicKey, "test", message, s2));
            Assert.True(na.VerifyWithLabel(sig.PublicKey, "test", message, s1));
            s1[^1] ^= 1;
            Assert.False(bc.VerifyWithLabel(sig.PublicKey, "test", message, s1));
            Assert.False(na.VerifyWithLabel(sig.PublicKey, "test", message, s1));

            var kem = bc.Kem.GenerateKeyPair(new DeterministicRandomSource(id, "kem"));
            Assert.Equal(kem.PublicKey, na.Kem.PublicKeyOf(kem.PrivateKey));
            var (ss1, enc1) = bc.Kem.Encap(kem.PublicKey, new DeterministicRandomSource(id, "encap"));
            var (ss2, enc2) = na.Kem.Encap(kem.PublicKey, new DeterministicRandomSource(id, "encap"));
            Assert.Equal(enc1, enc2);
            Assert.Equal(ss1, ss2);
            Assert.Equal(ss1, na.Kem.Decap(enc1, kem.PrivateKey));
            Assert.Equal(ss1, bc.Kem.Decap(enc2, kem.PrivateKey, kem.PublicKey));

            var key = new DeterministicRandomSource(id, "aead").NextBytes(bc.Aead.KeyLength);
            var nonce = new byte[Aead.NonceLength];
            var c1 = bc.Aead.Seal(key, nonce, "aad"u8, message);
            var c2 = na.Aead.Seal(key, nonce, "aad"u8, message);
            Assert.Equal(c1, c2);
            Assert.Equal(message, na.Aead.Open(key, nonce, "aad"u8, c1));
            Assert.Equal(message, bc.Aead.Open(key, nonce, "aad"u8, c2));
            c2[3] ^= 0x80;
            Assert.Null(na.Aead.TryOpen(key, nonce, "aad"u8, c2));
            Assert.Null(bc.Aead.TryOpen(key, nonce, "aad"u8, c2));
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void X25519RejectsALowOrderPublicKey(string provider)
    {
        var suite = CipherSuite.Get(1, CryptoProvider.Parse(provider));
        var kem = suite.Kem.GenerateKeyPair(new DeterministicRandomSource(3));
        var lowOrder = new byte[32]; // the identity: X25519 gives all zeros (RFC 7748 §6.1)
        var e = Assert.Throws<MlsProtocolException>(() => suite.Kem.Decap(lowOrder, kem.PrivateKey, kem.PublicKey));
        Assert.Equal(MlsError.InvalidKey, e.Error);
        Assert.Throws<MlsProtocolException>(() => suite.Kem.Encap(lowOrder, new DeterministicRandomSource(4)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void ClearingTheSecretDisposesItsKeptSigningKey(string provider)
    {
        var suite = CipherSuite.Get(1, CryptoProvider.Parse(provider));
        var pair = suite.Signature.GenerateKeyPair(new DeterministicRandomSource(9));
        var secret = Secret.Copy(pair.PrivateKey);
        var signature = suite.SignWithLabel(secret, "label", "content"u8);
        var kept = suite.SigningKeyOf(secret);
        Assert.Same(kept, suite.SigningKeyOf(secret)); // parsed once, kept with the secret
        Assert.True(kept.HasPublicKey(pair.PublicKey));
        Assert.Equal(suite.SignWithLabel(pair.PrivateKey, "label", "content"u8), signature);

        secret.Clear();
        Assert.True(kept.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => kept.Sign("x"u8));
        Assert.Throws<ObjectDisposedException>(() => suite.SignWithLabel(secret, "label", "content"u8));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void ABadSignatureKeyIsATypedError(string provider)
    {
        var suite = CipherSuite.Get(1, CryptoProvider.Parse(provider));
        var e = Assert.Throws<MlsProtocolException>(() => suite.Signature.ImportSigningKey(new byte[31]));
        Assert.Equal(MlsError.InvalidKey, e.Error);
        Assert.False(suite.Signature.Verify(new byte[31], "m"u8, new byte[64]));
        Assert.False(suite.Signature.Verify(new byte[32], "m"u8, new byte[63]));
    }
}
