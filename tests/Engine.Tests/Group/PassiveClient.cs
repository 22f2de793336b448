using System.Text.Json;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// The FORMAT.md "Passive Client Scenarios" procedure, shared by the three passive-client vector
/// files: check the private keys against the KeyPackage, join with the Welcome (tree from the
/// GroupInfo extension or the given ratchet_tree; external_psks as the PSK lookup), compare the
/// epoch authenticator, then per epoch process every proposal and the commit, merge, and compare.
/// </summary>
internal static class PassiveClient
{
    public static void Run(JsonElement c)
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var keyPackage = Tls.Deserialize<MlsMessage>(c.Hex("key_package")).KeyPackage!;
        var signaturePriv = c.Hex("signature_priv");
        var encryptionPriv = c.Hex("encryption_priv");
        var initPriv = c.Hex("init_priv");

        // Key material matches the KeyPackage.
        Assert.Equal(keyPackage.LeafNode.SignatureKey, suite.Signature.PublicKeyOf(signaturePriv));
        Assert.Equal(keyPackage.LeafNode.EncryptionKey, suite.Kem.PublicKeyOf(encryptionPriv));
        Assert.Equal(keyPackage.InitKey, suite.Kem.PublicKeyOf(initPriv));

        var psks = new Dictionary<string, byte[]>();
        foreach (var p in c.GetProperty("external_psks").EnumerateArray())
            psks[Convert.ToHexString(p.Hex("psk_id"))] = p.Hex("psk");
        var options = new GroupOptions
        {
            // Some suite-7 groups' leaves list suites 1..6 only.
            RequireCipherSuiteInCapabilities = false,
            ExternalPsks = id => id.PskId is { } pid && psks.TryGetValue(Convert.ToHexString(pid), out var v) ? v : null,
            ResumptionPsksRetained = 1000,
        };

        var bundle = new KeyPackageBundle(keyPackage, Secret.Copy(initPriv), Secret.Copy(encryptionPriv));
        var welcome = Tls.Deserialize<MlsMessage>(c.Hex("welcome")).Welcome!;
        var treeBytes = c.HexOrNull("ratchet_tree");
        var tree = treeBytes is null ? null : Tls.Deserialize<RatchetTreeWire>(treeBytes);
        var group = MlsGroup.JoinFromWelcome(welcome, bundle, new KeyPair(signaturePriv, keyPackage.LeafNode.SignatureKey), tree, null,
            new DeterministicRandomSource(1), options);
        Assert.Equal(c.Hex("initial_epoch_authenticator"), group.EpochAuthenticator);

        int n = 0;
        foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
        {
            foreach (var p in epoch.GetProperty("proposals").EnumerateArray())
                Assert.IsType<ProposalReceived>(group.Process(Convert.FromHexString(p.GetString()!)));
            var staged = Assert.IsType<StagedCommit>(group.Process(epoch.Hex("commit")));
            Assert.False(staged.Removed);
            group.Merge(staged);
            n++;
            Assert.True(epoch.Hex("epoch_authenticator").AsSpan().SequenceEqual(group.EpochAuthenticator), $"epoch_authenticator after epoch entry {n}");
        }
    }
}
