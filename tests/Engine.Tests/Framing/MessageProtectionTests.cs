using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Messages;

namespace Sim.Engine.Tests.Framing;

/// <summary>
/// RFC 9420 §6.1–§6.3 message protection beyond the vectors: every rejection reason, the sender type
/// rules, padding, and that a rejected private message leaves the secret tree unchanged.
/// Suite 1, a 4-leaf group, leaf 1 sends.
/// </summary>
public sealed class MessageProtectionTests : IDisposable
{
    private const uint Alice = 1;
    private static readonly CipherSuite Suite = CipherSuite.Get(1);
    private readonly DeterministicRandomSource _random = new(2024, "message-protection-tests");
    private readonly GroupContext _context = Samples.Context();
    private readonly KeyPair _alice, _mallory;
    private readonly byte[] _encryptionSecret, _membershipKey, _senderDataSecret;
    private readonly MessageProtection _protection;
    private readonly SecretTree _sender, _receiver;
    private readonly SignatureKeyLookup _keys;

    public MessageProtectionTests()
    {
        _alice = Suite.Signature.GenerateKeyPair(_random);
        _mallory = Suite.Signature.GenerateKeyPair(_random);
        _encryptionSecret = _random.NextBytes(32);
        _membershipKey = _random.NextBytes(32);
        _senderDataSecret = _random.NextBytes(32);
        _protection = new MessageProtection(Suite, _context, _membershipKey, _senderDataSecret);
        _sender = new SecretTree(Suite, _encryptionSecret, 4);
        _receiver = new SecretTree(Suite, _encryptionSecret, 4);
        _keys = SignatureKeys.Member(Alice, _alice.PublicKey);
    }

    public void Dispose()
    {
        _protection.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
    }

    private static FramedContent Application(uint leaf = Alice, string text = "hello") =>
        FramedContent.OfApplication(Samples.Bytes(8, 0x77), 5, Sender.Member(leaf), [9], System.Text.Encoding.UTF8.GetBytes(text));

    private static FramedContent RemoveBy(Sender sender) =>
        FramedContent.OfProposal(Samples.Bytes(8, 0x77), 5, sender, [], new RemoveProposal(2));

    private PrivateMessage Seal(FramedContent content, KeyPair? signer = null) =>
        _protection.ProtectPrivate(content, (signer ?? _alice).PrivateKey, _sender, _random);

    private static MlsError Rejected(Action action) => Assert.Throws<MlsProtocolException>(action).Error;

    // ---------------------------------------------------------------- PrivateMessage

    [Fact]
    public void ApplicationMessageRoundTripsAndTheReceiverSwapsInTheUpdatedTree()
    {
        var message = Seal(Application(text: "first"));
        var result = _protection.UnprotectPrivate(message, _receiver, _keys);
        Assert.Equal("first"u8.ToArray(), result.Content.Content.ApplicationData);
        Assert.Equal(0u, result.Generation);
        Assert.Equal(Sender.Member(Alice), result.Sender);
        Assert.Equal(ContentType.Application, message.ContentType);

        // The receiver's own tree was not touched: the same message decrypts again from it...
        _protection.UnprotectPrivate(message, _receiver, _keys).UpdatedTree!.Dispose();
        // ...but not from the updated tree, where the key is consumed.
        using var updated = result.UpdatedTree!;
        Assert.Equal(MlsError.GenerationReused, Rejected(() => _protection.UnprotectPrivate(message, updated, _keys)));
    }

    [Fact]
    public void HandshakeAndApplicationUseSeparateRatchets()
    {
        var proposal = Seal(RemoveBy(Sender.Member(Alice)));
        var application = Seal(Application());
        var p = _protection.UnprotectPrivate(proposal, _receiver, _keys);
        using var afterProposal = p.UpdatedTree!;
        var a = _protection.UnprotectPrivate(application, afterProposal, _keys);
        a.UpdatedTree!.Dispose();
        Assert.Equal(0u, p.Generation);
        Assert.Equal(0u, a.Generation);
        Assert.IsType<RemoveProposal>(p.Content.Content.Proposal);
    }

