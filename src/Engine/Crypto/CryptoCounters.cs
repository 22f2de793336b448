namespace Sim.Engine.Crypto;

/// <summary>The primitive operations <see cref="CryptoCounters"/> counts, at the lowest level the Crypto seam reaches.</summary>
internal enum CryptoOp
{
    /// <summary>A signature (Ed25519/Ed448/ECDSA); bytes = message length.</summary>
    Sign,
    /// <summary>A signature verification; bytes = message length.</summary>
    Verify,
    /// <summary>A signature public key from its private key (a fixed-base scalar multiplication).</summary>
    SignaturePublicKey,
    /// <summary>A KEM public key from its private key (a fixed-base scalar multiplication), as DeriveKeyPair and Decap need.</summary>
    KemPublicKey,
    /// <summary>A Diffie-Hellman (variable-base scalar multiplication), one per Encap or Decap.</summary>
    Dh,
    /// <summary>An AEAD seal; bytes = plaintext length.</summary>
    AeadSeal,
    /// <summary>An AEAD open; bytes = ciphertext length.</summary>
    AeadOpen,
    /// <summary>A hash; bytes = input length.</summary>
    Hash,
    /// <summary>An HMAC; bytes = input length.</summary>
    Mac,
    /// <summary>An HKDF-Extract; bytes = ikm length.</summary>
    Extract,
    /// <summary>An HKDF-Expand; bytes = output length.</summary>
    Expand,
    /// <summary>An HPKE context setup (RFC 9180 §5.1), sender or receiver: informational, its cost is the operations above.</summary>
    HpkeSetup,
}

/// <summary>
/// Counts the primitive operations this thread performs (for benchmarks: a message's crypto floor is
/// Σ count × cost). Off by default: each hook is then one static bool test. Counting never changes
/// what an operation does.
/// </summary>
internal static class CryptoCounters
{
    public static readonly int OpCount = Enum.GetValues<CryptoOp>().Length;

    private static bool s_enabled;
    [ThreadStatic] private static long[]? t_counts;
    [ThreadStatic] private static long[]? t_bytes;

    /// <summary>Turns counting on or off for every thread (the counts themselves are per thread).</summary>
    public static bool Enabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    public static void Count(CryptoOp op, int bytes = 0)
    {
        if (!s_enabled) return;
        var counts = t_counts ??= new long[OpCount];
        var sizes = t_bytes ??= new long[OpCount];
        counts[(int)op]++;
        sizes[(int)op] += bytes;
    }

    /// <summary>Zeroes this thread's counts.</summary>
    public static void Reset()
    {
        if (t_counts is not null) Array.Clear(t_counts);
        if (t_bytes is not null) Array.Clear(t_bytes);
    }

    /// <summary>This thread's counts and byte totals, indexed by <see cref="CryptoOp"/>.</summary>
    public static (long[] Counts, long[] Bytes) Snapshot() =>
        ((long[]?)t_counts?.Clone() ?? new long[OpCount], (long[]?)t_bytes?.Clone() ?? new long[OpCount]);
}
