using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// RFC 9420 §12.2 and §12.4.2 rejections: each forged or tampered Commit is refused with its reason,
/// the receiver's state is the very same value afterwards (epoch, epoch authenticator and tree hash
/// unchanged), and a later valid Commit still processes.
/// </summary>
public sealed class CommitValidationTests
{
    private readonly GroupTestKit _kit = new();
    private readonly List<MlsGroup> _g;

    public CommitValidationTests() => _g = _kit.Group(4);

    /// <summary>Member 1 sends <paramref name="commit"/> to member 0, which must reject it with <paramref name="expected"/>
    /// (by <paramref name="rule"/>, when given) and stay unchanged.</summary>
    private void AssertRejected(MlsMessage commit, ProcessMessageError expected, ValidationRule? rule = null)
    {
        var receiver = _g[0];
        var before = receiver.State;
        var (epoch, auth, hash) = (receiver.Epoch, receiver.EpochAuthenticator, receiver.TreeHash);
        var error = Assert.Throws<ProcessMessageException>(() => receiver.Process(Encode(commit)));
        Assert.Equal(expected, error.Reason);
        if (rule is not null) Assert.Equal(rule, error.Rule);
        Assert.Same(before, receiver.State);
        Assert.Equal(epoch, receiver.Epoch);
        Assert.Equal(auth, receiver.EpochAuthenticator);
        Assert.Equal(hash, receiver.TreeHash);

        // A valid Commit still processes afterwards.
        var valid = _g[1].Commit();
        foreach (var i in new[] { 0, 2, 3 }) _g[i].Merge(Assert.IsType<StagedCommit>(_g[i].Process(valid.Commit)));
        _g[1].MergeCommit(valid);
        AssertAgree(_g);
    }

    private static ProposalOrRef Inline(Proposal p) => ProposalOrRef.Inline(p);
    private GroupState Committer => _g[1].State;

    [Fact]
    public void UpdateByTheCommitter()
    {
        var (update, _) = GroupSender.MakeUpdate(Committer, null, _kit.Random);
        AssertRejected(ForgeCommit(Committer, [Inline(update)]), ProcessMessageError.InvalidProposal, ValidationRule.ProposalListCommitterUpdate);
    }

    [Fact]
    public void RemoveOfTheCommitter() =>
        AssertRejected(ForgeCommit(Committer, [Inline(new RemoveProposal(1))]), ProcessMessageError.InvalidProposal, ValidationRule.ProposalListCommitterRemove);

    [Fact]
    public void TwoRemovesOfOneLeaf() =>
        AssertRejected(ForgeCommit(Committer, [Inline(new RemoveProposal(2)), Inline(new RemoveProposal(2))]), ProcessMessageError.InvalidProposal,
            ValidationRule.ProposalListOneChangePerLeaf);

    [Fact]
    public void UpdateAndRemoveOfOneLeaf()
    {
        var update = _g[2].ProposeUpdate();
        var updateRef = _g[2].LastProposalRef!;
        _g[0].Process(update);
        _g[1].Process(update);
        _g[3].Process(update);
        AssertRejected(ForgeCommit(Committer, [ProposalOrRef.ByReference(updateRef), Inline(new RemoveProposal(2))]), ProcessMessageError.InvalidProposal,
            ValidationRule.ProposalListOneChangePerLeaf);
    }

    [Fact]
    public void TwoAddsOfOneClient()
    {
        var erin = _kit.NewClient("erin");
        var kp1 = _kit.KeyPackage(erin).KeyPackage;
        var kp2 = _kit.KeyPackage(erin).KeyPackage;
        AssertRejected(ForgeCommit(Committer, [Inline(new AddProposal(kp1)), Inline(new AddProposal(kp2))]), ProcessMessageError.InvalidProposal,
            ValidationRule.ProposalListAddsDistinct);
    }

    [Fact]
    public void AddOfAClientAlreadyInTheGroup()
    {
        var existing = _g[2].Tree.GetLeaf(2)!;
        var again = KeyPackageBundle.Create(_kit.Suite, new Sim.Engine.Crypto.KeyPair(_g[2].State.SignaturePrivateKey.ToArray(), existing.SignatureKey),
            existing.Credential, new Lifetime(0, ulong.MaxValue), _kit.Random);
        AssertRejected(ForgeCommit(Committer, [Inline(new AddProposal(again.KeyPackage))]), ProcessMessageError.InvalidProposal, ValidationRule.ProposalListAddOfMember);
    }

    [Fact]
    public void TwoGroupContextExtensions() =>
        AssertRejected(ForgeCommit(Committer, [Inline(new GroupContextExtensionsProposal([])), Inline(new GroupContextExtensionsProposal([]))]),
            ProcessMessageError.InvalidProposal, ValidationRule.ProposalListOneGroupContextExtensions);