    [Fact]
    public void OutOfOrderDeliveryWorksWithinTheWindow()
    {
        var first = Seal(Application(text: "1"));
        var second = Seal(Application(text: "2"));
        var r2 = _protection.UnprotectPrivate(second, _receiver, _keys);
        using var t2 = r2.UpdatedTree!;
        var r1 = _protection.UnprotectPrivate(first, t2, _keys);
        using var t1 = r1.UpdatedTree!;
        Assert.Equal((1u, 0u), (r2.Generation!.Value, r1.Generation!.Value));
        Assert.Equal(MlsError.GenerationReused, Rejected(() => _protection.UnprotectPrivate(first, t1, _keys)));
    }

    [Fact]
    public void TamperedCiphertextSenderDataOrAadFailDecryption()
    {
        var message = Seal(Application());
        var ct = (byte[])message.Ciphertext.Clone();
        ct[^1] ^= 1; // the tag: the sample (first Nh bytes) is unchanged, so the sender data still opens
        Assert.Equal(MlsError.DecryptionFailed, Rejected(() => _protection.UnprotectPrivate(message with { Ciphertext = ct }, _receiver, _keys)));
        var sd = (byte[])message.EncryptedSenderData.Clone();
        sd[0] ^= 1;
        Assert.Equal(MlsError.DecryptionFailed, Rejected(() => _protection.UnprotectPrivate(message with { EncryptedSenderData = sd }, _receiver, _keys)));
        Assert.Equal(MlsError.DecryptionFailed, Rejected(() => _protection.UnprotectPrivate(message with { AuthenticatedData = [8] }, _receiver, _keys)));
        Assert.Equal(MlsError.DecryptionFailed, Rejected(() => _protection.UnprotectPrivate(message with { ContentType = ContentType.Proposal }, _receiver, _keys)));
        // Nothing was consumed by the failures.
        _protection.UnprotectPrivate(message, _receiver, _keys).UpdatedTree!.Dispose();
    }

    [Fact]
    public void WrongGroupAndWrongEpochAreRejectedBeforeDecryption()
    {
        var message = Seal(Application());
        Assert.Equal(MlsError.WrongGroup, Rejected(() => _protection.UnprotectPrivate(message with { GroupId = [1, 2] }, _receiver, _keys)));
        Assert.Equal(MlsError.WrongEpoch, Rejected(() => _protection.UnprotectPrivate(message with { Epoch = 6 }, _receiver, _keys)));
    }

    [Fact]
    public void SignatureByAnotherKeyIsBadSignatureAndAnUnknownSenderIsUnknown()
    {
        var forged = Seal(Application(), _mallory);
        Assert.Equal(MlsError.BadSignature, Rejected(() => _protection.UnprotectPrivate(forged, _receiver, _keys)));
        var fromLeaf2 = Seal(Application(leaf: 2));
        Assert.Equal(MlsError.UnknownSender, Rejected(() => _protection.UnprotectPrivate(fromLeaf2, _receiver, _keys)));
    }

    [Fact]
    public void ContentSignedForPublicMessageDoesNotVerifyAsPrivate()
    {
        var signedForPublic = _protection.Sign(RemoveBy(Sender.Member(Alice)), WireFormat.PublicMessage, _alice.PrivateKey);
        Assert.Throws<ArgumentException>(() => _protection.ProtectPrivate(signedForPublic, _sender, _random));
        // Relabelled by hand, the wire format inside the signature gives it away.
        var relabelled = _protection.ProtectPrivate(signedForPublic with { WireFormat = WireFormat.PrivateMessage }, _sender, _random);
        Assert.Equal(MlsError.BadSignature, Rejected(() => _protection.UnprotectPrivate(relabelled, _receiver, _keys)));
    }

    [Fact]
    public void OnlyMembersSendPrivateMessages() =>
        Assert.Throws<InvalidOperationException>(() => Seal(RemoveBy(Sender.External(0))));

