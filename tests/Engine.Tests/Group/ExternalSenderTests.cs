using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// RFC 9420 §12.1.8 external proposals: a sender listed in the group's external_senders extension
/// (§12.1.8.1) proposes Add, Remove, PSK, ReInit and GroupContextExtensions, which members cache
/// and commit by reference; and every refusal (a type an external sender may not send, a Commit, an
/// index out of range, no extension, a wrong signature, another epoch, a sender
/// the group dropped), each leaving the receiver's state the very same value.
/// </summary>
public sealed class ExternalSenderTests
{
    private readonly GroupTestKit _kit;
    private readonly KeyPair _ds;
    private readonly List<MlsGroup> _g;

    public ExternalSenderTests() : this(1) { }

    private ExternalSenderTests(ushort suite, GroupOptions? options = null)
    {
        _kit = new GroupTestKit(suite, options: options);
        _ds = _kit.Suite.Signature.GenerateKeyPair(_kit.Random);
        var stranger = _kit.Suite.Signature.GenerateKeyPair(_kit.Random);
        var senders = ExternalProposal.ExternalSendersExtension([
            new ExternalSender(stranger.PublicKey, Credential.Basic(Bytes("other service"))),
            new ExternalSender(_ds.PublicKey, Credential.Basic(Bytes("delivery service"))),
        ]);
        var m0 = _kit.NewClient("m0");
        var creator = MlsGroup.Create(_kit.Suite, _kit.GroupId, m0.Signature, m0.Credential, _kit.Random.Derive("creator"), _kit.Options,
            groupContextExtensions: [senders]);
        _g = [creator, .. _kit.Add(creator, [], _kit.NewClient("m1"), _kit.NewClient("m2"))];
    }

    private MlsMessage External(Proposal proposal, uint index = 1, KeyPair? key = null, ulong? epoch = null) =>
        ExternalProposal.FromExternalSender(_kit.Suite, _g[0].GroupId, epoch ?? _g[0].Epoch, index, proposal, (key ?? _ds).PrivateKey);

    /// <summary>Every member caches <paramref name="proposal"/> as the external sender's; member 1 commits it; all merge.</summary>
    private CommitResult DeliverAndCommit(MlsMessage proposal)
    {
        var bytes = Encode(proposal);
        foreach (var g in _g)
        {
            var received = Assert.IsType<ProposalReceived>(g.Process(bytes));
            Assert.Equal(Sender.External(1), received.Sender);
        }
        var commit = _g[1].Commit();
        foreach (var i in new[] { 0, 2 }) _g[i].Merge(Assert.IsType<StagedCommit>(_g[i].Process(Encode(commit.Commit))));
        _g[1].MergeCommit(commit);
        Assert.Equal(Sender.External(1), Assert.Single(commit.Staged.Proposals).Sender);
        return commit;
    }

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void ExternalRemove_IsCachedByEveryMemberAndCommittedByReference(ushort suite)
    {
        var t = new ExternalSenderTests(suite);
        t.DeliverAndCommit(t.External(new RemoveProposal(2)));
        Assert.True(t._g[2].IsRemoved);
        AssertAgree(t._g.Take(2));
        Assert.Equal(2, t._g[0].Members.Count);
    }

    [Fact]
    public void ExternalAdd_NewMemberJoinsWithTheWelcome()
    {
        var dave = _kit.NewClient("dave");
        var bundle = _kit.KeyPackage(dave);
        var commit = DeliverAndCommit(External(new AddProposal(bundle.KeyPackage)));
        var joined = MlsGroup.JoinFromWelcome(commit.Welcome!.Welcome!, bundle, dave.Signature, null, null, _kit.Random, _kit.Options);
        AssertAgree([.. _g, joined]);
    }

    [Fact]
    public void ExternalReInit_ShutsTheGroupDownForItsSuccessor()
    {
        DeliverAndCommit(External(new ReInitProposal(Bytes("successor"), GroupContext.Mls10, _kit.Suite.Id, [])));
        Assert.All(_g, g => Assert.Equal(Bytes("successor"), g.PendingReInit!.GroupId));
    }

    [Fact]
    public void ExternalGroupContextExtensions_AreApplied()
    {
        var extensions = new List<Extension> { new(Extension.ApplicationId, Bytes("policy")), _g[0].Context.Extensions.Single() };
        DeliverAndCommit(External(new GroupContextExtensionsProposal(extensions)));
        Assert.All(_g, g => Assert.Equal(2, g.Context.Extensions.Count));
        AssertAgree(_g);
    }