    [Fact]
    public void ReInitWithOtherProposals() =>
        AssertRejected(ForgeCommit(Committer, [Inline(new ReInitProposal(Bytes("new"), 1, 1, [])), Inline(new RemoveProposal(3))]),
            ProcessMessageError.InvalidProposal, ValidationRule.ProposalListReInitAlone);

    [Fact]
    public void ExternalInitInARegularCommit() =>
        AssertRejected(ForgeCommit(Committer, [Inline(new ExternalInitProposal(new byte[32]))]), ProcessMessageError.InvalidProposal,
            ValidationRule.ProposalExternalInitUse);

    [Fact]
    public void MissingPathWhenRequired()
    {
        AssertRejected(ForgeCommit(Committer, [Inline(new RemoveProposal(3))]), ProcessMessageError.InvalidProposal, ValidationRule.CommitPathRequired);
        AssertRejected(ForgeCommit(Committer, []), ProcessMessageError.InvalidProposal, ValidationRule.CommitPathRequired);
    }

    [Fact]
    public void UnknownProposalReference() =>
        AssertRejected(ForgeCommit(Committer, [ProposalOrRef.ByReference(new byte[32])]), ProcessMessageError.InvalidProposal, ValidationRule.CommitProposalRefs);

    [Fact]
    public void BadConfirmationTag()
    {
        var commit = _g[1].Commit();
        var tampered = Retag(_g[1].State, commit.Commit, tag => { var t = tag.ToArray(); t[0] ^= 1; return t; });
        AssertRejected(tampered, ProcessMessageError.BadConfirmationTag);
    }

    [Fact]
    public void BadMembershipTag()
    {
        var commit = _g[1].Commit().Commit;
        var pm = commit.PublicMessage!;
        var tag = pm.MembershipTag!.ToArray();
        tag[^1] ^= 1;
        AssertRejected(MlsMessage.From(pm with { MembershipTag = tag }), ProcessMessageError.BadMembershipTag);
    }

    [Fact]
    public void CommitOfAnotherEpoch()
    {
        var valid = _g[1].Commit();
        foreach (var i in new[] { 0, 2, 3 }) _g[i].Merge(Assert.IsType<StagedCommit>(_g[i].Process(valid.Commit)));
        _g[1].MergeCommit(valid);
        AssertRejected(valid.Commit, ProcessMessageError.WrongEpoch);   // a replay of the Commit that is already merged
    }

    [Fact]
    public void CommitFromAnotherGroup()
    {
        var other = new GroupTestKit(seed: 99).Group(2);
        var commit = other[1].Commit().Commit;
        var pm = commit.PublicMessage!;
        AssertRejected(MlsMessage.From(pm with { Content = pm.Content with { GroupId = Bytes("elsewhere") } }), ProcessMessageError.WrongGroup);
    }

    [Fact]
    public void TamperedUpdatePathCiphertext()
    {
        var commit = _g[1].Commit(new CommitOptions { ForcePath = true }).Commit;
        var pm = commit.PublicMessage!;
        var path = pm.Content.Commit!.Path!;
        var nodes = path.Nodes.Select(n => n with
        {
            EncryptedPathSecret = n.EncryptedPathSecret.Select(c => c with { Ciphertext = Flip(c.Ciphertext) }).ToList(),
        }).ToList();
        var forged = ForgeCommit(Committer, [], path with { Nodes = nodes });
        AssertRejected(forged, ProcessMessageError.DecryptionFailed);
    }

    [Fact]
    public void ProposalReplayIsRejectedWithoutChange()
    {
        var update = _g[2].ProposeUpdate();
        _g[0].Process(update);
        var before = _g[0].State;
        var replay = Assert.Throws<ProcessMessageException>(() => _g[0].Process(update));
        Assert.Equal((ProcessMessageError.InvalidProposal, ValidationRule.ProposalNotReplayed), (replay.Reason, replay.Rule));
        Assert.Same(before, _g[0].State);
    }

    [Fact]
    public void UnknownSenderLeaf()
    {
        var commit = _g[1].Commit().Commit;
        var pm = commit.PublicMessage!;
        // Membership-tagged correctly, so the failure is the unknown signer, not the MAC.
        using var protection = MessageProtection.ForEpoch(Committer.Context, Committer.Secrets);
        var forged = pm.ToAuthenticatedContent() with { Content = pm.Content with { Sender = Sender.Member(9) } };
        AssertRejected(MlsMessage.From(protection.ProtectPublic(forged)), ProcessMessageError.UnknownSender);
    }

    private static byte[] Flip(byte[] b)
    {
        var c = b.ToArray();
        c[0] ^= 0x80;
        return c;
    }
}