    [Fact]
    public void GenerationTooFarAhead()
    {
        using var receiver = new SecretTree(Suite, _encryptionSecret, 4, new SecretTreeOptions(MaximumForwardDistance: 2));
        for (int i = 0; i < 3; i++) _sender.NextForEncryption(Alice, RatchetKind.Application).Dispose();
        var message = Seal(Application()); // generation 3
        Assert.Equal(MlsError.GenerationTooFar, Rejected(() => _protection.UnprotectPrivate(message, receiver, _keys)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(32, 0)]
    [InlineData(0, 13)]
    [InlineData(64, 5)]
    public void PaddingIsAppliedAndAccepted(int block, int fixedLength)
    {
        using var padded = new MessageProtection(Suite, _context, _membershipKey, _senderDataSecret, new PaddingPolicy(fixedLength, block));
        var content = Application(text: "padded");
        var message = padded.ProtectPrivate(content, _alice.PrivateKey, _sender, _random);
        int plaintextLength = message.Ciphertext.Length - Aead.TagLength;
        int unpadded = PrivateMessageContent.From(content, new FramedContentAuthData(new byte[64], null)).Serialize().Length;
        Assert.True(plaintextLength >= unpadded + fixedLength);
        if (block > 1) Assert.Equal(0, plaintextLength % block);
        var result = padded.UnprotectPrivate(message, _receiver, _keys);
        result.UpdatedTree!.Dispose();
        Assert.Equal("padded"u8.ToArray(), result.Content.Content.ApplicationData);
    }

    [Fact]
    public void NonZeroPaddingIsMalformed()
    {
        // Encrypt, by hand and with the right keys, a plaintext whose padding has a non-zero byte.
        var content = Application();
        var auth = _protection.Sign(content, WireFormat.PrivateMessage, _alice.PrivateKey).Auth;
        byte[] plaintext = [.. PrivateMessageContent.From(content, auth).Serialize(), 0, 0, 1];
        using var key = _sender.NextForEncryption(Alice, RatchetKind.Application);
        var ciphertext = Suite.Aead.Seal(key.Key, key.Nonce,
            Tls.Serialize(new PrivateContentAad(content.GroupId, content.Epoch, content.ContentType, content.AuthenticatedData)), plaintext);
        var senderData = Suite.Aead.Seal(SecretTree.SenderDataKey(Suite, _senderDataSecret, ciphertext),
            SecretTree.SenderDataNonce(Suite, _senderDataSecret, ciphertext),
            Tls.Serialize(new SenderDataAad(content.GroupId, content.Epoch, content.ContentType)),
            Tls.Serialize(new SenderData(Alice, key.Generation, [0, 0, 0, 0])));
        var message = new PrivateMessage(content.GroupId, content.Epoch, content.ContentType, content.AuthenticatedData, senderData, ciphertext);
        Assert.Equal(MlsError.Malformed, Rejected(() => _protection.UnprotectPrivate(message, _receiver, _keys)));
    }

    // ---------------------------------------------------------------- PublicMessage

    [Fact]
    public void MemberProposalRoundTripsWithMembershipTag()
    {
        var message = _protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _alice.PrivateKey);
        Assert.NotNull(message.MembershipTag);
        var content = _protection.UnprotectPublic(message, _keys);
        Assert.Equal(WireFormat.PublicMessage, content.WireFormat);
        Assert.IsType<RemoveProposal>(content.Content.Proposal);
    }

    [Fact]
    public void WrongMembershipKeyOrTamperedTagIsBadMembershipTag()
    {
        using var outsider = new MessageProtection(Suite, _context, _random.NextBytes(32), _senderDataSecret);
        var message = outsider.ProtectPublic(RemoveBy(Sender.Member(Alice)), _alice.PrivateKey);
        Assert.Equal(MlsError.BadMembershipTag, Rejected(() => _protection.UnprotectPublic(message, _keys)));
        var good = _protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _alice.PrivateKey);
        var tag = (byte[])good.MembershipTag!.Clone();
        tag[5] ^= 0x80;
        Assert.Equal(MlsError.BadMembershipTag, Rejected(() => _protection.UnprotectPublic(good with { MembershipTag = tag }, _keys)));
        Assert.Equal(MlsError.BadMembershipTag, Rejected(() => _protection.UnprotectPublic(good with { MembershipTag = null }, _keys)));
    }

