using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Tree;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// A member changes its leaf's signature_key (RFC 9420 §7.3: a leaf is verified with its own key),
/// through its own UpdatePath or through an Update proposal a peer commits; afterwards the group
/// signs with the new key, and every other member verifies it.
/// </summary>
public sealed class SignatureKeyChangeTests
{
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    public void CommitterMovesToANewSignatureKey(ushort suite)
    {
        var kit = new GroupTestKit(suite);
        var g = kit.Group(2);
        var fresh = kit.Suite.Signature.GenerateKeyPair(kit.Random);
        var parts = LeafNodeTemplate.From(g[1].Tree.GetLeaf(1)!) with { SignatureKey = fresh.PublicKey, Credential = Credential.Basic(fresh.PublicKey) };
        var commit = g[1].Commit(new CommitOptions { NewLeaf = parts, NewSignaturePrivateKey = fresh.PrivateKey });
        g[0].Merge(Assert.IsType<StagedCommit>(g[0].Process(commit.Commit)));
        g[1].MergeCommit(commit);
        AssertAgree(g);
        Assert.Equal(fresh.PublicKey, g[0].Tree.GetLeaf(1)!.SignatureKey);
        Assert.True(g[1].State.SignaturePrivateKey.Matches(fresh.PrivateKey));

        // The new key signs from now on: member 0 accepts member 1's next messages.
        var data = g[0].Process(g[1].EncryptApplication("hi"u8));
        Assert.Equal(Bytes("hi"), Assert.IsType<ApplicationMessage>(data).Data);
        var next = g[1].Commit(new CommitOptions { ForcePath = true });
        g[0].Merge(Assert.IsType<StagedCommit>(g[0].Process(next.Commit)));
        g[1].MergeCommit(next);
        AssertAgree(g);
    }

    [Fact]
    public void NewSignatureKeyMustMatchTheLeaf()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var fresh = kit.Suite.Signature.GenerateKeyPair(kit.Random);
        var other = kit.Suite.Signature.GenerateKeyPair(kit.Random);
        var parts = LeafNodeTemplate.From(g[1].Tree.GetLeaf(1)!) with { SignatureKey = fresh.PublicKey };
        Assert.Throws<ArgumentException>(() => g[1].Commit(new CommitOptions { NewLeaf = parts, NewSignaturePrivateKey = other.PrivateKey }));
        Assert.Throws<ArgumentException>(() => g[1].ProposeUpdate(parts, null, other.PrivateKey));
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)5)]
    public void UpdateProposalMovesToANewSignatureKeyOnceCommitted(ushort suite)
    {
        var kit = new GroupTestKit(suite);
        var g = kit.Group(2);
        var fresh = kit.Suite.Signature.GenerateKeyPair(kit.Random);
        var parts = LeafNodeTemplate.From(g[1].Tree.GetLeaf(1)!) with { SignatureKey = fresh.PublicKey, Credential = Credential.Basic(fresh.PublicKey) };
        var update = g[1].ProposeUpdate(parts, null, fresh.PrivateKey);
        // Until it is committed, member 1 still signs with its old key.
        Assert.False(g[1].State.SignaturePrivateKey.Matches(fresh.PrivateKey));
        // The new key survives a save and load while the Update is in flight.
        g[1] = MlsGroup.Load(g[1].Save(), kit.Random.Derive("reloaded"), kit.Options);
        Assert.IsType<ProposalReceived>(g[0].Process(update));
        var commit = g[0].Commit(new CommitOptions { ForcePath = true });
        var staged = Assert.IsType<StagedCommit>(g[1].Process(commit.Commit));
        Assert.NotNull(staged.OwnUpdateTaken);
        g[1].Merge(staged);
        g[0].MergeCommit(commit);
        AssertAgree(g);
        Assert.True(g[1].State.SignaturePrivateKey.Matches(fresh.PrivateKey));
        var data = g[0].Process(g[1].EncryptApplication("after"u8));
        Assert.Equal(Bytes("after"), Assert.IsType<ApplicationMessage>(data).Data);
    }
}
