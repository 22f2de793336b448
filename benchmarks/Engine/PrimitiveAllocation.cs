using Sim.Engine.Crypto;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// What each counted primitive allocates when it runs alone (bytes = Fixed + PerByte × bytes, from two
/// input sizes, <see cref="GC.GetAllocatedBytesForCurrentThread"/> over many calls), set up as
/// <c>pair-floor</c> times them (a signature with its parsed key kept, as the engine signs; a Dh is a
/// Decap less its KEM public key and its HKDF). Σ count × bytes over a datagram's operations is what
/// the crypto library and its results (signatures, ciphertexts, hashes) allocate of the datagram's
/// total: the rest is the engine's (the figure issue 14 item 4 asks to split for BouncyCastle).
/// </summary>
internal sealed class PrimitiveAllocation
{
    private const int Calls = 200;

    public double[] Fixed { get; } = new double[CryptoCounters.OpCount];
    public double[] PerByte { get; } = new double[CryptoCounters.OpCount];

    /// <summary>Bytes the primitives alone allocate for <paramref name="counts"/> operations over <paramref name="bytes"/> input bytes.</summary>
    public double Total(long[] counts, long[] bytes)
    {
        double total = 0;
        for (int op = 0; op < CryptoCounters.OpCount; op++) total += counts[op] * Fixed[op] + bytes[op] * PerByte[op];
        return total;
    }

    public static PrimitiveAllocation Measure(CipherSuite suite)
    {
        var random = new DeterministicRandomSource(7, "primitive-allocation");
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
        var result = new PrimitiveAllocation();

        void Linear(CryptoOp op, Action<byte[]> f, Func<byte[], int> bytesOf)
        {
            double a = Bytes(() => f(small)), b = Bytes(() => f(large));
            double perByte = Math.Max(0, (b - a) / (bytesOf(large) - bytesOf(small)));
            result.PerByte[(int)op] = perByte;
            result.Fixed[(int)op] = Math.Max(0, a - perByte * bytesOf(small));
        }
        using var signingKey = suite.Signature.ImportSigningKey(sig.PrivateKey);
        Linear(CryptoOp.Sign, m => signingKey.Sign(m), m => m.Length);
        Linear(CryptoOp.Verify, m => suite.Signature.Verify(sig.PublicKey, m, m == small ? sigSmall : sigLarge), m => m.Length);
        result.Fixed[(int)CryptoOp.SignaturePublicKey] = Bytes(() => suite.Signature.PublicKeyOf(sig.PrivateKey));
        result.Fixed[(int)CryptoOp.KemPublicKey] = Bytes(() => suite.Kem.PublicKeyOf(kem.PrivateKey));
        result.Fixed[(int)CryptoOp.Dh] = Math.Max(0, Bytes(() => suite.Kem.Decap(enc, peer.PrivateKey))
            - result.Fixed[(int)CryptoOp.KemPublicKey] - Bytes(() => HkdfOfDecap(suite)));
        Linear(CryptoOp.AeadSeal, m => suite.Aead.Seal(key, nonce, default, m), m => m.Length);
        Linear(CryptoOp.AeadOpen, m => suite.Aead.Open(key, nonce, default, m == small ? sealedSmall : sealedLarge), m => m.Length + Aead.TagLength);
        Linear(CryptoOp.Hash, m => suite.Hash(m), m => m.Length);
        Linear(CryptoOp.Mac, m => suite.Mac(secret, m), m => m.Length);
        Linear(CryptoOp.Extract, m => suite.Extract(secret, m.AsSpan(0, m == small ? suite.HashLength : 4 * suite.HashLength)),
            m => m == small ? suite.HashLength : 4 * suite.HashLength);
        Linear(CryptoOp.Expand, m => suite.Expand(secret, small.AsSpan(0, 32), m == small ? suite.HashLength : 8 * suite.HashLength),
            m => m == small ? suite.HashLength : 8 * suite.HashLength);
        return result;
    }

    private static void HkdfOfDecap(CipherSuite suite)
    {
        var prk = suite.Extract(default, new byte[suite.Kem.SharedSecretLength + 20]);
        suite.Expand(prk, new byte[2 * suite.Kem.EncLength + 30], suite.Kem.SharedSecretLength);
    }

    /// <summary>Bytes allocated per call, after a warm-up (no timing: the same figure at any load).</summary>
    private static double Bytes(Action f)
    {
        for (int i = 0; i < 20; i++) f();
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++) f();
        return (GC.GetAllocatedBytesForCurrentThread() - start) / (double)Calls;
    }

    /// <summary>One line: bytes per call of each primitive (the fixed part; + per byte where it grows with the input).</summary>
    public string Describe() => string.Join(", ", Enum.GetValues<CryptoOp>().Where(o => o != CryptoOp.HpkeSetup)
        .Select(o => PerByte[(int)o] >= 0.01 ? $"{o} {Fixed[(int)o]:0} B + {PerByte[(int)o]:0.##}/B" : $"{o} {Fixed[(int)o]:0} B"));
}
