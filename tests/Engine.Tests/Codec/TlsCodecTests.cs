using Sim.Engine.Codec;

namespace Sim.Engine.Tests.Codec;

public sealed class TlsCodecTests
{
    [Theory]
    [InlineData(new byte[] { 0x40, 0x3F })]       // 63 in two bytes
    [InlineData(new byte[] { 0x80, 0x00, 0x3F, 0xFF })] // 16383 in four bytes
    public void NonMinimalVarintIsRejected(byte[] bytes)
    {
        Assert.Throws<MlsDecodeException>(() => new TlsReader(bytes).ReadVarint());
    }

    [Fact]
    public void VarintPrefix11IsRejected() =>
        Assert.Throws<MlsDecodeException>(() => new TlsReader(new byte[] { 0xC0, 0, 0, 0, 0, 0, 0, 1 }).ReadVarint());

    [Fact]
    public void HugeDeclaredLengthIsRejectedBeforeAllocation() =>
        Assert.Throws<MlsDecodeException>(() => new TlsReader(new byte[] { 0xBF, 0xFF, 0xFF, 0xFF, 1, 2 }).ReadOpaque());

    [Fact]
    public void NestedVectorsRoundTrip()
    {
        var w = new TlsWriter(16);
        var items = Enumerable.Range(0, 100).Select(i => Enumerable.Repeat((byte)i, i).ToArray()).ToList();
        w.WriteVector(items, (x, b) => x.WriteOpaque(b));
        w.WriteUInt16(0xBEEF);
        var r = new TlsReader(w.WrittenSpan);
        var back = r.ReadVector((ref TlsReader x) => x.ReadOpaque());
        Assert.Equal(0xBEEF, r.ReadUInt16());
        r.EnsureEnd();
        Assert.Equal(items, back);
    }

    [Fact]
    public void OptionalPresenceMustBeZeroOrOne() =>
        Assert.Throws<MlsDecodeException>(() => new TlsReader(new byte[] { 2 }).ReadPresence());

    [Fact]
    public void TruncatedReadsThrowDecodeException()
    {
        Assert.Throws<MlsDecodeException>(() => new TlsReader(new byte[] { 1 }).ReadUInt16());
        Assert.Throws<MlsDecodeException>(() => new TlsReader(new byte[] { 5, 1, 2 }).ReadOpaque());
        Assert.Throws<MlsDecodeException>(() => new TlsReader(ReadOnlySpan<byte>.Empty).ReadVarint());
    }
}