    [Fact]
    public void ValidTagButForeignSignatureIsBadSignature()
    {
        var message = _protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _mallory.PrivateKey);
        Assert.Equal(MlsError.BadSignature, Rejected(() => _protection.UnprotectPublic(message, _keys)));
    }

    [Fact]
    public void ApplicationDataIsNeverAPublicMessage()
    {
        Assert.Throws<InvalidOperationException>(() => _protection.ProtectPublic(Application(), _alice.PrivateKey));
        // One built by hand, correctly signed and tagged, is still refused on receipt.
        var signed = _protection.Sign(Application(), WireFormat.PublicMessage, _alice.PrivateKey);
        var message = new PublicMessage(signed.Content, signed.Auth, null);
        message = message with { MembershipTag = _protection.MembershipTag(message) };
        Assert.Equal(MlsError.UnsupportedWireFormat, Rejected(() => _protection.UnprotectPublic(message, _keys)));
    }

    [Fact]
    public void ExternalSenderProposalVerifiesWithoutMembershipTag()
    {
        var external = Sender.External(0);
        SignatureKeyLookup keys = c => c.Sender == external ? _mallory.PublicKey : null;
        var message = _protection.ProtectPublic(RemoveBy(external), _mallory.PrivateKey);
        Assert.Null(message.MembershipTag);
        Assert.Equal(external, _protection.UnprotectPublic(message, keys).Content.Sender);
        Assert.Equal(MlsError.UnknownSender, Rejected(() => _protection.UnprotectPublic(message, _keys)));
    }

    [Fact]
    public void SenderTypesMaySendOnlyWhatSection61Allows()
    {
        var update = FramedContent.OfProposal(Samples.Bytes(8, 0x77), 5, Sender.External(0), [], new UpdateProposal(Samples.Leaf()));
        SignatureKeyLookup anyone = _ => _mallory.PublicKey;
        var fromExternal = new PublicMessage(update, _protection.Sign(update, WireFormat.PublicMessage, _mallory.PrivateKey).Auth, null);
        Assert.Equal(MlsError.InvalidSender, Rejected(() => _protection.UnprotectPublic(fromExternal, anyone)));

        var newMemberRemove = RemoveBy(Sender.NewMemberProposal());
        var fromNewMember = new PublicMessage(newMemberRemove, _protection.Sign(newMemberRemove, WireFormat.PublicMessage, _mallory.PrivateKey).Auth, null);
        Assert.Equal(MlsError.InvalidSender, Rejected(() => _protection.UnprotectPublic(fromNewMember, anyone)));

        var newMemberCommitProposal = RemoveBy(Sender.NewMemberCommit());
        var fromJoiner = new PublicMessage(newMemberCommitProposal,
            _protection.Sign(newMemberCommitProposal, WireFormat.PublicMessage, _mallory.PrivateKey).Auth, null);
        Assert.Equal(MlsError.InvalidSender, Rejected(() => _protection.UnprotectPublic(fromJoiner, anyone)));

        var externalCommit = FramedContent.OfCommit(Samples.Bytes(8, 0x77), 5, Sender.NewMemberCommit(), [], Samples.Commit(withPath: true));
        var joined = _protection.ProtectPublic(externalCommit, _mallory.PrivateKey, confirmationTag: new byte[32]);
        Assert.Equal(SenderType.NewMemberCommit, _protection.UnprotectPublic(joined, anyone).Content.Sender.SenderType);
    }

    [Fact]
    public void WrongGroupOrEpochPublicMessage()
    {
        var message = _protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _alice.PrivateKey);
        Assert.Equal(MlsError.WrongEpoch, Rejected(() => _protection.UnprotectPublic(message with { Content = message.Content with { Epoch = 4 } }, _keys)));
        Assert.Equal(MlsError.WrongGroup, Rejected(() => _protection.UnprotectPublic(message with { Content = message.Content with { GroupId = [] } }, _keys)));
    }

    [Fact]
    public void IsAuthentic_SaysYesExactlyWhenUnprotectPublicAccepts()
    {
        // Issue 9 item 4: the yes-or-no form (PairMLS weighs a stapled Commit with it) answers without
        // an exception, for every refusal UnprotectPublic makes.
        var good = _protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _alice.PrivateKey);
        Assert.True(_protection.IsAuthentic(good, _keys));
        var tag = (byte[])good.MembershipTag!.Clone();
        tag[0] ^= 1;
        var application = _protection.Sign(Application(), WireFormat.PublicMessage, _alice.PrivateKey);
        var applicationMessage = new PublicMessage(application.Content, application.Auth, null);
        applicationMessage = applicationMessage with { MembershipTag = _protection.MembershipTag(applicationMessage) };
        var update = FramedContent.OfProposal(Samples.Bytes(8, 0x77), 5, Sender.External(0), [], new UpdateProposal(Samples.Leaf()));
        var fromExternal = new PublicMessage(update, _protection.Sign(update, WireFormat.PublicMessage, _mallory.PrivateKey).Auth, null);
        var bad = new (PublicMessage Message, SignatureKeyLookup Keys, MlsError Error)[]
        {
            (good with { MembershipTag = tag }, _keys, MlsError.BadMembershipTag),
            (good with { MembershipTag = null }, _keys, MlsError.BadMembershipTag),
            (_protection.ProtectPublic(RemoveBy(Sender.Member(Alice)), _mallory.PrivateKey), _keys, MlsError.BadSignature),
            (good, _ => null, MlsError.UnknownSender),
            (good with { Content = good.Content with { Epoch = 4 } }, _keys, MlsError.WrongEpoch),
            (good with { Content = good.Content with { GroupId = [] } }, _keys, MlsError.WrongGroup),
            (applicationMessage, _keys, MlsError.UnsupportedWireFormat),
            (fromExternal, _ => _mallory.PublicKey, MlsError.InvalidSender),
        };
        foreach (var (message, keys, error) in bad)
        {
            Assert.False(_protection.IsAuthentic(message, keys));
            Assert.Equal(error, Rejected(() => _protection.UnprotectPublic(message, keys)));
        }
    }

    // ---------------------------------------------------------------- MLSMessage

    [Fact]
    public void UnprotectOfBytesWrapsDecodeFailuresAndRefusesOtherWireFormats()
    {
        Assert.Equal(MlsError.Malformed, Rejected(() => _protection.Unprotect([0, 1, 0, 2, 0xFF], _receiver, _keys)));
        var keyPackage = Tls.Serialize(MlsMessage.From(Samples.KeyPackage()));
        Assert.Equal(MlsError.UnsupportedWireFormat, Rejected(() => _protection.Unprotect(keyPackage, _receiver, _keys)));
        var wire = Tls.Serialize(MlsMessage.From(Seal(Application(text: "wire"))));
        var result = _protection.Unprotect(wire, _receiver, _keys);
        result.UpdatedTree!.Dispose();
        Assert.Equal("wire"u8.ToArray(), result.Content.Content.ApplicationData);
    }

    [Fact]
    public void PaddingPolicyArithmetic()
    {
        Assert.Equal(0, PaddingPolicy.None.PaddingFor(100));
        Assert.Equal(7, PaddingPolicy.Fixed(7).PaddingFor(100));
        Assert.Equal(28, PaddingPolicy.Block(32).PaddingFor(100));
        Assert.Equal(0, PaddingPolicy.Block(32).PaddingFor(128));
        Assert.Equal(4 + 24, new PaddingPolicy(4, 32).PaddingFor(100));
    }
}
