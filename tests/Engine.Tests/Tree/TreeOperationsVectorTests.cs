using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;
using Sim.Engine.Tree;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Tree;

/// <summary>
/// tree-operations.json: each case is a serialized ratchet tree before, a serialized Proposal (Add,
/// Update or Remove) sent by leaf <c>proposal_sender</c>, and the tree and tree hash expected after
/// applying it. Checks the tree hash before (§7.8), RFC 9420 §12.1.1 Add (leftmost blank leaf,
/// extension, unmerged leaves), §12.1.2 Update (blank direct path) and §12.1.3 Remove (blank,
/// truncate), and that the result serializes to the exact bytes and hash given.
/// </summary>
public sealed class TreeOperationsVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void TreeOperationsJson(string provider) => VectorFile.RunAll(output, provider, "tree-operations.json", (c, _) =>
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var before = RatchetTree.FromWireUnchecked(suite, Tls.Deserialize<RatchetTreeWire>(c.Hex("tree_before")));
        Assert.Equal(c.Hex("tree_hash_before"), before.TreeHash());

        var proposal = Tls.Deserialize<Proposal>(c.Hex("proposal"));
        uint sender = c.U32("proposal_sender");
        var diff = before.Stage();
        switch (proposal)
        {
            case AddProposal add: diff.AddLeaf(add.KeyPackage.LeafNode); break;
            case UpdateProposal update: diff.UpdateLeaf(sender, update.LeafNode); break;
            case RemoveProposal remove: diff.RemoveLeaf(remove.Removed); break;
            default: throw new InvalidOperationException($"unexpected proposal {proposal.ProposalType}");
        }
        var after = diff.ToTree();
        Assert.Equal(c.Hex("tree_after"), after.Encode());
        Assert.Equal(c.Hex("tree_hash_after"), after.TreeHash());
        // The staged change left the original tree as it was.
        Assert.Equal(c.Hex("tree_before"), before.Encode());
        Assert.Equal(c.Hex("tree_hash_before"), before.TreeHash());
    });
}
