using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Messages;

namespace Sim.Engine.Tests.Framing;

/// <summary>Round trips and malformed input for the RFC 9420 §6 framing structures.</summary>
public sealed class FramingCodecTests
{
    private static readonly byte[] Tag = Samples.Bytes(32, 0x7A);

    private static T RoundTrip<T>(T value) where T : ITlsCodec<T>
    {
        var bytes = Tls.Serialize(value);
        var back = Tls.Deserialize<T>(bytes);
        Assert.Equal(bytes, Tls.Serialize(back));
        return back;
    }

    public static TheoryData<SenderType, ContentType> SendersAndTypes()
    {
        var data = new TheoryData<SenderType, ContentType>();
        foreach (var s in Enum.GetValues<SenderType>())
            foreach (var t in Enum.GetValues<ContentType>())
                data.Add(s, t);
        return data;
    }

    private static Sender SenderOf(SenderType type) => type switch
    {
        SenderType.Member => Sender.Member(3),
        SenderType.External => Sender.External(1),
        SenderType.NewMemberProposal => Sender.NewMemberProposal(),
        _ => Sender.NewMemberCommit(),
    };

    [Theory]
    [MemberData(nameof(SendersAndTypes))]
    public void MembershipTagIsPresentExactlyForMembers(SenderType senderType, ContentType contentType)
    {
        bool member = senderType == SenderType.Member;
        var message = new PublicMessage(Samples.Content(SenderOf(senderType), contentType), Samples.Auth(contentType),
            member ? Tag : null);
        var back = RoundTrip(MlsMessage.From(message)).PublicMessage!;
        Assert.Equal(member ? Tag : null, back.MembershipTag);
        Assert.Equal(contentType == ContentType.Commit, back.Auth.ConfirmationTag is not null);
        Assert.Equal(SenderOf(senderType), back.Content.Sender);

        // The other presence cannot be encoded.
        Assert.Throws<InvalidOperationException>(() => Tls.Serialize(message with { MembershipTag = member ? null : Tag }));
    }

