using System.Security.Cryptography;
using Sim.Engine.Crypto;

namespace Sim.Engine.Tests.Crypto;

/// <summary>
/// HashKdf computes HMAC (RFC 2104) itself over a reused per-thread hash: it must give .NET's HMAC and
/// HKDF bytes exactly, for keys shorter than, equal to and longer than the block size (the long ones
/// are hashed first), the empty key, and data of several lengths; plus RFC 4231 test case 2 and
/// RFC 5869 test case 1 as fixed answers.
/// </summary>
public sealed class HashKdfTests
{
    public static TheoryData<int> Hashes => new() { 32, 48, 64 };

    private static HashKdf Of(int length) => length switch { 32 => HashKdf.Sha256, 48 => HashKdf.Sha384, _ => HashKdf.Sha512 };

    private static byte[] DotNetHmac(int length, byte[] key, byte[] data) => length switch
    {
        32 => HMACSHA256.HashData(key, data),
        48 => HMACSHA384.HashData(key, data),
        _ => HMACSHA512.HashData(key, data),
    };

    [Theory, MemberData(nameof(Hashes))]
    public void MacEqualsDotNetHmacForEveryKeyLength(int length)
    {
        var kdf = Of(length);
        var random = new Random(length);
        foreach (int keyLength in new[] { 0, 1, 32, 63, 64, 65, 127, 128, 129, 300 })
            foreach (int dataLength in new[] { 0, 1, 55, 56, 64, 111, 112, 128, 1000 })
            {
                var key = new byte[keyLength];
                var data = new byte[dataLength];
                random.NextBytes(key);
                random.NextBytes(data);
                Assert.Equal(DotNetHmac(length, key, data), kdf.Mac(key, data));
            }
    }

    [Theory, MemberData(nameof(Hashes))]
    public void HkdfEqualsDotNetHkdf(int length)
    {
        var kdf = Of(length);
        var random = new Random(100 + length);
        foreach (int saltLength in new[] { 0, 16, length, 200 })
        {
            var salt = new byte[saltLength];
            var ikm = new byte[42];
            var info = new byte[17];
            random.NextBytes(salt);
            random.NextBytes(ikm);
            random.NextBytes(info);
            var prk = kdf.Extract(salt, ikm);
            Assert.Equal(HKDF.Extract(kdf.Name, ikm, salt), prk);
            foreach (int outLength in new[] { 1, length, length + 1, 3 * length })
                Assert.Equal(HKDF.Expand(kdf.Name, prk, outLength, info), kdf.Expand(prk, info, outLength));
        }
    }

    [Fact]
    public void KnownAnswers()
    {
        // RFC 4231 §4.3 test case 2: key "Jefe", data "what do ya want for nothing?".
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexStringLower(HashKdf.Sha256.Mac("Jefe"u8, "what do ya want for nothing?"u8)));
        // RFC 5869 A.1 test case 1.
        var ikm = Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        var prk = HashKdf.Sha256.Extract(Convert.FromHexString("000102030405060708090a0b0c"), ikm);
        Assert.Equal("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", Convert.ToHexStringLower(prk));
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
            Convert.ToHexStringLower(HashKdf.Sha256.Expand(prk, Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"), 42)));
        Assert.Equal(SHA384.HashData("abc"u8), HashKdf.Sha384.Hash("abc"u8));
    }
}
