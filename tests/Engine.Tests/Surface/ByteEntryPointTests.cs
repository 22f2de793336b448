using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Group;

namespace Sim.Engine.Tests.Surface;

/// <summary>
/// Issue 9 item 3: with the codec's reader and writer internal, a user moves bytes through the public
/// entry points: <see cref="MlsMessage.Encode()"/> / <see cref="MlsMessage.Decode(ReadOnlySpan{byte})"/>,
/// <see cref="RatchetTreeWire"/> for a tree sent out of band and <see cref="KeyPackageBundle.Save()"/>.
/// A whole join runs on bytes only; malformed bytes are <see cref="MlsDecodeException"/> and nothing else.
/// </summary>
public sealed class ByteEntryPointTests
{
    [Fact]
    public void AJoinRunsOnBytesAlone()
    {
        var kit = new GroupTestKit(options: GroupOptions.Default with { RatchetTreeInWelcome = false });
        var creator = kit.Create(kit.NewClient("m0"));
        var joiner = kit.NewClient("m1");
        byte[] savedBundle = kit.KeyPackage(joiner).Save();
        using var bundle = KeyPackageBundle.Load(savedBundle);
        byte[] keyPackageBytes = MlsMessage.From(bundle.KeyPackage).Encode();

        var keyPackage = MlsMessage.Decode(keyPackageBytes).KeyPackage!;
        var result = creator.Commit(new CommitOptions { InlineProposals = [new AddProposal(keyPackage)] });
        creator.MergeCommit(result);
        byte[] welcomeBytes = result.Welcome!.Encode();
        byte[] treeBytes = creator.ExportRatchetTree().Encode();

        var joined = MlsGroup.JoinFromWelcome(MlsMessage.Decode(welcomeBytes).Welcome!, bundle, joiner.Signature,
            RatchetTreeWire.Decode(treeBytes), null, kit.Random.Derive("joiner"), kit.Options);
        Assert.Equal(creator.EpochAuthenticator, joined.EpochAuthenticator);
        var hello = MlsMessage.Decode(joined.EncryptApplication("hello"u8).Encode());
        Assert.Equal("hello"u8.ToArray(), Assert.IsType<ApplicationMessage>(creator.Process(hello)).Data);
    }

    [Fact]
    public void MalformedBytes_AreMlsDecodeException_OrFalse()
    {
        var kit = new GroupTestKit();
        byte[] good = MlsMessage.From(kit.KeyPackage(kit.NewClient("m0")).KeyPackage).Encode();
        foreach (var bad in new byte[][] { [], good[..^1], [.. good, 0], [0, 2, 0, 5] })
        {
            Assert.Throws<MlsDecodeException>(() => MlsMessage.Decode(bad));
            Assert.False(MlsMessage.TryDecode(bad, out var none));
            Assert.Null(none);
        }
        Assert.True(MlsMessage.TryDecode(good, out var message));
        Assert.Equal(good, message.Encode());
        Assert.Throws<MlsDecodeException>(() => RatchetTreeWire.Decode([1]));
        Assert.Throws<MlsDecodeException>(() => KeyPackageBundle.Load(good));
    }
}
