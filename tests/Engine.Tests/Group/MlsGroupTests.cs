using Sim.Engine.Tests.Support;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Tree;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>The group lifecycle, one concept per test: creation, Add via Welcome, Update, Remove, PSK, external join, application data.</summary>
public sealed class MlsGroupTests
{
    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void CreateThenAddTwoMembersViaWelcome_AllAgreeAndExchangeMessages(ushort suite)
    {
        var kit = new GroupTestKit(suite);
        var creator = kit.Create(kit.NewClient("alice"));
        Assert.Equal(0UL, creator.Epoch);
        Assert.Single(creator.Members);
        Assert.Equal(0u, creator.OwnLeafIndex);

        var joined = kit.Add(creator, [], kit.NewClient("bob"), kit.NewClient("carol"));
        var all = new[] { creator, joined[0], joined[1] };
        AssertAgree(all);
        Assert.Equal(1UL, creator.Epoch);
        Assert.Equal(3, creator.Members.Count);
        Assert.Equal(creator.Export("test", "ctx"u8, 32), joined[1].Export("test", "ctx"u8, 32));

        var message = joined[0].EncryptApplication("hello"u8, Bytes("aad"));
        Assert.Equal(WireFormat.PrivateMessage, message.WireFormat);
        foreach (var g in new[] { creator, joined[1] })
        {
            var app = Assert.IsType<ApplicationMessage>(g.Process(Encode(message)));
            Assert.Equal("hello"u8.ToArray(), app.Data);
            Assert.Equal(Bytes("aad"), app.AuthenticatedData);
            Assert.Equal(1u, app.SenderLeaf);
            Assert.Equal(1UL, app.Epoch);
        }
    }

