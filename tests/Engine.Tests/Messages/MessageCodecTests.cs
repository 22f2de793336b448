using Sim.Engine.Codec;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Messages;

/// <summary>Round trips and malformed input for the RFC 9420 message structures (§5.3, §7, §10, §12).</summary>
public sealed class MessageCodecTests
{
    private static T RoundTrip<T>(T value) where T : ITlsCodec<T>
    {
        var bytes = Tls.Serialize(value);
        var back = Tls.Deserialize<T>(bytes);
        Assert.Equal(bytes, Tls.Serialize(back));
        return back;
    }

    private static int OpaqueSize(byte[] bytes) => TlsWriter.VarintSize((uint)bytes.Length) + bytes.Length;

    [Fact]
    public void CommitWithoutPathEndsWithAbsentOptional()
    {
        var bytes = Tls.Serialize(Samples.Commit(withPath: false));
        Assert.Equal(0, bytes[^1]);
        var back = RoundTrip(Samples.Commit(withPath: false));
        Assert.Null(back.Path);
        Assert.Collection(back.Proposals,
            p => Assert.Equal(new RemoveProposal(3), p.Proposal),
            p => Assert.Equal(ProposalOrRefType.Reference, p.Type));
    }

    [Fact]
    public void CommitWithPathRoundTrips()
    {
        var back = RoundTrip(Samples.Commit(withPath: true));
        Assert.NotNull(back.Path);
        Assert.Equal(LeafNodeSource.Commit, back.Path.LeafNode.LeafNodeSource);
        Assert.Equal(Samples.Bytes(32, 0x9A), back.Path.LeafNode.ParentHash);
    }

