using System.Text;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// RFC 9420 §11.2 reinitialisation, §11.3 subgroup branching and the resumption-PSK rules of
/// §12.4.3.1 for them: round trips in which every message crosses as bytes between members that
/// each hold their own engine state (the old group saved and loaded before the join), then one test
/// per rule, each with a Welcome (or Commit) that breaks exactly that rule.
/// </summary>
public sealed class ReInitAndBranchTests
{
    /// <summary>A 3-member group in which member 1 proposes a ReInit (to <paramref name="newSuite"/>) and member 0 commits it.</summary>
    private static (GroupTestKit Kit, List<MlsGroup> G, ReInitProposal ReInit) Reinitialised(ushort suite, ushort newSuite, byte[]? newGroupId = null)
    {
        var kit = new GroupTestKit(suite);
        var g = kit.Group(3);
        var extensions = new List<Extension> { new(Extension.ApplicationId, Bytes("app")) };
        var proposal = g[1].ProposeReInit(newGroupId ?? Bytes("reinitialised"), CipherSuite.Get(newSuite), extensions);
        foreach (var i in new[] { 0, 2 }) Assert.IsType<ProposalReceived>(g[i].Process(Encode(proposal)));
        var commit = g[0].Commit();
        foreach (var i in new[] { 1, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(Encode(commit.Commit))));
        g[0].MergeCommit(commit);
        AssertAgree(g);
        return (kit, g, Assert.IsType<ReInitProposal>(g[0].PendingReInit));
    }

    private static (KeyPair Key, KeyPackageBundle Bundle) FreshKeyPackage(GroupTestKit kit, MlsGroup member, ushort suite)
    {
        var cs = CipherSuite.Get(suite);
        var key = cs.Signature.GenerateKeyPair(kit.Random);
        var credential = member.Members[member.OwnLeafIndex].Credential;
        return (key, KeyPackageBundle.Create(cs, key, credential, new Lifetime(0, ulong.MaxValue), kit.Random));
    }

    private static MlsGroup Reload(GroupTestKit kit, MlsGroup g) => MlsGroup.Load(g.Save(), kit.Random.Derive("reloaded"), kit.Options);

    private static Welcome WelcomeOf(byte[] bytes) => Assert.IsType<Welcome>(Tls.Deserialize<MlsMessage>(bytes).Welcome);

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void ReInit_ToAnotherSuite_AnotherMemberRecreatesTheGroup_AllJoinInEpochOne(ushort suite)
    {
        ushort newSuite = (ushort)(suite % 7 + 1);
        var (kit, g, reinit) = Reinitialised(suite, newSuite);
        // §11.2: the committed ReInit shuts the old group down.
        Assert.Throws<InvalidOperationException>(() => g[2].EncryptApplication("late"u8));
        Assert.Throws<InvalidOperationException>(() => g[2].Commit());

        // Step 3 by member 2, who neither proposed nor committed the ReInit.
        var fresh = new[] { 0, 1 }.Select(i => FreshKeyPackage(kit, g[i], newSuite)).ToList();
        var (ownKey, _) = FreshKeyPackage(kit, g[2], newSuite);
        var resumed = g[2].ReInit(fresh.Select(f => f.Bundle.KeyPackage).ToList(), ownKey);
        var welcome = Encode(resumed.Welcome);
        var created = resumed.Group;
        Assert.Equal(1UL, created.Epoch);
        Assert.Equal(reinit.GroupId, created.GroupId);
        Assert.Equal(newSuite, created.Suite.Id);
        Assert.Equal(reinit.Extensions.Select(Tls.Serialize), created.Context.Extensions.Select(Tls.Serialize));

        var joined = new[] { 0, 1 }.Select(i => MlsGroup.JoinReInit(WelcomeOf(welcome), fresh[i].Bundle, fresh[i].Key, Reload(kit, g[i]), null,
            kit.Random.Derive("joiner" + i))).ToList();
        var all = joined.Append(created).ToList();
        AssertAgree(all);
        Assert.Equal(3, created.Members.Count);
        var hello = Encode(joined[0].EncryptApplication("in the new group"u8));
        foreach (var other in new[] { joined[1], created })
            Assert.Equal("in the new group"u8.ToArray(), Assert.IsType<ApplicationMessage>(other.Process(hello)).Data);
        // The old group's epoch secrets are not the new group's.
        Assert.NotEqual(g[0].Export("x", [], 32), created.Export("x", [], 32));
    }

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void Branch_TwoOfThreeMembers_SubgroupInEpochOneAndTheThirdIsNotInIt(ushort suite)
    {
        var kit = new GroupTestKit(suite);
        var g = kit.Group(3);
        var bob = FreshKeyPackage(kit, g[1], suite);
        var branched = g[0].Branch(Bytes("subgroup"), [bob.Bundle.KeyPackage]);
        Assert.Equal(1UL, branched.Group.Epoch);
        Assert.Equal(suite, branched.Group.Suite.Id);
        var welcome = Encode(branched.Welcome);
        var joined = MlsGroup.JoinBranch(WelcomeOf(welcome), bob.Bundle, bob.Key, Reload(kit, g[1]), null, kit.Random);
        AssertAgree([branched.Group, joined]);
        Assert.Equal(2, joined.Members.Count);
        var reply = Encode(joined.EncryptApplication("just us"u8));
        Assert.Equal("just us"u8.ToArray(), Assert.IsType<ApplicationMessage>(branched.Group.Process(reply)).Data);
        // The original group goes on: a branch does not shut it down.
        var commit = g[1].Commit();
        foreach (var i in new[] { 0, 2 }) g[i].Merge(Assert.IsType<StagedCommit>(g[i].Process(Encode(commit.Commit))));
        g[1].MergeCommit(commit);
        AssertAgree(g);
        var carol = FreshKeyPackage(kit, g[2], suite);
        var notForCarol = Assert.Throws<WelcomeException>(() => MlsGroup.JoinBranch(WelcomeOf(welcome), carol.Bundle, carol.Key, g[2], null, kit.Random));
        Assert.Equal(WelcomeError.NotForUs, notForCarol.Reason);
    }