    [Fact]
    public void ExternalPsk_IsInjectedByTheCommit()
    {
        var psk = new byte[32];
        var t = new ExternalSenderTests(1, GroupOptions.Default with { ExternalPsks = x => x.PskId is { } p && p.AsSpan().SequenceEqual(Bytes("shared")) ? psk : null });
        var withoutPsk = t._g[0].Export("x", [], 32);
        var commit = t.DeliverAndCommit(t.External(new PreSharedKeyProposal(PreSharedKeyId.External(Bytes("shared"), new byte[t._kit.Suite.HashLength]))));
        Assert.IsType<PreSharedKeyProposal>(Assert.Single(commit.Staged.Proposals).Proposal);
        AssertAgree(t._g);
        Assert.NotEqual(withoutPsk, t._g[0].Export("x", [], 32));
    }

    // ---------------------------------------------------------------- refused

    private void AssertRefused(MlsMessage message, ProcessMessageError expected)
    {
        var receiver = _g[0];
        var before = receiver.State;
        Assert.Equal(expected, Assert.Throws<ProcessMessageException>(() => receiver.Process(Encode(message))).Reason);
        Assert.Same(before, receiver.State);
    }

    /// <summary>Signs any content as the external sender would, bypassing <see cref="ExternalProposal"/>'s own checks.</summary>
    /// <remarks>No membership tag can be forged on: PublicMessage carries that field for member senders only (§6.2).</remarks>
    private MlsMessage Forge(FramedContent content)
    {
        var auth = ContentAuthentication.SignContent(_kit.Suite, content, WireFormat.PublicMessage, null, _ds.PrivateKey,
            content.ContentType == ContentType.Commit ? new byte[_kit.Suite.HashLength] : null);
        return MlsMessage.From(new PublicMessage(content, auth.Auth, null));
    }

    [Fact]
    public void ExternalUpdate_IsRefused()
    {
        var (update, _) = GroupSender.MakeUpdate(_g[1].State, null, _kit.Random);
        Assert.Throws<ArgumentException>(() => External(update));
        AssertRefused(Forge(FramedContent.OfProposal(_g[0].GroupId, _g[0].Epoch, Sender.External(1), [], update)), ProcessMessageError.InvalidSender);
    }

    [Fact]
    public void ExternalCommit_FromAnExternalSender_IsRefused() =>
        AssertRefused(Forge(FramedContent.OfCommit(_g[0].GroupId, _g[0].Epoch, Sender.External(1), [], new Commit([], null))), ProcessMessageError.InvalidSender);

    [Fact]
    public void SenderIndexOutOfRange_IsAnUnknownSender() => AssertRefused(External(new RemoveProposal(2), index: 2), ProcessMessageError.UnknownSender);

    [Fact]
    public void SignedByAnotherListedSendersKey_IsABadSignature() => AssertRefused(External(new RemoveProposal(2), index: 0), ProcessMessageError.BadSignature);

    [Fact]
    public void ForAnotherEpoch_IsRefused() => AssertRefused(External(new RemoveProposal(2), epoch: _g[0].Epoch + 1), ProcessMessageError.WrongEpoch);

    [Fact]
    public void GroupWithoutExternalSenders_RefusesEveryExternalSender()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var before = g[1].State;
        var proposal = ExternalProposal.FromExternalSender(kit.Suite, g[1].GroupId, g[1].Epoch, 0, new RemoveProposal(0), _ds.PrivateKey);
        Assert.Equal(ProcessMessageError.UnknownSender, Assert.Throws<ProcessMessageException>(() => g[1].Process(Encode(proposal))).Reason);
        Assert.Same(before, g[1].State);
    }

    [Fact]
    public void SenderDroppedByGroupContextExtensions_IsRefusedAfterwards()
    {
        DeliverAndCommit(External(new GroupContextExtensionsProposal([])));
        AssertRefused(External(new RemoveProposal(2)), ProcessMessageError.UnknownSender);
    }

    [Fact]
    public void NewMemberAdd_OfItself_IsCachedAndCommitted()
    {
        var dave = _kit.NewClient("dave");
        var bundle = _kit.KeyPackage(dave);
        var proposal = Encode(ExternalProposal.NewMemberAdd(_g[0].GroupId, _g[0].Epoch, bundle.KeyPackage, dave.Signature.PrivateKey));
        foreach (var g in _g) Assert.Equal(SenderType.NewMemberProposal, Assert.IsType<ProposalReceived>(g.Process(proposal)).Sender.SenderType);
        var commit = _g[0].Commit();
        var joined = MlsGroup.JoinFromWelcome(commit.Welcome!.Welcome!, bundle, dave.Signature, null, null, _kit.Random, _kit.Options);
        _g[0].MergeCommit(commit);
        AssertAgree([_g[0], joined]);
        // Signed by someone else than the KeyPackage's key: refused.
        var forged = ExternalProposal.NewMemberAdd(_g[0].GroupId, _g[0].Epoch, _kit.KeyPackage(_kit.NewClient("eve")).KeyPackage, dave.Signature.PrivateKey);
        var before = _g[0].State;
        Assert.Equal(ProcessMessageError.BadSignature, Assert.Throws<ProcessMessageException>(() => _g[0].Process(Encode(forged))).Reason);
        Assert.Same(before, _g[0].State);
    }
}
