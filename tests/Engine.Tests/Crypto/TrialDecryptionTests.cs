using Sim.Engine.Crypto;

namespace Sim.Engine.Tests.Crypto;

/// <summary>
/// Issue 9 item 4, "no exception used to test whether something would fit": the KEM and HPKE answer a
/// trial (a private key that may not be one, an enc from the network, a ciphertext for another key)
/// with null, for every suite and both crypto providers, while the throwing forms keep their typed
/// <see cref="MlsError.InvalidKey"/> / <see cref="MlsError.DecryptionFailed"/> and both forms agree
/// on what opens.
/// </summary>
public sealed class TrialDecryptionTests
{
    public static TheoryData<ushort, string> SuitesAndProviders()
    {
        var data = new TheoryData<ushort, string>();
        foreach (var provider in CryptoProvider.Available)
            for (ushort id = 1; id <= 7; id++) data.Add(id, provider.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(SuitesAndProviders))]
    public void TryPublicKeyOf_IsNullExactlyWherePublicKeyOfThrows(ushort suiteId, string provider)
    {
        var suite = CipherSuite.Get(suiteId, CryptoProvider.Parse(provider));
        var kem = suite.Kem;
        var pair = kem.GenerateKeyPair(new DeterministicRandomSource(suiteId, "trial-kem"));
        Assert.Equal(pair.PublicKey, kem.TryPublicKeyOf(pair.PrivateKey));
        Assert.Equal(pair.PublicKey, kem.PublicKeyOf(pair.PrivateKey));

        List<byte[]> bad = [[], [.. pair.PrivateKey, 0]];
        // A NIST scalar must be in [1, n-1] (a shorter encoding is the same scalar without leading zeros):
        // zero and all-ones (above n) are not keys. X25519/X448 clamp any Nsk bytes, so only the length is wrong.
        if (suiteId is 2 or 5 or 7) bad.AddRange([new byte[kem.PrivateKeyLength], Enumerable.Repeat((byte)0xff, kem.PrivateKeyLength).ToArray()]);
        else bad.Add(pair.PrivateKey[..^1]);
        foreach (var key in bad)
        {
            Assert.Null(kem.TryPublicKeyOf(key));
            Assert.Equal(MlsError.InvalidKey, Assert.Throws<MlsProtocolException>(() => kem.PublicKeyOf(key)).Error);
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndProviders))]
    public void HpkeTryOpen_IsNullForAnotherKeyABadEncOrAFlippedBit_AndOpensWhatOpenOpens(ushort suiteId, string provider)
    {
        var suite = CipherSuite.Get(suiteId, CryptoProvider.Parse(provider));
        var random = new DeterministicRandomSource(suiteId, "trial-hpke");
        var recipient = suite.Kem.GenerateKeyPair(random);
        var other = suite.Kem.GenerateKeyPair(random);
        var (enc, ct) = suite.Hpke.Seal(recipient.PublicKey, "info"u8, "aad"u8, "body"u8, random);

        Assert.Equal("body"u8.ToArray(), suite.Hpke.TryOpen(enc, recipient.PrivateKey, "info"u8, "aad"u8, ct));
        Assert.Equal("body"u8.ToArray(), suite.Hpke.Open(enc, recipient.PrivateKey, "info"u8, "aad"u8, ct));

        // Another recipient's key: the AEAD fails.
        Assert.Null(suite.Hpke.TryOpen(enc, other.PrivateKey, "info"u8, "aad"u8, ct));
        Assert.Equal(MlsError.DecryptionFailed,
            Assert.Throws<MlsProtocolException>(() => suite.Hpke.Open(enc, other.PrivateKey, "info"u8, "aad"u8, ct)).Error);
        var flipped = ct.ToArray();
        flipped[0] ^= 1;
        Assert.Null(suite.Hpke.TryOpen(enc, recipient.PrivateKey, "info"u8, "aad"u8, flipped));

        // An enc that is no public key: all zeros is low-order for X25519/X448 and not a point for the NIST curves.
        var zeroEnc = new byte[enc.Length];
        Assert.Null(suite.Kem.TryDecap(zeroEnc, recipient.PrivateKey));
        Assert.Null(suite.Hpke.TryOpen(zeroEnc, recipient.PrivateKey, "info"u8, "aad"u8, ct));
        Assert.Equal(MlsError.InvalidKey,
            Assert.Throws<MlsProtocolException>(() => suite.Hpke.Open(zeroEnc, recipient.PrivateKey, "info"u8, "aad"u8, ct)).Error);
        Assert.Null(suite.Kem.TryDecap(enc[..^1], recipient.PrivateKey));
        Assert.Equal(suite.Kem.Decap(enc, recipient.PrivateKey), suite.Kem.TryDecap(enc, recipient.PrivateKey));
    }
}
