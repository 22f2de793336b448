using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Engine.Tests.Support;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// PAIRMLS.md "Old datagrams are recognised": a party keeps the header keys of its last H epochs
/// (default 64) only to recognise old datagrams, so a replayed honest datagram is Duplicate or
/// Expired, never "not for this session"; NotForThisSession is for bytes no held key opens.
/// </summary>
public sealed class PairRecognitionTests
{
    private const int Messages = 300;
    private const int Bursts = 40;

    private sealed record Sent(byte[] Datagram, string Payload, ulong Epoch, bool ToAlice);

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void EveryDatagramOfAConversation_ReplayedTwiceInRandomOrder_IsDuplicateOrExpired(ushort suite)
    {
        var kit = new PairTestKit(seed: 300UL + suite, suite: suite).Joined("w0");
        var (a, b) = (kit.A, kit.Bob);
        var random = new DeterministicRandomSource(suite, "script");
        var sent = new List<Sent>();
        var deliveredTo = new Dictionary<bool, HashSet<string>> { [true] = ["w0"], [false] = [] };

        // 300 messages in 40 bursts (so fewer than H epochs), with card edits and agent rollovers;
        // one in ten is dropped the first time.
        int n = 0;
        for (int burst = 0; burst < Bursts; burst++)
        {
            bool fromAlice = burst % 2 == 0;
            var (from, to) = fromAlice ? (a, b) : (b, a);
            int length = burst == Bursts - 1 ? Messages - n : (int)random.NextUInt64(2) + Messages / Bursts - 1;
            for (int i = 0; i < length; i++, n++)
            {
                string payload = $"{(fromAlice ? "a" : "b")}{n}";
                var edit = n % 25 == 24 ? new CardEdit($"{(fromAlice ? "Alice" : "Bob")} {n}") : null;
                var result = from.Send(Bytes(payload), edit, rollOverAgent: n % 60 == 59);
                sent.Add(new Sent(result.Datagram, payload, result.Epoch, !fromAlice));
                if (random.NextUInt64(10) == 0) continue;
                Assert.IsType<Delivered>(to.Receive(result.Datagram));
                deliveredTo[!fromAlice].Add(payload);
            }
        }
        Exchange(a, b, "sync a");
        Exchange(b, a, "sync b");
        AssertConverged(a, b);
        Assert.InRange(a.Epoch - b.WelcomeEpoch, (ulong)Bursts, (ulong)PairOptions.DefaultHeaderKeyHorizon - 2);

        // Each party gets every datagram addressed to it again, shuffled, twice.
        int expired = 0, duplicate = 0;
        for (int round = 0; round < 2; round++)
            foreach (var s in Shuffled(sent, random))
            {
                var receiver = s.ToAlice ? a : b;
                var before = receiver.Save();
                var outcome = receiver.Receive(s.Datagram);
                string where = $"suite {suite}, round {round}: {s.Payload} (epoch {s.Epoch}) to {(s.ToAlice ? "Alice" : "Bob")} in {receiver.Epoch}: {outcome}";
                switch (outcome)
                {
                    case Delivered d:
                        Assert.True(deliveredTo[s.ToAlice].Add(Text(d.Payload)), "delivered twice: " + where);
                        break;
                    case Duplicate:
                        duplicate++;
                        Assert.Contains(s.Payload, deliveredTo[s.ToAlice]);
                        Assert.Equal(before, receiver.Save());
                        break;
                    case Expired:
                        expired++;
                        Assert.Equal(before, receiver.Save());
                        break;
                    // The invitation's init key also opens the Welcome, so it is deleted after R + 2 epochs
                    // (PairOptions.WelcomeHorizon): epoch w's datagrams are the one documented exception.
                    case Rejected { Reason: RejectReason.NotForThisSession } when s.Epoch == b.WelcomeEpoch
                        && s.Epoch + (ulong)kit.Options.RetentionWindow + 2 < receiver.Epoch:
                        break;
                    default:
                        Assert.Fail(where);
                        break;
                }
            }
        Assert.True(expired > 0 && duplicate > 0, $"expired {expired}, duplicate {duplicate}");

        // A third session of the same suite: none of its datagrams opens here.
        var other = new PairTestKit(seed: 700UL + suite, suite: suite).Joined();
        var foreign = new List<byte[]>();
        for (int i = 0; i < 6; i++)
        {
            var (from, to) = i % 2 == 0 ? (other.A, other.Bob) : (other.Bob, other.A);
            var d = from.Send(Bytes("elsewhere " + i)).Datagram;
            Assert.IsType<Delivered>(to.Receive(d));
            foreign.Add(d);
        }
        foreach (var d in foreign)
            foreach (var receiver in new[] { a, b })
                Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(receiver.Receive(d)).Reason);
    }

    [Fact]
    public void DatagramOlderThanHEpochs_IsNotForThisSession()
    {
        var options = PairOptions.Default with { HeaderKeyHorizon = 4 };
        var kit = new PairTestKit(seed: 31, options).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var old = b.Send(Bytes("old"));
        Assert.IsType<Delivered>(a.Receive(old.Datagram));
        for (int i = 0; i < 2; i++)
        {
            Exchange(a, b, "a" + i);
            Exchange(b, a, "b" + i);
        }
        Assert.Equal(old.Epoch + 4, a.Epoch);
        Assert.IsType<Expired>(a.Receive(old.Datagram));
        Exchange(a, b, "one more");
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(a.Receive(old.Datagram)).Reason);
    }

    [Fact]
    public void HeaderKeyHorizonBelowRPlusTwo_IsRefusedByName()
    {
        var options = PairOptions.Default with { RetentionWindow = 5, HeaderKeyHorizon = 6 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Invitation.Create(AliceCard, options, new DeterministicRandomSource(1)));
        Assert.Equal(nameof(PairOptions.HeaderKeyHorizon), e.ParamName);
        Assert.Equal(64, PairOptions.Default.Horizon);
        Assert.Equal(102, (PairOptions.Default with { RetentionWindow = 100 }).Horizon);
    }

    private static List<Sent> Shuffled(List<Sent> items, IRandomSource random)
    {
        var list = items.ToList();
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = (int)random.NextUInt64((ulong)i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
