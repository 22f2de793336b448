using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Schedule;

/// <summary>
/// key-schedule.json: per suite, a group_id, an initial_init_secret and five epochs, each with its
/// chosen tree_hash, commit_secret, psk_secret and confirmed_transcript_hash. Checks the encoded
/// GroupContext (epoch = index, no extensions), every RFC 9420 §8 output (joiner, welcome, init and
/// the eight epoch-derived secrets), the external_pub from DeriveKeyPair(external_secret), and one
/// MLS-Exporter output; each epoch's init_secret feeds the next. Also checks that a joiner starting
/// from joiner_secret and psk_secret reaches the same secrets.
/// </summary>
public sealed class KeyScheduleVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void KeyScheduleJson(string provider) => VectorFile.RunAll(output, provider, "key-schedule.json", (c, _) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var groupId = c.Hex("group_id");
        var initSecret = c.Hex("initial_init_secret");
        ulong epoch = 0;
        foreach (var e in c.GetProperty("epochs").EnumerateArray())
        {
            var context = new GroupContext(GroupContext.Mls10, suite.Id, groupId, epoch,
                e.Hex("tree_hash"), e.Hex("confirmed_transcript_hash"), []);
            var encoded = Tls.Serialize(context);
            Assert.Equal(e.Hex("group_context"), encoded);

            using var step = KeySchedule.Advance(suite, initSecret, e.Hex("commit_secret"), e.Hex("psk_secret"), encoded);
            Assert.Equal(e.Hex("joiner_secret"), step.JoinerSecret.ToArray());
            Assert.Equal(e.Hex("welcome_secret"), step.WelcomeSecret.ToArray());
            var s = step.Secrets;
            Assert.Equal(e.Hex("init_secret"), s.InitSecret.ToArray());
            Assert.Equal(e.Hex("sender_data_secret"), s.SenderDataSecret.ToArray());
            Assert.Equal(e.Hex("encryption_secret"), s.EncryptionSecret!.ToArray());
            Assert.Equal(e.Hex("exporter_secret"), s.ExporterSecret.ToArray());
            Assert.Equal(e.Hex("epoch_authenticator"), s.EpochAuthenticator.ToArray());
            Assert.Equal(e.Hex("external_secret"), s.ExternalSecret.ToArray());
            Assert.Equal(e.Hex("confirmation_key"), s.ConfirmationKey.ToArray());
            Assert.Equal(e.Hex("membership_key"), s.MembershipKey.ToArray());
            Assert.Equal(e.Hex("resumption_psk"), s.ResumptionPsk.ToArray());
            Assert.Equal(e.Hex("external_pub"), s.ExternalPublicKey());

            var exporter = e.GetProperty("exporter");
            Assert.Equal(exporter.Hex("secret"),
                s.MlsExporter(exporter.Str("label"), exporter.Hex("context"), (int)exporter.U32("length")));

            // A joiner gets joiner_secret from GroupSecrets and must reach the same epoch.
            Assert.Equal(e.Hex("welcome_secret"), KeySchedule.WelcomeSecret(suite, e.Hex("joiner_secret"), e.Hex("psk_secret")).ToArray());
            var (welcome, joined) = KeySchedule.FromJoinerSecret(suite, e.Hex("joiner_secret"), e.Hex("psk_secret"), encoded);
            Assert.Equal(e.Hex("welcome_secret"), welcome.ToArray());
            Assert.Equal(e.Hex("encryption_secret"), joined.EncryptionSecret!.ToArray());
            Assert.Equal(e.Hex("init_secret"), joined.InitSecret.ToArray());

            initSecret = s.InitSecret.ToArray();
            epoch++;
        }
    });
}
