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
        var result = new PrimitiveAllocation();
        PrimitiveProbe.Measure(suite, "primitive-allocation", Bytes, result.Fixed, result.PerByte);
        return result;
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
