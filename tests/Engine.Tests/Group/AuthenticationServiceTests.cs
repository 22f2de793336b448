using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Tree;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// The Authentication Service hook of <see cref="GroupOptions"/>: called for every leaf that enters
/// the tree (Add, Update, the committer's UpdatePath leaf, a joiner's view of the tree) with the old
/// and new leaf; a rejection refuses the message and changes nothing.
/// </summary>
public sealed class AuthenticationServiceTests
{
    private sealed class Recorder
    {
        public List<(LeafChangeKind Kind, uint Leaf, bool HadOld)> Calls { get; } = [];
        public string? Reject { get; set; }

        public void Check(LeafNode? old, LeafNode leaf, uint index, LeafChangeContext context)
        {
            Calls.Add((context.Kind, index, old is not null));
            if (Reject is { } r && leaf.Credential.Identity is { } id && id.AsSpan().SequenceEqual(Bytes(r)))
                throw new AuthenticationServiceException($"AS rejects {r}");
        }
    }

    private static bool CausedByTheService(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is AuthenticationServiceException) return true;
        return false;
    }

    [Fact]
    public void EveryLeafChangeIsShownAndARejectionChangesNothing()
    {
        var recorder = new Recorder();
        var kit = new GroupTestKit(options: GroupOptions.Default with { AuthenticationService = recorder.Check });
        var g = kit.Group(3);
        Assert.Contains(recorder.Calls, c => c.Kind == LeafChangeKind.Join);
        Assert.Contains(recorder.Calls, c => c.Kind == LeafChangeKind.Add && !c.HadOld);

        recorder.Calls.Clear();
        var update = g[2].ProposeUpdate();
        g[0].Process(update);
        g[1].Process(update);
        var commit = g[0].Commit();
        g[1].Merge((StagedCommit)g[1].Process(commit.Commit));
        Assert.Contains(recorder.Calls, c => c.Kind == LeafChangeKind.Update && c.Leaf == 2 && c.HadOld);
        Assert.Contains(recorder.Calls, c => c.Kind == LeafChangeKind.Commit && c.Leaf == 0 && c.HadOld);
        g[2].Merge((StagedCommit)g[2].Process(commit.Commit));
        g[0].MergeCommit(commit);

        // Member 1 renames itself "mallory": the others' AS refuses the commit; nothing changes.
        var parts = LeafNodeTemplate.From(g[1].Tree.GetLeaf(1)!) with { Credential = Credential.Basic(Bytes("mallory")) };
        var bad = g[1].Commit(new CommitOptions { NewLeaf = parts });
        recorder.Reject = "mallory";
        var before = g[0].State;
        // The service refuses through the public AuthenticationServiceException; the operation reports its own typed error.
        var refused = Assert.Throws<ProcessMessageException>(() => g[0].Process(bad.Commit));
        Assert.Equal(ProcessMessageError.RejectedByAuthenticationService, refused.Reason);
        Assert.Contains("AS rejects mallory", refused.Message);
        Assert.True(CausedByTheService(refused));
        Assert.Same(before, g[0].State);

    }

    [Fact]
    public void AJoinersServiceRefusingAMember_RefusesTheWelcomeWithItsTypedReason()
    {
        var kit = new GroupTestKit();
        var creator = kit.Create(kit.NewClient("m0"));
        var joiner = kit.NewClient("m1");
        var bundle = kit.KeyPackage(joiner);
        var result = creator.Commit(new CommitOptions { InlineProposals = [new AddProposal(bundle.KeyPackage)] });
        var refusing = GroupOptions.Default with { AuthenticationService = new Recorder { Reject = "m0" }.Check };
        var refused = Assert.Throws<WelcomeException>(() => MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundle, joiner.Signature,
            null, null, kit.Random.Derive("refusing joiner"), refusing));
        Assert.Equal(WelcomeError.RejectedByAuthenticationService, refused.Reason);
        Assert.True(CausedByTheService(refused));
        // The same Welcome with a service that accepts m0 joins.
        Assert.Equal(1ul, MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundle, joiner.Signature, null, null,
            kit.Random.Derive("joiner"), GroupOptions.Default).Epoch);
    }

    [Fact]
    public void DefaultServiceAcceptsBasicCredentialsOnly()
    {
        var leaf = new GroupTestKit().Group(1)[0].Tree.GetLeaf(0)!;
        var context = new LeafChangeContext(LeafChangeKind.Add, new GroupContext(1, 1, [], 0, [], [], []));
        AuthenticationServices.AcceptBasicCredentials(null, leaf, 0, context);
        var x509 = leaf with { Credential = Credential.X509([[1, 2, 3]]) };
        Assert.Throws<MlsProtocolException>(() => AuthenticationServices.AcceptBasicCredentials(null, x509, 0, context));
    }

    [Fact]
    public void UpdateWithABadSignatureIsRefusedOnReceipt()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var (proposal, _) = GroupSender.MakeUpdate(g[1].State, null, kit.Random);
        var tampered = proposal with { LeafNode = proposal.LeafNode with { Signature = new byte[64] } };
        var forgedState = g[1].State;
        var (message, _, _) = GroupSender.Propose(forgedState, tampered, [], kit.Random);
        var before = g[0].State;
        var refused = Assert.Throws<ProcessMessageException>(() => g[0].Process(message));
        Assert.Equal((ProcessMessageError.InvalidLeafNode, ValidationRule.LeafSignature), (refused.Reason, refused.Rule));
        Assert.Same(before, g[0].State);
    }
}
