using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tests.Schedule;

/// <summary>The secret tree beyond the vectors: the out-of-order window and its typed errors, the
/// RFC 9420 §9.2 deletion schedule, and copies that do not share state.</summary>
public sealed class SecretTreeTests
{
    private static readonly CipherSuite Suite = CipherSuite.Get(1);

    private static SecretTree NewTree(uint leaves = 4, SecretTreeOptions? options = null) =>
        new(Suite, Enumerable.Range(0, Suite.HashLength).Select(i => (byte)i).ToArray(), leaves, options);

    private static MlsError ErrorOf(Action action) => Assert.Throws<MlsProtocolException>(action).Error;

    [Fact]
    public void SenderAndReceiverAgreeOnEveryGeneration()
    {
        using var sender = NewTree();
        using var receiver = NewTree();
        for (uint g = 0; g < 5; g++)
        {
            using var sent = sender.NextForEncryption(2, RatchetKind.Application);
            Assert.Equal(g, sent.Generation);
            using var got = receiver.ForDecryption(2, RatchetKind.Application, g);
            Assert.Equal(sent.Key.ToArray(), got.Key.ToArray());
            Assert.Equal(sent.Nonce.ToArray(), got.Nonce.ToArray());
        }
        Assert.Equal(5UL, sender.NextGeneration(2, RatchetKind.Application));
        Assert.Equal(0UL, sender.NextGeneration(2, RatchetKind.Handshake));
    }

    [Fact]
    public void OutOfOrderWithinTheWindowThenReuseIsRejected()
    {
        using var tree = NewTree(options: new SecretTreeOptions(OutOfOrderTolerance: 4, MaximumForwardDistance: 10));
        using var reference = NewTree();
        var expected = Enumerable.Range(0, 6).Select(_ => reference.NextForEncryption(1, RatchetKind.Handshake).Key.ToArray()).ToList();

        Assert.Equal(expected[5], tree.ForDecryption(1, RatchetKind.Handshake, 5).Key.ToArray());
        Assert.Equal(4, tree.SkippedKeyCount(1, RatchetKind.Handshake)); // 1..4 kept, 0 is outside the window
        Assert.Equal(expected[3], tree.ForDecryption(1, RatchetKind.Handshake, 3).Key.ToArray());
        Assert.Equal(MlsError.GenerationReused, ErrorOf(() => tree.ForDecryption(1, RatchetKind.Handshake, 3)));
        Assert.Equal(MlsError.GenerationReused, ErrorOf(() => tree.ForDecryption(1, RatchetKind.Handshake, 5)));
        Assert.Equal(MlsError.GenerationTooOld, ErrorOf(() => tree.ForDecryption(1, RatchetKind.Handshake, 0)));
        Assert.Equal(expected[1], tree.ForDecryption(1, RatchetKind.Handshake, 1).Key.ToArray());
    }

