using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// RFC 9420 §7.3 lifetimes in a group with <see cref="GroupOptions.Clock"/>: a key_package leaf
/// whose lifetime does not contain the clock's time is refused when we send it (proposing or
/// committing its Add: "MUST") and when we receive it (an Add proposal, a Commit, the tree of a
/// Welcome: "RECOMMENDED"), always by <see cref="ValidationRule.LeafLifetime"/>; without a clock only
/// the order of the bounds is checked. And the group's cipher suite is not required in capabilities
/// unless asked for (§7.3 asks no such check).
/// </summary>
public sealed class LeafLifetimeTests
{
    private ulong _now = 1_000;
    private GroupOptions Clocked => GroupOptions.Default with { Clock = () => _now };

    private static KeyPackageBundle KeyPackage(GroupTestKit kit, GroupTestKit.Client c, Lifetime lifetime) =>
        KeyPackageBundle.Create(kit.Suite, c.Signature, c.Credential, lifetime, kit.Random);

    private static void AssertLifetime(Action act) =>
        Assert.Equal(ValidationRule.LeafLifetime, Assert.ThrowsAny<MlsOperationException>(act).Rule);

    [Fact]
    public void SendingAnExpiredKeyPackage_IsRefused()
    {
        var kit = new GroupTestKit(options: Clocked);
        var alice = kit.Create(kit.NewClient("alice"));
        var expired = KeyPackage(kit, kit.NewClient("bob"), new Lifetime(0, 999)).KeyPackage;
        var before = alice.State;
        AssertLifetime(() => alice.ProposeAdd(expired));
        Assert.Equal(KeyPackageError.InvalidLifetime, Assert.Throws<KeyPackageException>(() => alice.ProposeAdd(expired)).Reason);
        Assert.Equal(CreateCommitError.InvalidKeyPackage,
            Assert.Throws<CreateCommitException>(() => alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(expired)] })).Reason);
        AssertLifetime(() => alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(expired)] }));
        Assert.Same(before, alice.State);
        var notYet = KeyPackage(kit, kit.NewClient("carol"), new Lifetime(1_001, 2_000)).KeyPackage;
        AssertLifetime(() => alice.ProposeAdd(notYet));
        alice.ProposeAdd(KeyPackage(kit, kit.NewClient("dave"), new Lifetime(1_000, 1_000)).KeyPackage);
    }

    [Fact]
    public void ReceivingAnAddOrCommitOfAKeyPackageThatExpiredMeanwhile_IsRefused()
    {
        var kit = new GroupTestKit(options: Clocked);
        var g = kit.Group(2);
        var bob = KeyPackage(kit, kit.NewClient("carol"), new Lifetime(0, 1_500)).KeyPackage;
        var commit = Encode(g[0].Commit(new CommitOptions { InlineProposals = [new AddProposal(bob)], ProposalRefs = [] }).Commit);
        var proposal = Encode(g[0].ProposeAdd(bob));
        _now = 1_501;   // the receiver's clock is past the lifetime
        var before = g[1].State;
        AssertLifetime(() => g[1].Process(proposal));
        AssertLifetime(() => g[1].Process(commit));
        Assert.Same(before, g[1].State);
    }

    [Fact]
    public void JoiningATreeWithAnExpiredKeyPackageLeaf_IsRefused_AndWithoutAClockAccepted()
    {
        var kit = new GroupTestKit(options: Clocked);
        var alice = kit.Create(kit.NewClient("alice"));
        var carol = kit.NewClient("carol");
        var carolKp = KeyPackage(kit, carol, new Lifetime(0, 1_500));
        var dave = kit.NewClient("dave");
        var daveKp = KeyPackage(kit, dave, new Lifetime(0, 5_000));
        var first = alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(carolKp.KeyPackage)] });
        alice.MergeCommit(first);
        _now = 2_000;   // carol's leaf (never updated) is now outside its lifetime
        var second = alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(daveKp.KeyPackage)] });
        AssertLifetime(() => MlsGroup.JoinFromWelcome(second.Welcome!.Welcome!, daveKp, dave.Signature, null, null, kit.Random, Clocked));
        var joined = MlsGroup.JoinFromWelcome(second.Welcome!.Welcome!, daveKp, dave.Signature, null, null, kit.Random, GroupOptions.Default);
        Assert.Equal(3, joined.Members.Count);
    }

    [Fact]
    public void GroupCipherSuiteInCapabilities_IsNotRequiredByDefault_ButCanBe()
    {
        var kit = new GroupTestKit();
        var alice = kit.Create(kit.NewClient("alice"));
        var bob = kit.NewClient("bob");
        // A peer implementation that lists other suites only (as the IETF treekem vectors' suite-7 leaves do).
        var caps = KeyPackageBundle.DefaultCapabilities(kit.Suite) with { CipherSuites = [3] };
        var kp = KeyPackageBundle.Create(kit.Suite, bob.Signature, bob.Credential, new Lifetime(0, ulong.MaxValue), kit.Random, caps).KeyPackage;
        var strict = kit.Create(kit.NewClient("strict"), GroupOptions.Default with { RequireCipherSuiteInCapabilities = true });
        Assert.Equal(ValidationRule.LeafCipherSuite,
            Assert.Throws<CreateCommitException>(() => strict.Commit(new CommitOptions { InlineProposals = [new AddProposal(kp)] })).Rule);
        var result = alice.Commit(new CommitOptions { InlineProposals = [new AddProposal(kp)] });
        alice.MergeCommit(result);
        Assert.Equal(2, alice.Members.Count);
    }
}
