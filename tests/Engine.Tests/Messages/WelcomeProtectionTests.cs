using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Messages;

/// <summary>RFC 9420 §12.4.3 GroupInfo signatures and §12.4.3.1 Welcome create / open.</summary>
public sealed class WelcomeProtectionTests
{
    public static TheoryData<ushort, int> SuitesAndMemberCounts()
    {
        var data = new TheoryData<ushort, int>();
        for (ushort s = 1; s <= 7; s++)
        {
            data.Add(s, 1);
            data.Add(s, 3);
        }
        return data;
    }

    private static readonly Lifetime Forever = new(0, ulong.MaxValue);

    /// <summary>A committer's view of a new epoch: its joiner secret, PSKs and the signed GroupInfo.</summary>
    private sealed record Epoch(CipherSuite Suite, byte[] JoinerSecret, byte[] PskSecret, IReadOnlyList<PreSharedKeyId> Psks,
        GroupInfo GroupInfo, KeyPair Signer);

    private static Epoch NewEpoch(CipherSuite suite, IRandomSource random, IReadOnlyList<(PreSharedKeyId Id, byte[] Psk)>? psks = null)
    {
        psks ??= [];
        var joiner = random.NextBytes(suite.HashLength);
        using var pskSecret = PskSecret.Compute(suite, psks.Select(p => (Tls.Serialize(p.Id), p.Psk)).ToList());
        var context = new GroupContext(GroupContext.Mls10, suite.Id, random.NextBytes(16), 4,
            random.NextBytes(suite.HashLength), random.NextBytes(suite.HashLength), []);
        var (welcome, secrets) = KeySchedule.FromJoinerSecret(suite, joiner, pskSecret.Span, Tls.Serialize(context));
        welcome.Clear();
        var tag = TranscriptHash.ConfirmationTag(suite, secrets.ConfirmationKey.Span, context.ConfirmedTranscriptHash);
        secrets.Clear();
        var signer = suite.Signature.GenerateKeyPair(random);
        var groupInfo = GroupInfoSignature.Sign(suite,
            new GroupInfo(context, [new Extension(Extension.ExternalPub, [1, 2, 3])], tag, Signer: 2, Signature: []),
            signer.PrivateKey);
        return new Epoch(suite, joiner, pskSecret.ToArray(), psks.Select(p => p.Id).ToList(), groupInfo, signer);
    }

    private static KeyPackageBundle Joiner(CipherSuite suite, IRandomSource random, string name) =>
        KeyPackageBundle.Create(suite, suite.Signature.GenerateKeyPair(random), Credential.Basic(System.Text.Encoding.UTF8.GetBytes(name)),
            Forever, random);

    private static Welcome Seal(Epoch epoch, IReadOnlyList<WelcomeRecipient> members, IRandomSource random) =>
        WelcomeProtection.Create(epoch.Suite, epoch.JoinerSecret, epoch.PskSecret, epoch.Psks, epoch.GroupInfo, members, random);

    [Theory, MemberData(nameof(SuitesAndMemberCounts))]
    public void EveryNewMemberOpensTheWelcome(ushort suiteId, int count)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(42, $"welcome-{suiteId}-{count}");
        var epoch = NewEpoch(suite, random);
        var joiners = Enumerable.Range(0, count).Select(i => Joiner(suite, random, $"joiner{i}")).ToList();
        // Every other member gets a path_secret, as a Commit with a path would give it.
        var pathSecrets = joiners.Select((_, i) => i % 2 == 0 ? random.NextBytes(suite.HashLength) : null).ToList();
        var welcome = Seal(epoch,
            joiners.Select((j, i) => new WelcomeRecipient(j.KeyPackage, pathSecrets[i] is { } p ? new PathSecret(p) : null)).ToList(),
            random);