    [Fact]
    public void WelcomeWithoutRatchetTree_JoinerUsesTheGivenTree()
    {
        var kit = new GroupTestKit();
        var alice = kit.Create(kit.NewClient("alice"));
        var bob = kit.NewClient("bob");
        var bundle = kit.KeyPackage(bob);
        var result = alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(bundle.KeyPackage)], RatchetTreeInWelcome = false });
        alice.MergeCommit(result);
        var noTree = Assert.Throws<WelcomeException>(() =>
            MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundle, bob.Signature, null, null, kit.Random, kit.Options));
        Assert.Equal(WelcomeError.InvalidWelcome, noTree.Reason);
        var joined = MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundle, bob.Signature, alice.Tree.ToWire(), null, kit.Random, kit.Options);
        AssertAgree([alice, joined]);
    }

    [Fact]
    public void AddByReference_ProposalFromOneMemberCommittedByAnother()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var carol = kit.NewClient("carol");
        var bundle = kit.KeyPackage(carol);
        var proposal = g[1].ProposeAdd(bundle.KeyPackage, Bytes("staple"));
        var received = Assert.IsType<ProposalReceived>(g[0].Process(proposal));
        Assert.Equal(g[1].LastProposalRef, received.Ref);
        Assert.Equal(Bytes("staple"), received.AuthenticatedData);

        var commit = g[0].Commit();
        var staged = Assert.IsType<StagedCommit>(g[1].Process(commit.Commit));
        Assert.Equal(received.Ref, Assert.Single(staged.Proposals).Ref);
        Assert.Equal([2u], staged.AddedLeaves);
        g[1].Merge(staged);
        g[0].MergeCommit(commit);
        var c = MlsGroup.JoinFromWelcome(commit.Welcome!.Welcome!, bundle, carol.Signature, null, null, kit.Random, kit.Options);
        AssertAgree([g[0], g[1], c]);
    }

    [Fact]
    public void OwnUpdateTaken_LeafKeySwitchesToTheProposalsKey()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(3);
        var update = g[1].ProposeUpdate();
        var reference = g[1].LastProposalRef!;
        g[0].Process(update);
        g[2].Process(update);
        var commit = g[0].Commit();
        var staged = Assert.IsType<StagedCommit>(g[1].Process(commit.Commit));
        Assert.Equal(reference, staged.OwnUpdateTaken);
        g[1].Merge(staged);
        g[2].Merge(Assert.IsType<StagedCommit>(g[2].Process(commit.Commit)));
        g[0].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(g[1].Tree.GetLeaf(1)!.EncryptionKey, kit.Suite.Kem.PublicKeyOf(g[1].State.Private.LeafPrivateKey));
        Assert.Equal(LeafNodeSource.Update, g[1].Tree.GetLeaf(1)!.LeafNodeSource);
    }

    [Fact]
    public void SeveralOwnUpdatesInFlight_OnlyTheTakenOnesKeyIsKept()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(3);
        var first = g[1].ProposeUpdate();
        var firstRef = g[1].LastProposalRef!;
        var second = g[1].ProposeUpdate(authenticatedData: Bytes("2"));
        var secondRef = g[1].LastProposalRef!;
        Assert.Equal(2, g[1].PendingProposals.Count(p => p.Own is not null));
        var owns = g[1].PendingProposals.Select(p => p.Own!).ToList();
        foreach (var m in new[] { first, second }) { g[0].Process(m); g[2].Process(m); }

        var commit = g[0].Commit(new CommitOptions { ProposalRefs = [secondRef] });
        var staged = Assert.IsType<StagedCommit>(g[1].Process(commit.Commit));
        Assert.Equal(secondRef, staged.OwnUpdateTaken);
        Assert.NotEqual(firstRef, staged.OwnUpdateTaken);
        g[1].Merge(staged);
        g[2].Merge(Assert.IsType<StagedCommit>(g[2].Process(commit.Commit)));
        g[0].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(owns[1].LeafNode.EncryptionKey, kit.Suite.Kem.PublicKeyOf(g[1].State.Private.LeafPrivateKey));
        Assert.Empty(g[1].PendingProposals);
        Assert.All(owns, o => Assert.True(o.LeafPrivateKey.IsCleared));
    }

    [Fact]
    public void DefaultCommitPrefersRemoveOverUpdateOfTheSameLeaf()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(3);
        var update = g[2].ProposeUpdate();
        var remove = g[1].ProposeRemove(2);
        g[0].Process(update);
        g[0].Process(remove);
        var commit = g[0].Commit();
        var applied = Assert.Single(commit.Staged.Proposals);
        Assert.IsType<RemoveProposal>(applied.Proposal);
    }

    [Fact]
    public void Remove_RemovedMemberLearnsItAndOthersAgree()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(4);
        var commit = g[1].Commit(new CommitOptions { InlineProposals = [new RemoveProposal(3)] });
        var removed = Assert.IsType<StagedCommit>(g[3].Process(commit.Commit));
        Assert.True(removed.Removed);
        g[3].Merge(removed);
        Assert.True(g[3].IsRemoved);
        Assert.Throws<InvalidOperationException>(() => g[3].EncryptApplication("x"u8));
        foreach (var i in new[] { 0, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g.Take(3));
        Assert.Equal(3, g[0].Members.Count);
        Assert.Equal(2UL, g[0].Epoch);
    }

    [Fact]
    public void ExternalPsk_CommittedByReference_AndMissingPskRejectsWithoutChange()
    {
        var pskId = PreSharedKeyId.External(Bytes("psk-1"), new byte[32]);
        var withPsk = GroupOptions.Default with { ExternalPsks = id => id.PskId is { } p && p.SequenceEqual(Bytes("psk-1")) ? Bytes("secret") : null };
        var kit = new GroupTestKit(options: withPsk);
        var g = kit.Group(3);
        var proposal = g[1].ProposePsk(pskId);
        g[0].Process(proposal);
        g[2].Process(proposal);
        var commit = g[0].Commit();
        Assert.IsType<PreSharedKeyProposal>(Assert.Single(commit.Staged.Proposals).Proposal);

        // Member 2 without the PSK cannot follow: rejected, nothing changed.
        var before = g[2].State;
        var blind = MlsGroup.FromState(before with { Options = GroupOptions.Default }, kit.Random);
        var error = Assert.Throws<ProcessMessageException>(() => blind.Process(commit.Commit));
        Assert.Equal((ProcessMessageError.MissingKey, ValidationRule.ProposalPskAvailable), (error.Reason, error.Rule));

        foreach (var i in new[] { 1, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(commit.Commit)));
        g[0].MergeCommit(commit);
        AssertAgree(g);
    }

    [Fact]
    public void ResumptionPsk_OfAPastEpoch()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var psk = PreSharedKeyId.Resumption(ResumptionPskUsage.Application, g[0].GroupId, 1, new byte[32]);
        var commit0 = g[0].Commit();
        g[1].Merge((StagedCommit)g[1].Process(commit0.Commit));
        g[0].MergeCommit(commit0);
        var commit = g[1].Commit(new CommitOptions { InlineProposals = [new PreSharedKeyProposal(psk)] });
        g[0].Merge(Assert.IsType<StagedCommit>(g[0].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(3UL, g[0].Epoch);
    }

    [Fact]
    public void GroupContextExtensions_AppliedByAll()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(3);
        var ext = new Extension(Extension.ApplicationId, Bytes("app"));
        var proposal = g[2].ProposeGroupContextExtensions([ext]);
        g[0].Process(proposal);
        g[1].Process(proposal);
        var commit = g[1].Commit();
        foreach (var i in new[] { 0, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(ext, Assert.Single(g[0].Context.Extensions));
    }

    [Fact]
    public void CommitterChangesItsCredential_ThroughNewLeafParts()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var leaf = g[1].Tree.GetLeaf(1)!;
        var parts = LeafNodeTemplate.From(leaf) with { Credential = Credential.Basic(Bytes("bob-v2")) };
        var commit = g[1].Commit(new CommitOptions { NewLeaf = parts });
        g[0].Merge(Assert.IsType<StagedCommit>(g[0].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(Bytes("bob-v2"), g[0].Tree.GetLeaf(1)!.Credential.Identity);
    }

    [Fact]
    public void ExternalJoin_AndResync()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var dave = kit.NewClient("dave");
        var (d, commit) = MlsGroup.JoinExternal(g[0].GroupInfo(), null, dave.Signature, dave.Credential, kit.Random.Derive("dave"), kit.Options);
        foreach (var m in g) m.Merge(Assert.IsType<StagedCommit>(m.Process(commit)));
        var all = g.Append(d).ToList();
        AssertAgree(all);
        Assert.Equal(3, d.Members.Count);

        // Dave lost his state: he rejoins, removing his old appearance.
        var (d2, resync) = MlsGroup.JoinExternal(g[1].GroupInfo(), null, dave.Signature, dave.Credential, kit.Random.Derive("dave2"), kit.Options,
            resyncRemove: d.OwnLeafIndex);
        foreach (var m in g) m.Merge(Assert.IsType<StagedCommit>(m.Process(resync)));
        AssertAgree([g[0], g[1], d2]);
        Assert.Equal(3, d2.Members.Count);
        var app = d2.EncryptApplication("back"u8);
        Assert.Equal("back"u8.ToArray(), Assert.IsType<ApplicationMessage>(g[0].Process(app)).Data);
    }

    [Fact]
    public void PrivateMessageHandshakes_WorkEndToEnd()
    {
        var kit = new GroupTestKit(options: GroupOptions.Default with { HandshakeWireFormat = WireFormat.PrivateMessage });
        var g = kit.Group(3);
        var update = g[2].ProposeUpdate();
        Assert.Equal(WireFormat.PrivateMessage, update.WireFormat);
        g[0].Process(update);
        g[1].Process(update);
        var commit = g[1].Commit();
        Assert.Equal(WireFormat.PrivateMessage, commit.Commit.WireFormat);
        foreach (var i in new[] { 0, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g);
    }

    [Fact]
    public void PastEpochApplicationMessages_DecryptWithinRetention_OnceOnly()
    {
        var kit = new GroupTestKit(options: GroupOptions.Default with { PastEpochsRetained = 2 });
        var g = kit.Group(2);
        var late1 = g[1].EncryptApplication("epoch1"u8);            // epoch 1
        Advance(g);
        var late2 = g[1].EncryptApplication("epoch2"u8);            // epoch 2
        Advance(g);
        Advance(g);                                                  // now epoch 4; R = 2 keeps epochs 2 and 3
        Assert.Equal(4UL, g[0].Epoch);

        var app = Assert.IsType<ApplicationMessage>(g[0].Process(late2));
        Assert.Equal(2UL, app.Epoch);
        Assert.Equal("epoch2"u8.ToArray(), app.Data);
        var before = g[0].State;
        Assert.Equal(ProcessMessageError.GenerationReused, Assert.Throws<ProcessMessageException>(() => g[0].Process(late2)).Reason);
        Assert.Same(before, g[0].State);
        Assert.Equal(ProcessMessageError.WrongEpoch, Assert.Throws<ProcessMessageException>(() => g[0].Process(late1)).Reason);
        Assert.Same(before, g[0].State);
    }

    [Fact]
    public void NoRetention_LateApplicationMessageIsWrongEpoch()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var late = g[1].EncryptApplication("x"u8);
        Advance(g);
        Assert.Equal(ProcessMessageError.WrongEpoch, Assert.Throws<ProcessMessageException>(() => g[0].Process(late)).Reason);
    }

    [Fact]
    public void OwnCommitIsNotMergedUntilAsked()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var commit = g[0].Commit();
        Assert.Equal(1UL, g[0].Epoch);
        var app = g[0].EncryptApplication("still epoch 1"u8);
        Assert.IsType<ApplicationMessage>(g[1].Process(app));
        g[0].MergeCommit(commit);
        Assert.Equal(2UL, g[0].Epoch);
        Assert.Throws<InvalidOperationException>(() => g[0].MergeCommit(commit));
    }

    /// <summary>An empty Commit by member 0 that every member merges.</summary>
    internal static void Advance(IReadOnlyList<MlsGroup> g)
    {
        var commit = g[0].Commit();
        foreach (var m in g.Skip(1)) m.Merge(Assert.IsType<StagedCommit>(m.Process(commit.Commit)));
        g[0].MergeCommit(commit);
    }
}
