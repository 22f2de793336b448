using Sim.Engine.Crypto.Sodium;

namespace Sim.Engine.Crypto;

/// <summary>
/// Which library computes the primitives behind the <see cref="CipherSuite"/> seam. Two providers,
/// the same bytes (every IETF vector passes with each):
/// <list type="bullet">
/// <item><b>bouncycastle</b>: every curve on BouncyCastle, AEADs, hashes and HKDF on .NET.</item>
/// <item><b>libsodium</b> (NSec.Cryptography): Ed25519, X25519, ChaCha20-Poly1305 and AES-256-GCM (where
/// the CPU has AES-NI) on libsodium; the rest as bouncycastle (libsodium has no AES-128-GCM, no Ed448,
/// X448 or NIST curves).</item>
/// </list>
/// <see cref="Default"/> is libsodium where it loads and bouncycastle otherwise; the environment
/// variable <c>PAIRSIM_CRYPTO</c> (<c>bouncycastle</c> or <c>libsodium</c>) or setting <see cref="Default"/>
/// chooses; <see cref="Use"/> chooses for one flow of execution (tests run each provider side by side).
/// </summary>
public sealed class CryptoProvider
{
    public const string BouncyCastleName = "bouncycastle";
    public const string SodiumName = "libsodium";
    public const string DotNetName = ".NET";
    public const string EnvironmentVariable = "PAIRSIM_CRYPTO";

    public static CryptoProvider BouncyCastle { get; } = new(BouncyCastleName, true, SignatureSchemes.Ed25519, Dhkem.X25519,
        Aead.Aes128Gcm, Aead.Aes256Gcm, Aead.ChaCha20Poly1305);

    public static CryptoProvider Sodium { get; } = new(SodiumName, Libsodium.IsAvailable, SodiumEd25519.Instance, SodiumX25519.Instance,
        Aead.Aes128Gcm, Libsodium.HasAes256Gcm ? Aead.SodiumAes256Gcm : Aead.Aes256Gcm, Aead.SodiumChaCha20Poly1305);

    /// <summary>Both providers, bouncycastle first.</summary>
    public static IReadOnlyList<CryptoProvider> All { get; } = [BouncyCastle, Sodium];

    /// <summary>The providers that run on this machine.</summary>
    public static IReadOnlyList<CryptoProvider> Available { get; } = All.Where(p => p.IsAvailable).ToList();

    private static CryptoProvider s_default = FromEnvironment();
    private static readonly AsyncLocal<CryptoProvider?> s_scoped = new();

    /// <summary>The process-wide provider (see the class summary for how it is chosen).</summary>
    public static CryptoProvider Default
    {
        get => s_default;
        set => s_default = Require(value);
    }

    /// <summary>The provider <see cref="CipherSuite.Get(ushort)"/> uses here: the one of an enclosing <see cref="Use"/>, else <see cref="Default"/>.</summary>
    public static CryptoProvider Current => s_scoped.Value ?? s_default;

    /// <summary>Makes <paramref name="provider"/> current for this flow of execution until the result is disposed.</summary>
    public static IDisposable Use(CryptoProvider provider)
    {
        var previous = s_scoped.Value;
        s_scoped.Value = Require(provider);
        return new Scope(previous);
    }

    /// <summary>The provider named <paramref name="name"/> (bouncycastle/bc, libsodium/sodium); <see cref="ArgumentException"/> otherwise or if it cannot run here.</summary>
    public static CryptoProvider Parse(string name)
    {
        var provider = name.Trim().ToLowerInvariant() switch
        {
            "bouncycastle" or "bc" => BouncyCastle,
            "libsodium" or "sodium" => Sodium,
            _ => throw new ArgumentException($"unknown crypto provider '{name}' (bouncycastle or libsodium)", nameof(name)),
        };
        if (!provider.IsAvailable) throw new ArgumentException($"crypto provider '{name}': libsodium does not load on this machine", nameof(name));
        return provider;
    }

    public string Name { get; }
    /// <summary>False when the provider's native library does not load here.</summary>
    public bool IsAvailable { get; }
    internal ISignatureScheme Ed25519 { get; }
    internal IKem X25519 { get; }
    internal Aead Aes128Gcm { get; }
    internal Aead Aes256Gcm { get; }
    internal Aead ChaCha20Poly1305 { get; }

    private CryptoProvider(string name, bool available, ISignatureScheme ed25519, IKem x25519, Aead aes128, Aead aes256, Aead chacha)
    {
        Name = name;
        IsAvailable = available;
        Ed25519 = ed25519;
        X25519 = x25519;
        Aes128Gcm = aes128;
        Aes256Gcm = aes256;
        ChaCha20Poly1305 = chacha;
    }

    public override string ToString() => Name;

    private static CryptoProvider Require(CryptoProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (!provider.IsAvailable) throw new InvalidOperationException($"crypto provider {provider.Name} does not load on this machine");
        return provider;
    }

    private static CryptoProvider FromEnvironment()
    {
        var chosen = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(chosen)) return Sodium.IsAvailable ? Sodium : BouncyCastle;
        try { return Parse(chosen); }
        catch (ArgumentException e) { throw new InvalidOperationException($"{EnvironmentVariable}: {e.Message}", e); }
    }

    private sealed class Scope(CryptoProvider? previous) : IDisposable
    {
        public void Dispose() => s_scoped.Value = previous;
    }
}
