using Sim.Engine.Crypto;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// Runs each counted primitive alone, set up as the engine calls it (a signature with its parsed key
/// kept; a Dh is a Decap less its KEM public key and its HKDF), and fills Fixed + PerByte × bytes per
/// operation from two input sizes, with whatever <c>measure</c> gives per call: µs for <c>pair-floor</c>
/// (<see cref="PairFloor"/>), bytes allocated for <c>pair-alloc</c> (<see cref="PrimitiveAllocation"/>).
/// One set-up, so both figures describe the same calls.
/// </summary>
internal static class PrimitiveProbe
{
    public static void Measure(CipherSuite suite, string label, Func<Action, double> measure, double[] fixedCost, double[] perByteCost)
    {
        var random = new DeterministicRandomSource(7, label);
        var kem = suite.Kem.GenerateKeyPair(random);
        var peer = suite.Kem.GenerateKeyPair(random);
        var sig = suite.Signature.GenerateKeyPair(random);
        var key = random.NextBytes(suite.Aead.KeyLength);
        var nonce = random.NextBytes(Aead.NonceLength);
        var secret = random.NextBytes(suite.HashLength);
        byte[] small = random.NextBytes(64), large = random.NextBytes(4096 + 64);
        var sigSmall = suite.Signature.Sign(sig.PrivateKey, small);
        var sigLarge = suite.Signature.Sign(sig.PrivateKey, large);
        var sealedSmall = suite.Aead.Seal(key, nonce, default, small);
        var sealedLarge = suite.Aead.Seal(key, nonce, default, large);
        var (enc, _) = suite.Hpke.Seal(peer.PublicKey, default, default, small, random);

        void Linear(CryptoOp op, Action<byte[]> f, Func<byte[], int> bytesOf)
        {
            double a = measure(() => f(small)), b = measure(() => f(large));
            double perByte = Math.Max(0, (b - a) / (bytesOf(large) - bytesOf(small)));
            perByteCost[(int)op] = perByte;
            fixedCost[(int)op] = Math.Max(0, a - perByte * bytesOf(small));
        }
        // The engine signs with the parsed key kept with its secret (CipherSuite.SignWithLabel(Secret, ...)).
        using var signingKey = suite.Signature.ImportSigningKey(sig.PrivateKey);
        Linear(CryptoOp.Sign, m => signingKey.Sign(m), m => m.Length);
        Linear(CryptoOp.Verify, m => suite.Signature.Verify(sig.PublicKey, m, m == small ? sigSmall : sigLarge), m => m.Length);
        fixedCost[(int)CryptoOp.SignaturePublicKey] = measure(() => suite.Signature.PublicKeyOf(sig.PrivateKey));
        fixedCost[(int)CryptoOp.KemPublicKey] = measure(() => suite.Kem.PublicKeyOf(kem.PrivateKey));
        // A Decap is one DH plus one KEM public key (plus HKDF, counted apart).
        fixedCost[(int)CryptoOp.Dh] = Math.Max(0, measure(() => suite.Kem.Decap(enc, peer.PrivateKey))
            - fixedCost[(int)CryptoOp.KemPublicKey] - measure(() => HkdfOfDecap(suite)));
        Linear(CryptoOp.AeadSeal, m => suite.Aead.Seal(key, nonce, default, m), m => m.Length);
        Linear(CryptoOp.AeadOpen, m => suite.Aead.Open(key, nonce, default, m == small ? sealedSmall : sealedLarge), m => m.Length + Aead.TagLength);
        Linear(CryptoOp.Hash, m => suite.Hash(m), m => m.Length);
        Linear(CryptoOp.Mac, m => suite.Mac(secret, m), m => m.Length);
        Linear(CryptoOp.Extract, m => suite.Extract(secret, m.AsSpan(0, m == small ? suite.HashLength : 4 * suite.HashLength)),
            m => m == small ? suite.HashLength : 4 * suite.HashLength);
        Linear(CryptoOp.Expand, m => suite.Expand(secret, small.AsSpan(0, 32), m == small ? suite.HashLength : 8 * suite.HashLength),
            m => m == small ? suite.HashLength : 8 * suite.HashLength);
    }

    private static void HkdfOfDecap(CipherSuite suite)
    {
        var prk = suite.Extract(default, new byte[suite.Kem.SharedSecretLength + 20]);
        suite.Expand(prk, new byte[2 * suite.Kem.EncLength + 30], suite.Kem.SharedSecretLength);
    }
}
