using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// Each §6.1, §12.1 and §12.2 rule about a proposal list, judged by <c>ProposalList.ListRuleViolation</c>
/// (the one function the committer and every member use): a list that breaks exactly that rule names
/// it, with its reason, and the same list without the breach passes. (Forged Commits carrying such
/// lists are refused end to end with the same rule in <see cref="CommitValidationTests"/>.)
/// </summary>
public sealed class ProposalListRuleTests
{
    private readonly GroupTestKit _kit = new();
    private readonly List<MlsGroup> _g;

    public ProposalListRuleTests() => _g = _kit.Group(4);

    private GroupState State => _g[0].State;
    private static readonly Sender Committer = Sender.Member(1);

    private static ResolvedProposal By(Proposal p, Sender sender) => new(p, null, sender);
    private static ResolvedProposal Inline(Proposal p) => By(p, Committer);

    private RuleBreach? Judge(Sender committer, params ResolvedProposal[] list) =>
        ProposalList.ListRuleViolation(State, list, committer, null, out _);

    private void AssertBreach(ValidationRule rule, MlsError error, Sender committer, params ResolvedProposal[] list)
    {
        var breach = Judge(committer, list);
        Assert.NotNull(breach);
        Assert.Equal((rule, error), (breach.Rule, breach.Error));
        Assert.Contains($"[{rule} {rule.Section()}]", breach.ToException().Message);
    }

    private PreSharedKeyId AvailablePsk(byte nonce = 0) =>
        PreSharedKeyId.Resumption(ResumptionPskUsage.Application, State.GroupId, State.Epoch, Enumerable.Repeat(nonce, State.Suite.HashLength).ToArray());

    private KeyPackage NewKeyPackage(string name) => _kit.KeyPackage(_kit.NewClient(name)).KeyPackage;

    private UpdateProposal UpdateOf(int member) => GroupSender.MakeUpdate(_g[member].State, null, _kit.Random).Proposal;

    [Fact]
    public void AListBreakingNothing_Passes()
    {
        Assert.Null(Judge(Committer, Inline(new RemoveProposal(2)), By(UpdateOf(3), Sender.Member(3)), Inline(new AddProposal(NewKeyPackage("erin"))),
            Inline(new PreSharedKeyProposal(AvailablePsk())), Inline(new GroupContextExtensionsProposal([]))));
        Assert.Null(Judge(Sender.NewMemberCommit(), Inline(new ExternalInitProposal(new byte[32])), Inline(new RemoveProposal(2)),
            Inline(new PreSharedKeyProposal(AvailablePsk()))));
        Assert.Null(Judge(Committer, Inline(new ReInitProposal(Bytes("next"), 1, 1, []))));
    }

    [Fact]
    public void CommitSender() =>
        AssertBreach(ValidationRule.CommitSender, MlsError.InvalidSender, Sender.External(0), Inline(new RemoveProposal(2)));

    [Fact]
    public void ProposalUpdateSender()
    {
        AssertBreach(ValidationRule.ProposalUpdateSender, MlsError.InvalidProposalList, Committer, By(UpdateOf(2), Sender.External(0)));
        AssertBreach(ValidationRule.ProposalUpdateSender, MlsError.InvalidProposalList, Committer, By(UpdateOf(2), Sender.Member(7)));
    }

    [Fact]
    public void ProposalRemoveTarget() =>
        AssertBreach(ValidationRule.ProposalRemoveTarget, MlsError.InvalidProposalList, Committer, Inline(new RemoveProposal(9)));

    [Fact]
    public void ProposalPskNonce() =>
        AssertBreach(ValidationRule.ProposalPskNonce, MlsError.InvalidProposalList, Committer,
            Inline(new PreSharedKeyProposal(AvailablePsk() with { PskNonce = new byte[3] })));

    [Theory]
    [InlineData(ResumptionPskUsage.ReInit)]
    [InlineData(ResumptionPskUsage.Branch)]
    public void ProposalPskUsage(ResumptionPskUsage usage) =>
        AssertBreach(ValidationRule.ProposalPskUsage, MlsError.InvalidProposalList, Committer,
            Inline(new PreSharedKeyProposal(AvailablePsk() with { Usage = usage })));

    [Fact]
    public void ProposalPskAvailable() =>
        AssertBreach(ValidationRule.ProposalPskAvailable, MlsError.MissingKey, Committer,
            Inline(new PreSharedKeyProposal(PreSharedKeyId.External(Bytes("nobody has this"), new byte[State.Suite.HashLength]))));

    [Fact]
    public void ProposalReInitVersion() =>
        AssertBreach(ValidationRule.ProposalReInitVersion, MlsError.InvalidProposalList, Committer, Inline(new ReInitProposal(Bytes("next"), 0, 1, [])));

    [Fact]
    public void ProposalExternalInitUse() =>
        AssertBreach(ValidationRule.ProposalExternalInitUse, MlsError.InvalidProposalList, Committer, Inline(new ExternalInitProposal(new byte[32])));

