using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Messages;

/// <summary>
/// welcome.json: per suite, an init private key (init_priv), a signer's public key (signer_pub), an
/// MLSMessage(KeyPackage) and an MLSMessage(Welcome) addressed to it. Checks that the KeyPackage
/// passes §10.1 validation and its init_key is init_priv's public key; that the Welcome opens with
/// the KeyPackageRef and init_priv (GroupSecrets, then the GroupInfo under the welcome key); that
/// the GroupInfo signature verifies with signer_pub; and that the confirmation_tag equals the MAC,
/// under the confirmation_key of the epoch reached from joiner_secret with no PSKs, of the
/// GroupContext's confirmed_transcript_hash (compared in constant time).
/// </summary>
public sealed class WelcomeVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void WelcomeJson(string provider) => VectorFile.RunAll(output, provider, "welcome.json", (c, _) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var initPriv = c.Hex("init_priv");
        var keyPackage = Tls.Deserialize<MlsMessage>(c.Hex("key_package")).KeyPackage!;
        var welcome = Tls.Deserialize<MlsMessage>(c.Hex("welcome")).Welcome!;
        Assert.NotNull(keyPackage);
        Assert.NotNull(welcome);

        KeyPackageValidation.Validate(suite, keyPackage);
        Assert.Equal(keyPackage.InitKey, suite.Kem.PublicKeyOf(initPriv));

        using var opened = WelcomeProtection.Open(suite, welcome, keyPackage.MakeRef(), initPriv);
        Assert.Empty(opened.Psks);
        var groupInfo = opened.GroupInfo;
        Assert.True(GroupInfoSignature.Verify(suite, groupInfo, c.Hex("signer_pub")), "GroupInfo signature");

        using var secrets = opened.DeriveEpochSecrets();
        Assert.True(TranscriptHash.VerifyConfirmationTag(suite, secrets.ConfirmationKey.Span,
            groupInfo.GroupContext.ConfirmedTranscriptHash, groupInfo.ConfirmationTag), "confirmation_tag");
    });
}
