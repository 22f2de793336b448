using System.Text.Json;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;
using Sim.Engine.Tree;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Tree;

/// <summary>
/// tree-validation.json: each case is a cipher suite, a serialized ratchet tree (the ratchet_tree
/// extension form, trailing blanks omitted) and a group_id, with the expected resolution (node
/// indices) and tree hash of every node. Checks RFC 9420 §4.1.1 resolutions, §7.8 tree hashes,
/// §7.9.2 parent-hash validity of every non-blank parent and §7.3 leaf signatures (with group_id
/// for update/commit leaves) — i.e. the full <see cref="RatchetTree.Import"/> a joiner performs —
/// and that the tree re-encodes to the same bytes.
/// </summary>
public sealed class TreeValidationVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void TreeValidationJson(string provider) => VectorFile.RunAll(output, provider, "tree-validation.json", (c, _) =>
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var bytes = c.Hex("tree");
        var wire = Tls.Deserialize<RatchetTreeWire>(bytes);
        var tree = RatchetTree.Import(suite, wire, TreeValidationOptions.For(suite, c.Hex("group_id")));

        var resolutions = c.GetProperty("resolutions");
        var hashes = c.GetProperty("tree_hashes");
        Assert.Equal((int)tree.NodeCount, resolutions.GetArrayLength());
        Assert.Equal((int)tree.NodeCount, hashes.GetArrayLength());
        for (uint x = 0; x < tree.NodeCount; x++)
        {
            var expected = resolutions[(int)x].EnumerateArray().Select(e => e.GetUInt32()).ToArray();
            Assert.Equal(expected, tree.Resolution(x));
            Assert.Equal(Convert.FromHexString(hashes[(int)x].GetString()!), tree.TreeHash(x));
        }
        tree.VerifyParentHashes();
        Assert.Equal(bytes, tree.Encode());
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void WrongGroupIdFailsLeafSignatures(string provider) => VectorFile.RunAll(output, provider, "tree-validation.json", (c, _) =>
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var wire = Tls.Deserialize<RatchetTreeWire>(c.Hex("tree"));
        var e = Assert.Throws<MlsProtocolException>(() =>
            RatchetTree.Import(suite, wire, TreeValidationOptions.For(suite, [.. c.Hex("group_id"), 0x00])));
        Assert.Equal(MlsError.InvalidLeafNode, e.Error);
    }, include: HasGroupBoundLeaf);

    private static bool HasGroupBoundLeaf(JsonElement c)
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var tree = RatchetTree.FromWireUnchecked(suite, Tls.Deserialize<RatchetTreeWire>(c.Hex("tree")));
        return tree.Leaves.Any(l => l.Leaf.LeafNodeSource != LeafNodeSource.KeyPackage);
    }
}
