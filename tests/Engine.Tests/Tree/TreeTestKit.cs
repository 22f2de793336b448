using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Tree;

/// <summary>Builds real members (signed leaves, key pairs) and groups for tree and TreeKEM tests.</summary>
internal sealed class TreeTestKit(ushort suiteId = 1, ulong seed = 7)
{
    public CipherSuite Suite { get; } = CipherSuite.Get(suiteId);
    public IRandomSource Random { get; } = new DeterministicRandomSource(seed, "tree-tests");
    public byte[] GroupId { get; } = "tree-test-group"u8.ToArray();

    public sealed record Member(LeafNode Leaf, KeyPair Encryption, KeyPair Signature);

    public Member NewMember(string name, Lifetime? lifetime = null)
    {
        var enc = Suite.Kem.GenerateKeyPair(Random);
        var sig = Suite.Signature.GenerateKeyPair(Random);
        var unsigned = new LeafNode(enc.PublicKey, sig.PublicKey, Credential.Basic(System.Text.Encoding.UTF8.GetBytes(name)),
            new Capabilities([1], [Suite.Id], [], [], [1]), LeafNodeSource.KeyPackage, lifetime ?? new Lifetime(0, ulong.MaxValue), null, [], []);
        var leaf = unsigned with { Signature = Suite.SignWithLabel(sig.PrivateKey, "LeafNodeTBS", unsigned.ToBeSigned(null, null)) };
        return new Member(leaf, enc, sig);
    }

    /// <summary>A signed update-source leaf for <paramref name="m"/> at <paramref name="index"/>, with a fresh HPKE key.</summary>
    public (LeafNode Leaf, KeyPair Encryption) UpdateLeaf(Member m, uint index)
    {
        var enc = Suite.Kem.GenerateKeyPair(Random);
        var unsigned = m.Leaf with { EncryptionKey = enc.PublicKey, LeafNodeSource = LeafNodeSource.Update, Lifetime = null, Signature = [] };
        var leaf = unsigned with { Signature = Suite.SignWithLabel(m.Signature.PrivateKey, "LeafNodeTBS", unsigned.ToBeSigned(GroupId, index)) };
        return (leaf, enc);
    }

    public GroupContext Context(RatchetTree tree, ulong epoch = 1) =>
        new(GroupContext.Mls10, Suite.Id, GroupId, epoch, tree.TreeHash(), new byte[Suite.HashLength], []);

    /// <summary>
    /// A group of <paramref name="n"/> members: member 0 creates it, adds the others in one Commit
    /// with an UpdatePath, and every joiner takes its path secret as a Welcome would give it.
    /// </summary>
    public (RatchetTree Tree, Member[] Members, TreeKemPrivate[] Privates) Group(int n)
    {
        var members = Enumerable.Range(0, n).Select(i => NewMember($"m{i}")).ToArray();
        var tree = RatchetTree.CreateOneMember(Suite, members[0].Leaf);
        var diff = tree.Stage();
        var added = new List<uint>();
        for (int i = 1; i < n; i++) added.Add(diff.AddLeaf(members[i].Leaf));
        var withAdds = diff.ToTree();
        var created = TreeKem.CreateUpdatePath(withAdds, 0, LeafNodeTemplate.From(members[0].Leaf), members[0].Signature.PrivateKey,
            Context(withAdds), added, Random);
        members[0] = members[0] with { Leaf = created.UpdatePath.LeafNode };
        var privates = new TreeKemPrivate[n];
        privates[0] = created.Private;
        for (int i = 1; i < n; i++)
            privates[i] = TreeKemPrivate.ForLeaf((uint)i, members[i].Encryption.PrivateKey)
                .WithJoinerPathSecret(created.Tree, 0, created.PathSecretForJoiner((uint)i).Span);
        return (created.Tree, members, privates);
    }
}
