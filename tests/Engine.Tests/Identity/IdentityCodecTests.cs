using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;

namespace Sim.Engine.Tests.Identity;

/// <summary>
/// Wire forms of the identity layer (they travel inside MLS application messages): byte-exact round
/// trips, and every decoder, given random or bit-flipped bytes, either decodes canonically (re-encodes
/// to the same bytes) or throws <see cref="MlsDecodeException"/>, never anything else.
/// </summary>
public sealed class IdentityCodecTests
{
    private static readonly IdentityFixture F = new(suiteId: 1, seed: 11);

    private static byte[] RoundTrip<T>(T value) where T : ITlsCodec<T>
    {
        byte[] bytes = Tls.Serialize(value);
        var decoded = Tls.Deserialize<T>(bytes);
        Assert.Equal(bytes, Tls.Serialize(decoded));
        return bytes;
    }

    private static Card RandomCard(IRandomSource random)
    {
        string Text(int max) => new(Enumerable.Range(0, (int)random.NextUInt64((ulong)max + 1))
            .Select(_ => "aZ09 _-éß€✓"[(int)random.NextUInt64(11)]).ToArray());
        var fields = Enumerable.Range(0, (int)random.NextUInt64(5)).Select(_ => new CardField(Text(12), Text(40))).ToList();
        return new Card(Text(30), fields, random.NextUInt64(ulong.MaxValue));
    }

    [Fact]
    public void CardRoundTripsAndComparesByContent()
    {
        var random = new DeterministicRandomSource(1, "cards");
        for (int i = 0; i < 200; i++)
        {
            var card = RandomCard(random);
            var bytes = RoundTrip(card);
            Assert.Equal(card, Tls.Deserialize<Card>(bytes));
        }
        Assert.NotEqual(IdentityFixture.AliceCard, IdentityFixture.AliceCard with { Fields = [.. IdentityFixture.AliceCard.Fields.Reverse()] });
        Assert.Equal("+1 555 0100", IdentityFixture.AliceCard["phone"]);
        Assert.Null(IdentityFixture.AliceCard["missing"]);
    }

    [Fact]
    public void CardWireFormIsAsSpecified()
    {
        var card = new Card("A", [new CardField("k", "v")], 0x0102030405060708);
        Assert.Equal(Convert.FromHexString("014104016b0176" + "0102030405060708"), Tls.Serialize(card));
    }

    [Fact]
    public void CardVersionOnlyGrows()
    {
        var card = IdentityFixture.AliceCard;
        var next = card.Next(displayName: "Alice 2");
        Assert.Equal(card.Version + 1, next.Version);
        Assert.Equal(card.Fields, next.Fields);
        Assert.Throws<OverflowException>(() => (card with { Version = ulong.MaxValue }).Next());
    }

    [Fact]
    public void AssertionsBindingAndEvidenceRoundTrip()
    {
        var (a, view) = F.Invited();
        var b = F.NewAgent();
        var card = a.AssertCard(view.Card.Next(), IdentityFixture.GroupId);
        var succession = a.Succeed(b.PublicKey, IdentityFixture.GroupId);

        Assert.Equal(card, Tls.Deserialize<CardAssertion>(RoundTrip(card)));
        Assert.Equal(succession, Tls.Deserialize<SuccessionAssertion>(RoundTrip(succession)));
        Assert.Equal(view.Binding, Tls.Deserialize<IdentityBinding>(RoundTrip(view.Binding)));
        foreach (var evidence in new[] { IdentityEvidence.None, IdentityEvidence.ForCard(card), new IdentityEvidence(card, [succession, succession]) })
            Assert.Equal(evidence, Tls.Deserialize<IdentityEvidence>(RoundTrip(evidence)));
        Assert.Equal([0, 0], Tls.Serialize(IdentityEvidence.None));
    }

    [Fact]
    public void BindingExtensionRoundTripsThroughALeaf()
    {
        var (a, view) = F.Invited();
        var leaf = F.UpdateLeaf(a, view.Binding, [new Sim.Engine.Messages.Extension(0xFF02, [9])]);
        Assert.Equal(view.Binding, IdentityBinding.FromLeaf(leaf));
        Assert.Contains(IdentityBinding.ExtensionType, leaf.Capabilities.Extensions);
        Assert.Equal(0xFF02, leaf.Extensions[0].ExtensionType); // other extensions keep their place

        // Rebinding replaces, never duplicates, and support is listed once.
        var rebound = new IdentityBinding([1], [2]).Bind(leaf);
        Assert.Single(rebound.Extensions, e => e.ExtensionType == IdentityBinding.ExtensionType);
        Assert.Single(rebound.Capabilities.Extensions, t => t == IdentityBinding.ExtensionType);
        Assert.Equal(new IdentityBinding([1], [2]), IdentityBinding.FromLeaf(rebound));
        Assert.Equal(view.Binding, IdentityBinding.FromExtension(view.Binding.ToExtension()));
        Assert.Throws<ArgumentException>(() => IdentityBinding.FromExtension(new Sim.Engine.Messages.Extension(0xFF02, [])));
    }

