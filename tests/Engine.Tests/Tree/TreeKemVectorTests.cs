using System.Text.Json;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;
using Sim.Engine.Tree;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Tree;

/// <summary>
/// treekem.json: each case is a cipher suite, a group (group_id, epoch, confirmed_transcript_hash),
/// a ratchet tree, the private state of every member (leaf HPKE and signature private keys, path
/// secrets at nodes above it) and UpdatePaths sent by several members, each with the path secret
/// every other member decrypts, the commit_secret and the tree hash after merging. Checks, per
/// FORMAT.md: the private states are consistent with the tree; every other member processes each
/// UpdatePath (RFC 9420 §7.6; HPKE context = GroupContext with the tree hash after the merge),
/// obtaining the given path secret and commit_secret; the merged tree has the given tree hash and
/// is parent-hash valid (§7.9.2); and a new UpdatePath created by the same sender (§7.5) is
/// processed by every other member to the creator's commit_secret and the creator's tree.
/// </summary>
public sealed class TreeKemVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void TreeKemJson(string provider) => VectorFile.RunAll(output, provider, "treekem.json", (c, caseIndex) =>
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var groupId = c.Hex("group_id");
        // The generator's leaves list cipher suites 1-6 only, also in suite-7 groups: RFC 9420 §7.3
        // does not check the group's suite there, so that check (on by default) is relaxed here.
        var leafContext = new LeafNodeValidationContext(suite, groupId) { RequireCipherSuiteInCapabilities = false };
        var tree = RatchetTree.Import(suite, Tls.Deserialize<RatchetTreeWire>(c.Hex("ratchet_tree")),
            TreeValidationOptions.For(leafContext));

        var privates = new Dictionary<uint, TreeKemPrivate>();
        var signers = new Dictionary<uint, byte[]>();
        foreach (var lp in c.GetProperty("leaves_private").EnumerateArray())
        {
            uint index = lp.U32("index");
            var priv = TreeKemPrivate.ForLeaf(index, lp.Hex("encryption_priv"));
            foreach (var ps in lp.GetProperty("path_secrets").EnumerateArray())
                priv = priv.WithPathSecret(suite, ps.U32("node"), ps.Hex("path_secret")).Private;
            priv.CheckConsistentWith(tree);
            privates[index] = priv;
            signers[index] = lp.Hex("signature_priv");
        }

        var context = new GroupContext(GroupContext.Mls10, suite.Id, groupId, c.U64("epoch"), tree.TreeHash(),
            c.Hex("confirmed_transcript_hash"), []);
        var members = tree.Leaves.Select(l => l.LeafIndex).ToList();
        Assert.All(members, m => Assert.True(privates.ContainsKey(m)));

        foreach (var up in c.GetProperty("update_paths").EnumerateArray())
        {
            uint sender = up.U32("sender");
            var path = Tls.Deserialize<UpdatePath>(up.Hex("update_path"));
            var pathSecrets = up.GetProperty("path_secrets");
            RatchetTree? merged = null;
            foreach (var j in members.Where(m => m != sender))
            {
                var result = TreeKem.ProcessUpdatePath(tree, privates[j], sender, path, context, [], leafContext);
                Assert.Equal(Convert.FromHexString(pathSecrets[(int)j].GetString()!), result.PathSecret.ToArray());
                Assert.Equal(up.Hex("commit_secret"), result.CommitSecret.ToArray());
                result.Private.CheckConsistentWith(result.Tree);
                if (merged is null) merged = result.Tree;
                else Assert.Equal(merged, result.Tree);
            }
            Assert.NotNull(merged);
            Assert.Equal(up.Hex("tree_hash_after"), merged!.TreeHash());
            merged.VerifyParentHashes();

            // A new UpdatePath from the same sender, processed by everyone else.
            var random = new DeterministicRandomSource((ulong)caseIndex, $"treekem/{sender}");
            var created = TreeKem.CreateUpdatePath(tree, sender, LeafNodeTemplate.From(tree.GetLeaf(sender)!), signers[sender],
                context, [], random);
            created.Tree.VerifyParentHashes();
            created.Private.CheckConsistentWith(created.Tree);
            Assert.Equal(created.Tree.TreeHash(), created.ProvisionalContext.TreeHash);
            var reparsed = Tls.Deserialize<UpdatePath>(Tls.Serialize(created.UpdatePath));
            foreach (var j in members.Where(m => m != sender))
            {
                var result = TreeKem.ProcessUpdatePath(tree, privates[j], sender, reparsed, context, [], leafContext);
                Assert.Equal(created.CommitSecret.ToArray(), result.CommitSecret.ToArray());
                Assert.Equal(created.Tree, result.Tree);
                Assert.Equal(created.PathSecrets[result.PathSecretNode].ToArray(), result.PathSecret.ToArray());
            }
        }
    });
}