    [Fact]
    public void Branch_PskNonceIsFreshAndNhBytes_AndNamesTheOriginalGroupsCurrentEpoch()
    {
        var kit = new GroupTestKit(3);
        var g = kit.Group(2);
        var bob = FreshKeyPackage(kit, g[1], 3);
        var ids = new List<PreSharedKeyId>();
        for (int i = 0; i < 2; i++)
        {
            var welcome = Assert.IsType<Welcome>(g[0].Branch(Bytes("sub" + i), [bob.Bundle.KeyPackage]).Welcome.Welcome);
            using var opened = WelcomeProtection.Open(welcome, bob.Bundle, id => { ids.Add(id); return g[1].State.ResolvePsk(id); });
        }
        Assert.All(ids, id => Assert.Equal((PskType.Resumption, ResumptionPskUsage.Branch, g[0].Epoch), (id.PskType, id.Usage!.Value, id.PskEpoch!.Value)));
        Assert.All(ids, id => Assert.Equal(kit.Suite.HashLength, id.PskNonce.Length));
        Assert.NotEqual(ids[0].PskNonce, ids[1].PskNonce);
    }

    // ---------------------------------------------------------------- the creator's side

    [Fact]
    public void ReInit_WithoutACommittedReInit_IsAMisuse()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        Assert.Throws<InvalidOperationException>(() => g[0].ReInit([FreshKeyPackage(kit, g[1], 1).Bundle.KeyPackage]));
    }

    [Fact]
    public void ReInit_WithoutEveryMember_IsRefusedByTheCreator()
    {
        var (kit, g, _) = Reinitialised(1, 1);
        var error = Assert.Throws<ArgumentException>(() => g[0].ReInit([FreshKeyPackage(kit, g[1], 1).Bundle.KeyPackage]));
        Assert.Contains("not the same members", error.Message);
    }

    [Fact]
    public void ReInit_ToAnotherSuiteWithoutANewSignatureKey_IsAMisuse()
    {
        var (kit, g, _) = Reinitialised(1, 3);
        Assert.Throws<ArgumentException>(() => g[0].ReInit([FreshKeyPackage(kit, g[1], 3).Bundle.KeyPackage, FreshKeyPackage(kit, g[2], 3).Bundle.KeyPackage]));
    }

    [Fact]
    public void Branch_WithAStranger_IsRefusedByTheCreator()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var stranger = kit.KeyPackage(kit.NewClient("mallory"));
        Assert.Throws<ArgumentException>(() => g[0].Branch(Bytes("sub"), [stranger.KeyPackage]));
    }

    // ---------------------------------------------------------------- the joiner's side: one broken rule per Welcome

    /// <summary>
    /// A resumed group built by hand from <paramref name="creator"/>'s old state, breaking what the
    /// arguments say: the new group's suite, group_id, extensions, the PSK it injects, extra epochs
    /// before the Welcome, and the members (KeyPackages) it adds.
    /// </summary>
    private static Welcome Craft(GroupTestKit kit, MlsGroup creator, ushort suite, byte[] groupId, IReadOnlyList<Extension> extensions,
        PreSharedKeyId id, IReadOnlyList<KeyPackage> members, int extraEpochs = 0)
    {
        var cs = CipherSuite.Get(suite);
        var key = cs.Id == creator.Suite.Id ? new KeyPair(creator.State.SignaturePrivateKey.ToArray(), creator.Members[creator.OwnLeafIndex].SignatureKey)
            : cs.Signature.GenerateKeyPair(kit.Random);
        var state = GroupJoiner.Create(cs, groupId, key, creator.Members[creator.OwnLeafIndex].Credential, kit.Random, kit.Options, null, null, extensions);
        for (int i = 0; i < extraEpochs; i++)
            state = GroupSender.Commit(state, new CommitOptions { ForcePath = true }, kit.Random).Result.Staged.NewState;
        var psk = new Secret(creator.State.ResolvePsk(id with { PskGroupId = creator.GroupId }) ?? new byte[cs.HashLength]);
        var commit = new CommitOptions { InlineProposals = members.Select(k => (Proposal)new AddProposal(k)).ToList() };
        return GroupSender.Commit(state, commit, kit.Random, new ResumptionPsk(id, psk)).Result.Welcome!.Welcome!;
    }

    private static PreSharedKeyId Psk(MlsGroup old, ResumptionPskUsage usage, ulong? epoch = null, byte[]? groupId = null) =>
        PreSharedKeyId.Resumption(usage, groupId ?? old.GroupId, epoch ?? old.Epoch, new byte[old.Suite.HashLength]);

    /// <summary>Member 1's join of <paramref name="welcome"/> is refused with InvalidWelcome, and its old group is unchanged.</summary>
    private static void AssertJoinRefused(Func<MlsGroup> join, MlsGroup old, string reason)
    {
        var before = old.State;
        var error = Assert.Throws<WelcomeException>(join);
        Assert.Equal(WelcomeError.InvalidWelcome, error.Reason);
        Assert.True(error.Message.Contains(reason), error.Message);
        Assert.Same(before, old.State);
    }

    /// <summary>The ReInit group as its committed ReInit asks, for members 1 and 2 with fresh KeyPackages, breaking one thing.</summary>
    private static void AssertReInitWelcomeRefused(string reason,
        Func<ReInitProposal, MlsGroup, (ushort Suite, byte[] GroupId, IReadOnlyList<Extension> Ext, PreSharedKeyId Id, int Extra)> change,
        bool dropMember2 = false)
    {
        var (kit, g, reinit) = Reinitialised(1, 1);
        var (suite, groupId, ext, id, extra) = change(reinit, g[0]);
        var bob = FreshKeyPackage(kit, g[1], suite);
        var carol = FreshKeyPackage(kit, g[2], suite);
        var members = dropMember2 ? [bob.Bundle.KeyPackage] : new List<KeyPackage> { bob.Bundle.KeyPackage, carol.Bundle.KeyPackage };
        var welcome = Craft(kit, g[0], suite, groupId, ext, id, members, extra);
        AssertJoinRefused(() => MlsGroup.JoinReInit(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random), g[1], reason);
    }

    [Fact]
    public void ReInitWelcome_ThatIsValid_IsAccepted()
    {
        var (kit, g, reinit) = Reinitialised(1, 1);
        var bob = FreshKeyPackage(kit, g[1], 1);
        var carol = FreshKeyPackage(kit, g[2], 1);
        var welcome = Craft(kit, g[0], 1, reinit.GroupId, reinit.Extensions, Psk(g[0], ResumptionPskUsage.ReInit), [bob.Bundle.KeyPackage, carol.Bundle.KeyPackage]);
        Assert.Equal(1UL, MlsGroup.JoinReInit(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random).Epoch);
    }

    [Fact]
    public void ReInitWelcome_WithABranchPsk_IsRefused() =>
        AssertReInitWelcomeRefused("usage ReInit", (r, old) => (1, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.Branch), 0));

    [Fact]
    public void ReInitWelcome_WithAPskOfAnEarlierEpoch_IsRefused() =>
        AssertReInitWelcomeRefused("committed a ReInit", (r, old) => (1, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.ReInit, old.Epoch - 1), 0));

    [Fact]
    public void ReInitWelcome_WithAPskOfAnotherGroup_IsRefused() =>
        AssertReInitWelcomeRefused("another group", (r, old) => (1, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.ReInit, groupId: Bytes("other")), 0));

    [Fact]
    public void ReInitWelcome_WithAnotherGroupId_IsRefused() =>
        AssertReInitWelcomeRefused("differ from the ReInit", (r, old) => (1, Bytes("not-asked"), r.Extensions, Psk(old, ResumptionPskUsage.ReInit), 0));

    [Fact]
    public void ReInitWelcome_WithAnotherSuite_IsRefused() =>
        AssertReInitWelcomeRefused("differ from the ReInit", (r, old) => (3, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.ReInit), 0));

    [Fact]
    public void ReInitWelcome_WithOtherExtensions_IsRefused() =>
        AssertReInitWelcomeRefused("differ from the ReInit", (r, old) => (1, r.GroupId, [], Psk(old, ResumptionPskUsage.ReInit), 0));

    [Fact]
    public void ReInitWelcome_ForEpochTwo_IsRefused() =>
        AssertReInitWelcomeRefused("not 1", (r, old) => (1, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.ReInit), 1));

    [Fact]
    public void ReInitWelcome_WithoutEveryMember_IsRefused() =>
        AssertReInitWelcomeRefused("not the same members", (r, old) => (1, r.GroupId, r.Extensions, Psk(old, ResumptionPskUsage.ReInit), 0), dropMember2: true);

    [Fact]
    public void ReInitWelcome_JoinedAsAPlainWelcome_IsRefused()
    {
        var (kit, g, _) = Reinitialised(1, 1);
        var bob = FreshKeyPackage(kit, g[1], 1);
        var resumed = g[0].ReInit([bob.Bundle.KeyPackage, FreshKeyPackage(kit, g[2], 1).Bundle.KeyPackage]);
        // §11.2: "Resumption PSKs with usage reinit MUST NOT be used in other contexts."
        AssertJoinRefused(() => MlsGroup.JoinFromWelcome(resumed.Welcome.Welcome!, bob.Bundle, bob.Key, null, _ => new byte[32], kit.Random), g[1],
            "resumes another group");
        AssertJoinRefused(() => MlsGroup.JoinBranch(resumed.Welcome.Welcome!, bob.Bundle, bob.Key, g[1], null, kit.Random), g[1], "usage Branch");
    }

    [Fact]
    public void BranchWelcome_FromAnotherSuite_IsRefused()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var bob = FreshKeyPackage(kit, g[1], 3);
        var welcome = Craft(kit, g[0], 3, Bytes("sub"), [], Psk(g[0], ResumptionPskUsage.Branch), [bob.Bundle.KeyPackage]);
        AssertJoinRefused(() => MlsGroup.JoinBranch(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random), g[1], "keeps the version and cipher suite");
    }

    [Fact]
    public void BranchWelcome_WithAStranger_IsRefused()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var bob = FreshKeyPackage(kit, g[1], 1);
        var stranger = kit.KeyPackage(kit.NewClient("mallory"));
        var welcome = Craft(kit, g[0], 1, Bytes("sub"), [], Psk(g[0], ResumptionPskUsage.Branch), [bob.Bundle.KeyPackage, stranger.KeyPackage]);
        AssertJoinRefused(() => MlsGroup.JoinBranch(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random), g[1], "matches no remaining member");
    }

    [Fact]
    public void BranchWelcome_ForEpochTwo_IsRefused()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var bob = FreshKeyPackage(kit, g[1], 1);
        var welcome = Craft(kit, g[0], 1, Bytes("sub"), [], Psk(g[0], ResumptionPskUsage.Branch), [bob.Bundle.KeyPackage], extraEpochs: 1);
        AssertJoinRefused(() => MlsGroup.JoinBranch(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random), g[1], "not 1");
    }

    [Fact]
    public void BranchWelcome_OfAnEpochNoLongerRetained_IsMissingItsPsk()
    {
        var kit = new GroupTestKit(options: GroupOptions.Default with { ResumptionPsksRetained = 1 });
        var g = kit.Group(2);
        var bob = FreshKeyPackage(kit, g[1], 1);
        var welcome = Craft(kit, g[0], 1, Bytes("sub"), [], Psk(g[0], ResumptionPskUsage.Branch), [bob.Bundle.KeyPackage]);
        var commit = g[0].Commit();
        g[1].Merge(Assert.IsType<StagedCommit>(g[1].Process(Encode(commit.Commit))));
        var error = Assert.Throws<WelcomeException>(() => MlsGroup.JoinBranch(welcome, bob.Bundle, bob.Key, g[1], null, kit.Random));
        Assert.Equal(WelcomeError.MissingPsk, error.Reason);
    }

    [Fact]
    public void WelcomePsks_TwoOfUsageReInitOrBranch_AreRefused()
    {
        // §12.4.3.1 "verify that it is the only such PSK", whatever the second one's usage.
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var from = new ResumedFrom(ResumptionPskUsage.Branch, g[1].State);
        var error = Assert.Throws<MlsProtocolException>(() => GroupResumption.CheckWelcomePsks(
            [Psk(g[1], ResumptionPskUsage.Branch), Psk(g[1], ResumptionPskUsage.ReInit)], from));
        Assert.Equal(MlsError.InvalidWelcome, error.Error);
        GroupResumption.CheckWelcomePsks([Psk(g[1], ResumptionPskUsage.Branch), Psk(g[1], ResumptionPskUsage.Application)], from);
    }

    // ---------------------------------------------------------------- resumption PSKs in ordinary Commits, and the old group

    [Theory]
    [InlineData(ResumptionPskUsage.ReInit)]
    [InlineData(ResumptionPskUsage.Branch)]
    public void PreSharedKeyProposal_OfUsageReInitOrBranch_IsInvalidInACommit(ResumptionPskUsage usage)
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var before = g[1].State;
        var commit = ForgeCommit(g[0].State, [ProposalOrRef.Inline(new PreSharedKeyProposal(Psk(g[0], usage)))]);
        var error = Assert.Throws<ProcessMessageException>(() => g[1].Process(Encode(commit)));
        Assert.Equal((ProcessMessageError.InvalidProposal, ValidationRule.ProposalPskUsage), (error.Reason, error.Rule));
        Assert.Same(before, g[1].State);
    }

    [Fact]
    public void ReinitialisedGroup_RefusesProposalsAndCommits_ButReadsLateApplicationData()
    {
        var kit = new GroupTestKit(options: GroupOptions.Default with { PastEpochsRetained = 1 });
        var g = kit.Group(3);
        var late = Encode(g[2].EncryptApplication("late"u8));
        var proposal = g[1].ProposeReInit(Bytes("next"), kit.Suite);
        Assert.IsType<ProposalReceived>(g[0].Process(Encode(proposal)));
        var commit = g[0].Commit();
        g[1].Merge(Assert.IsType<StagedCommit>(g[1].Process(Encode(commit.Commit))));
        g[0].MergeCommit(commit);
        Assert.NotNull(g[1].PendingReInit);
        var before = g[1].State;
        // A Commit the old group would have taken before the ReInit (made by lifting the committer's own shutdown).
        var afterReInit = GroupSender.Commit(g[0].State with { PendingReInit = null }, CommitOptions.Default with { ForcePath = true }, kit.Random).Result.Commit;
        Assert.Equal(ProcessMessageError.WrongEpoch, Assert.Throws<ProcessMessageException>(() => g[1].Process(Encode(afterReInit))).Reason);
        var update = GroupSender.Propose(g[0].State with { PendingReInit = null }, new RemoveProposal(2), [], kit.Random).Message;
        Assert.Equal(ProcessMessageError.WrongEpoch, Assert.Throws<ProcessMessageException>(() => g[1].Process(Encode(update))).Reason);
        Assert.Same(before, g[1].State);
        Assert.Equal("late"u8.ToArray(), Assert.IsType<ApplicationMessage>(g[1].Process(late)).Data);
    }

    [Fact]
    public void ReInitToAnOlderVersion_IsInvalid()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var commit = ForgeCommit(g[0].State, [ProposalOrRef.Inline(new ReInitProposal(Bytes("next"), 0, 1, []))]);
        var error = Assert.Throws<ProcessMessageException>(() => g[1].Process(Encode(commit)));
        Assert.Equal((ProcessMessageError.InvalidProposal, ValidationRule.ProposalReInitVersion), (error.Reason, error.Rule));
    }
}