    [Fact]
    public void ProposalListCommitterUpdate() =>
        AssertBreach(ValidationRule.ProposalListCommitterUpdate, MlsError.InvalidProposalList, Committer, By(UpdateOf(1), Committer));

    [Fact]
    public void ProposalListCommitterRemove() =>
        AssertBreach(ValidationRule.ProposalListCommitterRemove, MlsError.InvalidProposalList, Committer, Inline(new RemoveProposal(1)));

    [Fact]
    public void ProposalListOneChangePerLeaf()
    {
        AssertBreach(ValidationRule.ProposalListOneChangePerLeaf, MlsError.InvalidProposalList, Committer,
            Inline(new RemoveProposal(2)), Inline(new RemoveProposal(2)));
        AssertBreach(ValidationRule.ProposalListOneChangePerLeaf, MlsError.InvalidProposalList, Committer,
            By(UpdateOf(2), Sender.Member(2)), Inline(new RemoveProposal(2)));
    }

    [Fact]
    public void ProposalListAddsDistinct()
    {
        var erin = _kit.NewClient("erin");
        AssertBreach(ValidationRule.ProposalListAddsDistinct, MlsError.InvalidProposalList, Committer,
            Inline(new AddProposal(_kit.KeyPackage(erin).KeyPackage)), Inline(new AddProposal(_kit.KeyPackage(erin).KeyPackage)));
    }

    [Fact]
    public void ProposalListAddOfMember()
    {
        var existing = State.Tree.GetLeaf(2)!;
        var again = KeyPackageBundle.Create(_kit.Suite, new Sim.Engine.Crypto.KeyPair(_g[2].State.SignaturePrivateKey.ToArray(), existing.SignatureKey),
            existing.Credential, new Lifetime(0, ulong.MaxValue), _kit.Random).KeyPackage;
        AssertBreach(ValidationRule.ProposalListAddOfMember, MlsError.InvalidProposalList, Committer, Inline(new AddProposal(again)));
        // "unless there is a Remove proposal in the list removing the matching client"
        Assert.Null(Judge(Committer, Inline(new RemoveProposal(2)), Inline(new AddProposal(again))));
    }

    [Fact]
    public void ProposalListPskIdsDistinct() =>
        AssertBreach(ValidationRule.ProposalListPskIdsDistinct, MlsError.InvalidProposalList, Committer,
            Inline(new PreSharedKeyProposal(AvailablePsk())), Inline(new PreSharedKeyProposal(AvailablePsk())));

    [Fact]
    public void ProposalListOneGroupContextExtensions() =>
        AssertBreach(ValidationRule.ProposalListOneGroupContextExtensions, MlsError.InvalidProposalList, Committer,
            Inline(new GroupContextExtensionsProposal([])), Inline(new GroupContextExtensionsProposal([])));

    [Fact]
    public void ProposalListReInitAlone() =>
        AssertBreach(ValidationRule.ProposalListReInitAlone, MlsError.InvalidProposalList, Committer,
            Inline(new ReInitProposal(Bytes("next"), 1, 1, [])), Inline(new RemoveProposal(3)));

    [Fact]
    public void ExternalCommitOneExternalInit()
    {
        var joiner = Sender.NewMemberCommit();
        AssertBreach(ValidationRule.ExternalCommitOneExternalInit, MlsError.InvalidProposalList, joiner, Inline(new RemoveProposal(2)));
        AssertBreach(ValidationRule.ExternalCommitOneExternalInit, MlsError.InvalidProposalList, joiner,
            Inline(new ExternalInitProposal(new byte[32])), Inline(new ExternalInitProposal(new byte[32])));
    }

    [Fact]
    public void ExternalCommitOneRemove() =>
        AssertBreach(ValidationRule.ExternalCommitOneRemove, MlsError.InvalidProposalList, Sender.NewMemberCommit(),
            Inline(new ExternalInitProposal(new byte[32])), Inline(new RemoveProposal(2)), Inline(new RemoveProposal(3)));

    [Fact]
    public void ExternalCommitProposalTypes()
    {
        var joiner = Sender.NewMemberCommit();
        foreach (var p in new Proposal[] { new AddProposal(NewKeyPackage("erin")), new GroupContextExtensionsProposal([]), new ReInitProposal(Bytes("next"), 1, 1, []) })
            AssertBreach(ValidationRule.ExternalCommitProposalTypes, MlsError.InvalidProposalList, joiner, Inline(new ExternalInitProposal(new byte[32])), Inline(p));
        AssertBreach(ValidationRule.ExternalCommitProposalTypes, MlsError.InvalidProposalList, joiner,
            Inline(new ExternalInitProposal(new byte[32])), By(UpdateOf(2), Sender.Member(2)));
    }

    [Fact]
    public void EveryRule_HasItsSection()
    {
        foreach (var rule in Enum.GetValues<ValidationRule>()) Assert.StartsWith("§", rule.Section());
    }
}