    [Fact]
    public void WindowSlidesAndForgetsOldSkippedKeys()
    {
        using var tree = NewTree(options: new SecretTreeOptions(OutOfOrderTolerance: 2, MaximumForwardDistance: 100));
        tree.ForDecryption(0, RatchetKind.Application, 3).Clear();  // keeps 1, 2
        tree.ForDecryption(0, RatchetKind.Application, 10).Clear(); // keeps 8, 9; 1, 2 deleted
        Assert.Equal(2, tree.SkippedKeyCount(0, RatchetKind.Application));
        Assert.Equal(MlsError.GenerationTooOld, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, 2)));
        Assert.Equal(MlsError.GenerationTooOld, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, 7)));
        tree.ForDecryption(0, RatchetKind.Application, 8).Clear();
        tree.ForDecryption(0, RatchetKind.Application, 9).Clear();
        Assert.Equal(0, tree.SkippedKeyCount(0, RatchetKind.Application));
    }

    [Fact]
    public void ZeroToleranceKeepsNothingBehind()
    {
        using var tree = NewTree(options: new SecretTreeOptions(OutOfOrderTolerance: 0, MaximumForwardDistance: 100));
        tree.ForDecryption(0, RatchetKind.Application, 4).Clear();
        Assert.Equal(0, tree.SkippedKeyCount(0, RatchetKind.Application));
        Assert.Equal(MlsError.GenerationTooOld, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, 3)));
        Assert.Equal(MlsError.GenerationReused, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, 4)));
    }

    [Fact]
    public void JumpBeyondTheForwardDistanceIsRejectedWithoutChangingState()
    {
        using var tree = NewTree(options: new SecretTreeOptions(OutOfOrderTolerance: 4, MaximumForwardDistance: 10));
        Assert.Equal(MlsError.GenerationTooFar, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, 11)));
        Assert.Equal(MlsError.GenerationTooFar, ErrorOf(() => tree.ForDecryption(0, RatchetKind.Application, uint.MaxValue)));
        Assert.Equal(0UL, tree.NextGeneration(0, RatchetKind.Application));
        tree.ForDecryption(0, RatchetKind.Application, 10).Clear();
        Assert.Equal(11UL, tree.NextGeneration(0, RatchetKind.Application));
    }

    [Fact]
    public void LeafOutsideTheTreeIsAnUnknownSender()
    {
        using var tree = NewTree(4);
        Assert.Equal(MlsError.UnknownSender, ErrorOf(() => tree.ForDecryption(4, RatchetKind.Application, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewTree(3));
    }

    [Fact]
    public void TreeSecretsAreDeletedAsTheyAreConsumed()
    {
        using var tree = NewTree(4);
        Assert.Equal(1, tree.RetainedNodeSecretCount);       // only the root: encryption_secret
        tree.ForDecryption(3, RatchetKind.Application, 0).Clear();
        Assert.Equal(2, tree.RetainedNodeSecretCount);       // E (node 1) and C (node 4) of §9.2's example
        tree.ForDecryption(2, RatchetKind.Application, 0).Clear();
        Assert.Equal(1, tree.RetainedNodeSecretCount);       // E only
        tree.ForDecryption(0, RatchetKind.Application, 0).Clear();
        tree.ForDecryption(1, RatchetKind.Handshake, 0).Clear();
        Assert.Equal(0, tree.RetainedNodeSecretCount);
    }

    [Fact]
    public void ClonesAreIndependent()
    {
        using var original = NewTree();
        using var copy = original.Clone();
        using var k = copy.ForDecryption(1, RatchetKind.Application, 2);
        Assert.Equal(1, original.RetainedNodeSecretCount);
        Assert.Equal(0UL, original.NextGeneration(1, RatchetKind.Application));
        using var again = original.ForDecryption(1, RatchetKind.Application, 2);
        Assert.Equal(k.Key.ToArray(), again.Key.ToArray());

        using var copy2 = original.Clone();
        copy2.Clear();
        using var k0 = original.ForDecryption(1, RatchetKind.Application, 0); // skipped key survived in the original
        Assert.Equal(0u, k0.Generation);
    }

    [Fact]
    public void MessageKeysAreClearedAndRedacted()
    {
        using var tree = NewTree();
        var key = tree.NextForEncryption(0, RatchetKind.Handshake);
        var guarded = key.NonceWithReuseGuard([1, 2, 3, 4]);
        Assert.Equal(key.Nonce[0] ^ 1, guarded[0]);
        Assert.Equal(key.Nonce[4], guarded[4]);
        Assert.Equal("MessageKey(generation 0)", key.ToString());
        key.Clear();
        Assert.Throws<ObjectDisposedException>(() => key.Key.Length);
    }

    [Fact]
    public void SenderDataSampleIsTheWholeCiphertextWhenShort()
    {
        var secret = new byte[Suite.HashLength];
        var shortCt = new byte[] { 1, 2, 3 };
        var longCt = new byte[Suite.HashLength + 10];
        Assert.Equal(3, SecretTree.CiphertextSample(Suite, shortCt).Length);
        Assert.Equal(Suite.HashLength, SecretTree.CiphertextSample(Suite, longCt).Length);
        Assert.Equal(Suite.Aead.KeyLength, SecretTree.SenderDataKey(Suite, secret, shortCt).Length);
        Assert.Equal(Aead.NonceLength, SecretTree.SenderDataNonce(Suite, secret, longCt).Length);
    }
}
