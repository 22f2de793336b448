using Sim.Engine.Crypto;

namespace Sim.Engine.Tests.Crypto;

/// <summary>
/// RFC 9420 §5.1.2: an ECDSA signature_key is an uncompressed SEC1 point on the curve. The check
/// (<see cref="ISignatureScheme.IsValidPublicKey"/>) decides without exceptions: a real key passes; a
/// compressed point, a wrong length, a coordinate not below the field prime, a point off the curve
/// do not — and a signature never verifies under such a key.
/// </summary>
public sealed class EcdsaPublicKeyTests
{
    [Theory]
    [InlineData((ushort)2)]
    [InlineData((ushort)5)]
    [InlineData((ushort)7)]
    public void OnlyUncompressedPointsOnTheCurve_AreKeys(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var key = suite.Signature.GenerateKeyPair(new DeterministicRandomSource(suiteId, "ecdsa-keys"));
        var message = "signed"u8.ToArray();
        var signature = suite.Signature.Sign(key.PrivateKey, message);
        Assert.True(suite.Signature.IsValidPublicKey(key.PublicKey));
        Assert.True(suite.Signature.Verify(key.PublicKey, message, signature));

        int n = (key.PublicKey.Length - 1) / 2;
        var compressed = new byte[1 + n];
        compressed[0] = (byte)(2 + (key.PublicKey[^1] & 1));
        key.PublicKey.AsSpan(1, n).CopyTo(compressed.AsSpan(1));
        var offCurve = key.PublicKey.ToArray();
        offCurve[^1] ^= 1;
        var beyondPrime = key.PublicKey.ToArray();
        beyondPrime.AsSpan(1, n).Fill(0xff);   // x = 2^(8n) - 1 exceeds every NIST prime of that size
        foreach (var bad in new[] { compressed, key.PublicKey[..^1], offCurve, beyondPrime, new byte[key.PublicKey.Length] })
        {
            Assert.False(suite.Signature.IsValidPublicKey(bad));
            Assert.False(suite.Signature.Verify(bad, message, signature));
        }
    }
}