    public static TheoryData<string> Decoders() => new(nameof(Card), nameof(CardField), nameof(CardAssertion),
        nameof(SuccessionAssertion), nameof(IdentityBinding), nameof(IdentityEvidence));

    private static (Func<byte[], byte[]> DecodeEncode, byte[] Valid) Decoder(string name)
    {
        var (a, view) = F.Invited();
        var b = F.NewAgent();
        var card = a.AssertCard(view.Card.Next(), IdentityFixture.GroupId);
        var succession = a.Succeed(b.PublicKey, IdentityFixture.GroupId);
        return name switch
        {
            nameof(Card) => (x => Tls.Serialize(Tls.Deserialize<Card>(x)), Tls.Serialize(view.Card)),
            nameof(CardField) => (x => Tls.Serialize(Tls.Deserialize<CardField>(x)), Tls.Serialize(view.Card.Fields[0])),
            nameof(CardAssertion) => (x => Tls.Serialize(Tls.Deserialize<CardAssertion>(x)), Tls.Serialize(card)),
            nameof(SuccessionAssertion) => (x => Tls.Serialize(Tls.Deserialize<SuccessionAssertion>(x)), Tls.Serialize(succession)),
            nameof(IdentityBinding) => (x => Tls.Serialize(Tls.Deserialize<IdentityBinding>(x)), Tls.Serialize(view.Binding)),
            nameof(IdentityEvidence) => (x => Tls.Serialize(Tls.Deserialize<IdentityEvidence>(x)),
                Tls.Serialize(new IdentityEvidence(card, [succession]))),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    /// <summary>Bad bytes either decode canonically or raise <see cref="MlsDecodeException"/>.</summary>
    private static bool DecodesOrRejects(Func<byte[], byte[]> decodeEncode, byte[] input)
    {
        try
        {
            Assert.Equal(input, decodeEncode(input));
            return true;
        }
        catch (MlsDecodeException)
        {
            return false;
        }
    }

    [Theory, MemberData(nameof(Decoders))]
    public void BitFlippedAndTruncatedBytesRaiseOnlyMlsDecodeException(string name)
    {
        var (decodeEncode, valid) = Decoder(name);
        Assert.True(DecodesOrRejects(decodeEncode, valid));
        var random = new DeterministicRandomSource(3, name);
        int rejected = 0;
        for (int i = 0; i < 1500; i++)
        {
            byte[] input = (byte[])valid.Clone();
            int flips = 1 + (int)random.NextUInt64(3);
            for (int k = 0; k < flips; k++)
                input[random.NextUInt64((ulong)input.Length)] ^= (byte)(1 << (int)random.NextUInt64(8));
            if (!DecodesOrRejects(decodeEncode, input)) rejected++;
        }
        for (int cut = 0; cut < valid.Length; cut++)
            Assert.False(DecodesOrRejects(decodeEncode, valid[..cut]));
        Assert.False(DecodesOrRejects(decodeEncode, [.. valid, 0]));
        Assert.True(rejected > 0);
    }

    [Theory, MemberData(nameof(Decoders))]
    public void RandomBytesRaiseOnlyMlsDecodeException(string name)
    {
        var (decodeEncode, _) = Decoder(name);
        var random = new DeterministicRandomSource(4, name);
        for (int i = 0; i < 3000; i++)
            DecodesOrRejects(decodeEncode, random.NextBytes((int)random.NextUInt64(200)));
    }

    private static readonly Func<byte[], byte[]> EvidenceDecoder = Decoder(nameof(IdentityEvidence)).DecodeEncode;

    /// <summary>FsCheck: any other exception (or a non-canonical decode) fails the property.</summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public void ArbitraryBytesToEvidenceDecodeOrRaiseMlsDecodeException(byte[] input) => DecodesOrRejects(EvidenceDecoder, input ?? []);
}
