using System.Buffers.Binary;
using Sim.Engine.Codec;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// PAIRMLS.md "Framing", item 4: the seal hides the group id, the epoch and the stapled handshake
/// messages from the network. A sealed datagram (of epoch w, HPKE-sealed, and of later epochs,
/// AEAD-sealed under the exporter of the previous epoch) contains neither the group id, nor the
/// epoch as 8-byte big-endian, nor any 16-byte window of the stapled Commit/Welcome or proposal.
/// </summary>
public sealed class MetadataTests
{
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    public void SealedDatagramHidesGroupIdEpochAndStapledHandshakes(ushort suite)
    {
        var kit = new PairTestKit(seed: 30UL + suite, suite: suite);
        var first = kit.Bob.Send(Bytes("w"));
        var alice = kit.Invitation.TryJoin(first.Datagram, out _)!;
        var a = alice.Send(Bytes("a"), new CardEdit("Alice 2"));
        Assert.IsType<Delivered>(kit.Bob.Receive(a.Datagram));
        var b = kit.Bob.Send(Bytes("b"), rollOverAgent: true);
        // Alice holds every key needed to look inside all three (the init key, and the header keys of w+1 and w+2).
        var datagrams = new[] { first.Datagram, a.Datagram, b.Datagram };

        byte[] groupId = kit.Bob.ConversationId;
        foreach (var datagram in datagrams)
        {
            var body = alice.Inspect(datagram) ?? throw new InvalidOperationException("Alice cannot open a datagram of her conversation");
            Assert.False(Contains(datagram, groupId), "group id in clear");
            var epoch = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(epoch, body.Epoch);
            Assert.False(Contains(datagram, epoch), "epoch in clear");
            foreach (var stapled in new[] { body.Staple.Message, Tls.Serialize(body.Proposal), Tls.Serialize(body.Staple) })
                for (int i = 0; i + 16 <= stapled.Length; i++)
                    Assert.False(Contains(datagram, stapled.AsSpan(i, 16)), $"16 bytes of a stapled message at offset {i} in clear");
        }
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;
}