    [Fact]
    public void CommitPresenceByteOtherThanZeroOrOneIsRejected()
    {
        var bytes = Tls.Serialize(Samples.Commit(withPath: false));
        bytes[^1] = 2;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Commit>(bytes));
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        var bytes = Tls.Serialize(Samples.KeyPackage());
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<KeyPackage>([.. bytes, 0]));
    }

    [Fact]
    public void EveryProposalTypeRoundTripsAndPatternMatches()
    {
        Proposal[] proposals =
        [
            new AddProposal(Samples.KeyPackage()),
            new UpdateProposal(Samples.Leaf(LeafNodeSource.Update)),
            new RemoveProposal(7),
            new PreSharedKeyProposal(PreSharedKeyId.External([1, 2], [3, 4])),
            new PreSharedKeyProposal(PreSharedKeyId.Resumption(ResumptionPskUsage.Branch, [5], 9, [6])),
            new ReInitProposal([1], GroupContext.Mls10, 3, [new Extension(5, [])]),
            new ExternalInitProposal([8, 8]),
            new GroupContextExtensionsProposal([new Extension(2, [0])]),
        ];
        foreach (var p in proposals)
        {
            var back = RoundTrip(p);
            Assert.Equal(p.GetType(), back.GetType());
            Assert.Equal((ushort)p.ProposalType, (ushort)(Tls.Serialize(p)[0] << 8 | Tls.Serialize(p)[1]));
        }
        Assert.True(Tls.Deserialize<Proposal>(Tls.Serialize(proposals[2])) is RemoveProposal { Removed: 7 });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(0x0A0A)]
    public void UnknownProposalTypeIsRejected(ushort type) =>
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Proposal>([(byte)(type >> 8), (byte)type, 0, 0, 0, 1]));

    [Fact]
    public void UnknownCredentialTypeIsRejected() =>
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Credential>([0, 3, 1, 0x41]));

    [Fact]
    public void X509CredentialRoundTrips()
    {
        var back = RoundTrip(Credential.X509([[1, 2, 3], [4]]));
        Assert.Equal(CredentialType.X509, back.CredentialType);
        Assert.Equal(2, back.Certificates!.Count);
    }

    [Fact]
    public void UnknownLeafNodeSourceIsRejected()
    {
        var bytes = Tls.Serialize(Samples.Leaf(LeafNodeSource.Update));
        // The source byte follows encryption_key, signature_key, credential and capabilities.
        var leaf = Samples.Leaf(LeafNodeSource.Update);
        int offset = 33 + 33 + Tls.Serialize(leaf.Credential).Length + Tls.Serialize(leaf.Capabilities).Length;
        Assert.Equal((byte)LeafNodeSource.Update, bytes[offset]);
        bytes[offset] = 4;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<LeafNode>(bytes));
    }

    [Fact]
    public void UnknownNodeTypeIsRejected()
    {
        var bytes = Tls.Serialize(Node.FromParent(new ParentNode([1], [], [0, 2])));
        Assert.Equal(2, bytes[0]);
        bytes[0] = 3;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Node>(bytes));
    }

    [Fact]
    public void RatchetTreeKeepsBlankNodes()
    {
        var tree = new RatchetTreeWire([Node.FromLeaf(Samples.Leaf()), null, Node.FromLeaf(Samples.Leaf())]);
        var back = RoundTrip(tree);
        Assert.Equal(3, back.Nodes.Count);
        Assert.Null(back.Nodes[1]);
        Assert.Equal(NodeType.Leaf, back.Nodes[2]!.NodeType);
    }

    [Theory]
    [InlineData(new byte[] { 3, 0, 0 })]            // psktype 3
    [InlineData(new byte[] { 2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // resumption usage 4
    [InlineData(new byte[] { 0, 0, 0 })]            // psktype 0
    public void UnknownPskEnumsAreRejected(byte[] bytes) =>
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<PreSharedKeyId>(bytes));

    [Fact]
    public void UnknownProposalOrRefTypeIsRejected() =>
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<ProposalOrRef>([3, 0]));

    [Fact]
    public void GroupSecretsWithAndWithoutPathSecretRoundTrip()
    {
        var with = RoundTrip(new GroupSecrets([1, 2], new PathSecret([3]), [PreSharedKeyId.External([4], [5])]));
        Assert.Equal([3], with.PathSecret!.Secret);
        Assert.Null(RoundTrip(new GroupSecrets([1], null, [])).PathSecret);
    }

    [Fact]
    public void LeafNodeTbsOfKeyPackageLeafIsTheLeafWithoutSignature()
    {
        var leaf = Samples.Leaf();
        var full = Tls.Serialize(leaf);
        var tbs = leaf.ToBeSigned(null, null);
        Assert.Equal(full[..^OpaqueSize(leaf.Signature)], tbs);
    }

    [Fact]
    public void LeafNodeTbsOfCommitLeafAppendsGroupIdAndLeafIndex()
    {
        var leaf = Samples.Leaf(LeafNodeSource.Commit);
        var full = Tls.Serialize(leaf);
        var tbs = leaf.ToBeSigned([0xAB, 0xCD], 0x01020304);
        Assert.Equal([.. full[..^OpaqueSize(leaf.Signature)], 2, 0xAB, 0xCD, 1, 2, 3, 4], tbs);
        Assert.Throws<ArgumentException>(() => leaf.ToBeSigned(null, 1));
    }

    [Fact]
    public void KeyPackageAndGroupInfoTbsDropOnlyTheSignature()
    {
        var kp = Samples.KeyPackage();
        Assert.Equal(Tls.Serialize(kp)[..^OpaqueSize(kp.Signature)], kp.ToBeSigned());
        var gi = new GroupInfo(Samples.Context(), [], [1, 2], 4, Samples.Bytes(64, 3));
        Assert.Equal(Tls.Serialize(gi)[..^OpaqueSize(gi.Signature)], gi.ToBeSigned());
        RoundTrip(gi);
    }

    [Fact]
    public void ExtensionBodiesRoundTrip()
    {
        RoundTrip(new ExternalSender([1, 2], Credential.Basic([3])));
        RoundTrip(new RequiredCapabilities([5], [0x0A0A], [1]));
    }

    [Fact]
    public void EncodingAnInconsistentValueIsAProgrammingError() =>
        Assert.Throws<InvalidOperationException>(() => Tls.Serialize(Samples.Leaf() with { Lifetime = null }));
}