    [Fact]
    public void MemberMessageWithoutTagBytesIsTruncated()
    {
        var message = new PublicMessage(Samples.Content(Sender.Member(0), ContentType.Application),
            Samples.Auth(ContentType.Application), Tag);
        var bytes = Tls.Serialize(message);
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<PublicMessage>(bytes[..^(Tag.Length + 1)]));
    }

    [Fact]
    public void ConfirmationTagOnlyForCommits()
    {
        Assert.Throws<InvalidOperationException>(() =>
            new FramedContentAuthData([1], null).Encode(new TlsWriter(), ContentType.Commit));
        Assert.Throws<InvalidOperationException>(() =>
            new FramedContentAuthData([1], [2]).Encode(new TlsWriter(), ContentType.Proposal));
    }

    [Fact]
    public void UnknownSenderTypeIsRejected()
    {
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Sender>([0]));
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<Sender>([5, 0, 0, 0, 0]));
    }

    [Fact]
    public void UnknownContentTypeIsRejected()
    {
        var bytes = Tls.Serialize(Samples.Content(Sender.External(0), ContentType.Application));
        int typeAt = 9 + 8 + 5 + 2; // group_id<V>(8), epoch, sender (5), authenticated_data<V>(1)
        Assert.Equal((byte)ContentType.Application, bytes[typeAt]);
        bytes[typeAt] = 4;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<FramedContent>(bytes));
        bytes[typeAt] = 0;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<FramedContent>(bytes));
    }

    [Fact]
    public void PrivateMessageRoundTripsAndRejectsUnknownContentType()
    {
        var message = new PrivateMessage([1, 2], 7, ContentType.Commit, [3], Samples.Bytes(12, 4), Samples.Bytes(40, 5));
        var back = RoundTrip(MlsMessage.From(message));
        Assert.Equal(WireFormat.PrivateMessage, back.WireFormat);
        var bytes = Tls.Serialize(message);
        bytes[3 + 8] = 9;
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<PrivateMessage>(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0, 2, 0, 3 })] // version 2
    [InlineData(new byte[] { 0, 0, 0, 3 })] // version 0
    [InlineData(new byte[] { 0, 1, 0, 6 })] // wire format 6
    [InlineData(new byte[] { 0, 1, 0, 0 })] // wire format 0
    public void UnknownVersionOrWireFormatIsRejected(byte[] header)
    {
        var welcome = Tls.Serialize(new Welcome(1, [], [1]));
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<MlsMessage>([.. header, .. welcome]));
    }

    [Fact]
    public void EveryWireFormatRoundTrips()
    {
        Assert.Equal(WireFormat.Welcome, RoundTrip(MlsMessage.From(new Welcome(1,
            [new EncryptedGroupSecrets([1], new HpkeCiphertext([2], [3]))], [4]))).WireFormat);
        Assert.Equal(WireFormat.GroupInfo, RoundTrip(MlsMessage.From(new GroupInfo(Samples.Context(), [], [1], 0, [2]))).WireFormat);
        Assert.Equal(WireFormat.KeyPackage, RoundTrip(MlsMessage.From(Samples.KeyPackage())).WireFormat);
    }

    [Theory]
    [InlineData(ContentType.Application, 0)]
    [InlineData(ContentType.Proposal, 5)]
    [InlineData(ContentType.Commit, 300)]
    public void PrivateMessageContentRoundTripsWithPadding(ContentType type, int padding)
    {
        var framed = Samples.Content(Sender.Member(1), type);
        var content = PrivateMessageContent.From(framed, Samples.Auth(type), padding);
        var bytes = content.Serialize();
        Assert.All(bytes[^padding..], b => Assert.Equal(0, b));
        var back = PrivateMessageContent.Deserialize(bytes, type);
        Assert.Equal(padding, back.PaddingLength);
        Assert.Equal(bytes, back.Serialize());
    }

    [Fact]
    public void NonZeroPaddingIsRejected()
    {
        var content = PrivateMessageContent.From(Samples.Content(Sender.Member(1), ContentType.Application),
            Samples.Auth(ContentType.Application), 8);
        var bytes = content.Serialize();
        bytes[^3] = 1;
        Assert.Throws<MlsDecodeException>(() => PrivateMessageContent.Deserialize(bytes, ContentType.Application));
    }

    [Fact]
    public void FramedContentTbsCarriesTheContextForMemberAndNewMemberCommitSendersOnly()
    {
        var context = Samples.Context();
        var contextBytes = Tls.Serialize(context);
        foreach (var senderType in Enum.GetValues<SenderType>())
        {
            var content = Samples.Content(SenderOf(senderType), ContentType.Application);
            var prefix = (byte[])[0, 1, 0, 1, .. Tls.Serialize(content)];
            var tbs = content.ToBeSigned(WireFormat.PublicMessage, context);
            bool withContext = senderType is SenderType.Member or SenderType.NewMemberCommit;
            Assert.Equal(withContext ? [.. prefix, .. contextBytes] : prefix, tbs);
            if (withContext)
                Assert.Throws<ArgumentException>(() => content.ToBeSigned(WireFormat.PublicMessage, null));
        }
    }

    [Fact]
    public void MembershipTagInputIsTbsThenAuth()
    {
        var context = Samples.Context();
        var message = new PublicMessage(Samples.Content(Sender.Member(2), ContentType.Commit), Samples.Auth(ContentType.Commit), Tag);
        var auth = new TlsWriter();
        message.Auth.Encode(auth, ContentType.Commit);
        Assert.Equal([.. message.Content.ToBeSigned(WireFormat.PublicMessage, context), .. auth.ToArray()],
            message.ToBeMacced(context));
        var authenticated = RoundTrip(message.ToAuthenticatedContent());
        Assert.Equal(WireFormat.PublicMessage, authenticated.WireFormat);
    }

    [Fact]
    public void SenderDataAndAadsRoundTrip()
    {
        var senderData = new SenderData(5, 9, [1, 2, 3, 4]);
        Assert.Equal(12, Tls.Serialize(senderData).Length);
        RoundTrip(senderData);
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<SenderData>([0, 0, 0, 5, 0, 0, 0, 9, 1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => Tls.Serialize(senderData with { ReuseGuard = [1] }));
        RoundTrip(new SenderDataAad([1, 2], 3, ContentType.Proposal));
        RoundTrip(new PrivateContentAad([1, 2], 3, ContentType.Application, [4, 5]));
        Assert.Throws<MlsDecodeException>(() => Tls.Deserialize<SenderDataAad>([1, 1, 0, 0, 0, 0, 0, 0, 0, 3, 7]));
    }
}
