using Sim.Engine.Crypto;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Schedule;

/// <summary>
/// psk_secret.json: per suite, zero to ten external PSKs (psk_id, psk, psk_nonce) and the resulting
/// psk_secret. Builds each external PreSharedKeyID and checks the RFC 9420 §8.4 chain; the zero-PSK
/// case must give the all-zero string of Nh bytes.
/// </summary>
public sealed class PskSecretVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void PskSecretJson(string provider) => VectorFile.RunAll(output, provider, "psk_secret.json", (c, _) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var psks = c.GetProperty("psks").EnumerateArray()
            .Select(p => (PskSecret.EncodeExternalPskId(p.Hex("psk_id"), p.Hex("psk_nonce")), p.Hex("psk")))
            .ToList();
        using var secret = PskSecret.Compute(suite, psks);
        Assert.Equal(c.Hex("psk_secret"), secret.ToArray());
        if (psks.Count == 0) Assert.Equal(new byte[suite.HashLength], secret.ToArray());
    });
}
