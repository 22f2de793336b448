using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Messages;

/// <summary>Small hand-built wire values for codec unit tests (contents are arbitrary bytes).</summary>
internal static class Samples
{
    public static byte[] Bytes(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    public static Capabilities Capabilities() => new([1], [1, 0x0A0A], [0x0A0A], [], [1, 2]);

    public static LeafNode Leaf(LeafNodeSource source = LeafNodeSource.KeyPackage) => new(
        Bytes(32, 0xE1), Bytes(32, 0x51), Credential.Basic("alice"u8.ToArray()), Capabilities(), source,
        source == LeafNodeSource.KeyPackage ? new Lifetime(0, ulong.MaxValue) : null,
        source == LeafNodeSource.Commit ? Bytes(32, 0x9A) : null,
        [new Extension(0x0A0A, [1, 2, 3])], Bytes(64, 0x5F));

    public static KeyPackage KeyPackage() =>
        new(GroupContext.Mls10, 1, Bytes(32, 0x11), Leaf(), [], Bytes(64, 0x22));

    public static UpdatePath Path() => new(Leaf(LeafNodeSource.Commit),
        [new UpdatePathNode(Bytes(32, 0x33), [new HpkeCiphertext(Bytes(32, 0x44), Bytes(48, 0x55))])]);

    public static Commit Commit(bool withPath) => new(
        [ProposalOrRef.Inline(new RemoveProposal(3)), ProposalOrRef.ByReference(Bytes(32, 0x66))],
        withPath ? Path() : null);

    public static GroupContext Context() => new(GroupContext.Mls10, 1, Bytes(8, 0x77), 5, Bytes(32, 0x88), Bytes(32, 0x99), []);

    public static FramedContent Content(Sender sender, ContentType type) => type switch
    {
        ContentType.Application => FramedContent.OfApplication(Bytes(8, 0x77), 5, sender, [9], "hello"u8.ToArray()),
        ContentType.Proposal => FramedContent.OfProposal(Bytes(8, 0x77), 5, sender, [], new AddProposal(KeyPackage())),
        _ => FramedContent.OfCommit(Bytes(8, 0x77), 5, sender, [], Commit(withPath: true)),
    };

    public static FramedContentAuthData Auth(ContentType type) =>
        new(Bytes(64, 0xA5), type == ContentType.Commit ? Bytes(32, 0xC7) : null);
}