        Assert.Equal(suiteId, welcome.CipherSuite);
        Assert.Equal(count, welcome.Secrets.Count);
        var encoded = Tls.Serialize(welcome);
        Assert.Equal(encoded, Tls.Serialize(Tls.Deserialize<Welcome>(encoded)));

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(joiners[i].Ref, welcome.Secrets[i].NewMember);
            using var opened = WelcomeProtection.Open(Tls.Deserialize<Welcome>(encoded), joiners[i]);
            Assert.Equal(Tls.Serialize(epoch.GroupInfo), Tls.Serialize(opened.GroupInfo));
            Assert.True(opened.JoinerSecret.Matches(epoch.JoinerSecret));
            Assert.Empty(opened.Psks);
            if (pathSecrets[i] is { } expected) Assert.True(opened.PathSecret!.Matches(expected));
            else Assert.Null(opened.PathSecret);

            GroupInfoSignature.Check(suite, opened.GroupInfo, epoch.Signer.PublicKey);
            using var secrets = opened.DeriveEpochSecrets();
            Assert.True(TranscriptHash.VerifyConfirmationTag(suite, secrets.ConfirmationKey.Span,
                opened.GroupInfo.GroupContext.ConfirmedTranscriptHash, opened.GroupInfo.ConfirmationTag));
        }
        joiners.ForEach(j => j.Dispose());
    }

    [Fact]
    public void SameSeedSameWelcome()
    {
        byte[] Build()
        {
            var suite = CipherSuite.Get(1);
            var random = new DeterministicRandomSource(5);
            var epoch = NewEpoch(suite, random);
            using var joiner = Joiner(suite, random, "bob");
            return Tls.Serialize(Seal(epoch, [new WelcomeRecipient(joiner.KeyPackage)], random));
        }
        Assert.Equal(Build(), Build());
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)5)]
    public void PresharedKeysAreResolvedByTheCaller(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(11, $"psk-{suiteId}");
        var external = PreSharedKeyId.External("ext"u8.ToArray(), random.NextBytes(suite.HashLength));
        var resumption = PreSharedKeyId.Resumption(ResumptionPskUsage.Application, [9, 9], 3, random.NextBytes(suite.HashLength));
        var values = new Dictionary<string, byte[]> { ["ext"] = random.NextBytes(32), ["res"] = random.NextBytes(suite.HashLength) };
        var epoch = NewEpoch(suite, random, [(external, values["ext"]), (resumption, values["res"])]);
        using var joiner = Joiner(suite, random, "carol");
        var welcome = Seal(epoch, [new WelcomeRecipient(joiner.KeyPackage)], random);

        byte[]? Resolve(PreSharedKeyId id) => id.PskType == PskType.External ? values["ext"] : values["res"];
        using (var opened = WelcomeProtection.Open(welcome, joiner, Resolve))
        {
            Assert.Equal(2, opened.Psks.Count);
            Assert.True(opened.PskSecret.Matches(epoch.PskSecret));
            Assert.Equal(Tls.Serialize(epoch.GroupInfo), Tls.Serialize(opened.GroupInfo));
        }

        Assert.Equal(MlsError.MissingKey, Assert.Throws<MlsProtocolException>(() => WelcomeProtection.Open(welcome, joiner)).Error);
        Assert.Equal(MlsError.MissingKey, Assert.Throws<MlsProtocolException>(() =>
            WelcomeProtection.Open(welcome, joiner, id => id.PskType == PskType.External ? values["ext"] : null)).Error);
        // A wrong PSK value gives a wrong welcome_secret: the GroupInfo does not decrypt.
        Assert.Equal(MlsError.DecryptionFailed, Assert.Throws<MlsProtocolException>(() =>
            WelcomeProtection.Open(welcome, joiner, id => new byte[32])).Error);
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)7)]
    public void AWelcomeForSomeoneElseIsRejected(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        var random = new DeterministicRandomSource(13, $"others-{suiteId}");
        var epoch = NewEpoch(suite, random);
        using var bob = Joiner(suite, random, "bob");
        using var eve = Joiner(suite, random, "eve");
        var welcome = Seal(epoch, [new WelcomeRecipient(bob.KeyPackage)], random);

        var e = Assert.Throws<MlsProtocolException>(() => WelcomeProtection.Open(welcome, eve));
        Assert.Equal(MlsError.WelcomeNotForUs, e.Error);

        // Eve relabels Bob's entry with her own KeyPackageRef: her init key cannot open it.
        var relabelled = welcome with { Secrets = [welcome.Secrets[0] with { NewMember = eve.Ref }] };
        Assert.Equal(MlsError.DecryptionFailed, Assert.Throws<MlsProtocolException>(() => WelcomeProtection.Open(relabelled, eve)).Error);
    }

    [Fact]
    public void TamperedOrMismatchedWelcomesAreRejected()
    {
        var suite = CipherSuite.Get(3);
        var random = new DeterministicRandomSource(17);
        var epoch = NewEpoch(suite, random);
        using var bob = Joiner(suite, random, "bob");
        var welcome = Seal(epoch, [new WelcomeRecipient(bob.KeyPackage)], random);
        MlsError Error(Welcome w) => Assert.Throws<MlsProtocolException>(() => WelcomeProtection.Open(w, bob)).Error;

        // encrypted_group_info is the HPKE context of every EncryptedGroupSecrets.
        var info = (byte[])welcome.EncryptedGroupInfo.Clone();
        info[^1] ^= 0x80;
        Assert.Equal(MlsError.DecryptionFailed, Error(welcome with { EncryptedGroupInfo = info }));

        var sealedSecrets = welcome.Secrets[0].EncryptedGroupSecretsCiphertext;
        var ct = (byte[])sealedSecrets.Ciphertext.Clone();
        ct[0] ^= 0x01;
        Assert.Equal(MlsError.DecryptionFailed,
            Error(welcome with { Secrets = [welcome.Secrets[0] with { EncryptedGroupSecretsCiphertext = sealedSecrets with { Ciphertext = ct } }] }));

        Assert.Equal(MlsError.InvalidWelcome, Error(welcome with { CipherSuite = 1 }));
        Assert.Equal(MlsError.InvalidWelcome, Error(welcome with { Secrets = [welcome.Secrets[0], welcome.Secrets[0]] }));
    }

    [Fact]
    public void GroupInfoSignatureBindsEveryField()
    {
        var suite = CipherSuite.Get(2);
        var random = new DeterministicRandomSource(19);
        var epoch = NewEpoch(suite, random);
        var gi = epoch.GroupInfo;
        Assert.True(GroupInfoSignature.Verify(suite, gi, epoch.Signer.PublicKey));
        Assert.False(GroupInfoSignature.Verify(suite, gi with { Signer = 3 }, epoch.Signer.PublicKey));
        Assert.False(GroupInfoSignature.Verify(suite, gi with { Extensions = [] }, epoch.Signer.PublicKey));
        Assert.False(GroupInfoSignature.Verify(suite, gi, suite.Signature.GenerateKeyPair(random).PublicKey));
        Assert.Equal(MlsError.BadSignature, Assert.Throws<MlsProtocolException>(() =>
            GroupInfoSignature.Check(suite, gi with { ConfirmationTag = new byte[suite.HashLength] }, epoch.Signer.PublicKey)).Error);
    }

    [Fact]
    public void CreateRefusesMisuse()
    {
        var suite = CipherSuite.Get(1);
        var random = new DeterministicRandomSource(23);
        var epoch = NewEpoch(suite, random);
        using var other = Joiner(CipherSuite.Get(2), random, "dave");
        Assert.Throws<ArgumentException>(() => Seal(epoch, [new WelcomeRecipient(other.KeyPackage)], random));
        Assert.Throws<ArgumentException>(() => WelcomeProtection.Create(suite, new byte[5], [], [], epoch.GroupInfo, [], random));
        Assert.Throws<ArgumentException>(() =>
            WelcomeProtection.Create(CipherSuite.Get(3), epoch.JoinerSecret, [], [], epoch.GroupInfo, [], random));
    }

    [Fact]
    public void DisposingTheOpenedWelcomeClearsItsSecrets()
    {
        var suite = CipherSuite.Get(1);
        var random = new DeterministicRandomSource(29);
        var epoch = NewEpoch(suite, random);
        using var bob = Joiner(suite, random, "bob");
        var opened = WelcomeProtection.Open(Seal(epoch, [new WelcomeRecipient(bob.KeyPackage, new PathSecret(new byte[32]))], random), bob);
        opened.Dispose();
        Assert.True(opened.JoinerSecret.IsCleared);
        Assert.True(opened.PskSecret.IsCleared);
        Assert.True(opened.PathSecret!.IsCleared);
    }
}
