using Sim.Engine.Crypto;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Schedule;

/// <summary>
/// secret-tree.json: per suite and tree size (1, 8 or 32 leaves), a sender_data case (secret,
/// ciphertext, expected key and nonce) and, from one encryption_secret, for every leaf the handshake
/// and application keys and nonces at a few generations (0 and 15). Checks RFC 9420 §6.3.2 and §9,
/// consuming the keys in order as a receiver would (so generation 15 skips 1..14).
/// </summary>
public sealed class SecretTreeVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void SecretTreeJson(string provider) => VectorFile.RunAll(output, provider, "secret-tree.json", (c, _) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var senderData = c.GetProperty("sender_data");
        var sds = senderData.Hex("sender_data_secret");
        var ciphertext = senderData.Hex("ciphertext");
        Assert.Equal(senderData.Hex("key"), SecretTree.SenderDataKey(suite, sds, ciphertext));
        Assert.Equal(senderData.Hex("nonce"), SecretTree.SenderDataNonce(suite, sds, ciphertext));

        var leaves = c.GetProperty("leaves");
        uint n = (uint)leaves.GetArrayLength();
        // Generations in the file are small, but let the tree jump as far as a vector could ask.
        var options = new SecretTreeOptions(OutOfOrderTolerance: 32, MaximumForwardDistance: 1u << 20);
        using var tree = new SecretTree(suite, c.Hex("encryption_secret"), n, options);
        for (uint leaf = 0; leaf < n; leaf++)
        {
            foreach (var g in leaves[(int)leaf].EnumerateArray().OrderBy(g => g.U32("generation")))
            {
                uint generation = g.U32("generation");
                using var hs = tree.ForDecryption(leaf, RatchetKind.Handshake, generation);
                Assert.Equal(g.Hex("handshake_key"), hs.Key.ToArray());
                Assert.Equal(g.Hex("handshake_nonce"), hs.Nonce.ToArray());
                using var app = tree.ForDecryption(leaf, RatchetKind.Application, generation);
                Assert.Equal(g.Hex("application_key"), app.Key.ToArray());
                Assert.Equal(g.Hex("application_nonce"), app.Nonce.ToArray());
            }
        }
        Assert.Equal(0, tree.RetainedNodeSecretCount);
    });
}
