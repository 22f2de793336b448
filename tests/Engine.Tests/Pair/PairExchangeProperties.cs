using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Xunit.Abstractions;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// The exchange property (PAIRMLS.md "Invariants the simulator checks", at engine level): random
/// scripts of sends (plain, card edit, agent rollover), deliveries in any order, duplicates, drops
/// and crash-restarts from the saved state, on a conversation that has just been accepted. During
/// the script (safety): nothing throws; an honest datagram is Delivered, Duplicate or Expired (or,
/// older than the header-key horizon, not recognised); nothing is delivered twice; every delivered
/// datagram is in an epoch its sender owns; the two sides are never more than one epoch apart and
/// epochs only grow; no fork. Afterwards (liveness: faults stop): two round trips commit every
/// pending identity change and the sides converge (epoch, epoch authenticator, tree hash, group
/// context, each other's committed identity).
/// </summary>
public sealed class PairExchangeProperties(ITestOutputHelper output)
{
    public enum OpKind { SendPlain, SendEdit, SendRollover, Deliver, Duplicate, Drop, Crash }

    public sealed record Op(OpKind Kind, bool ToAlice, int Index);

    private sealed class Side(string name, PairSession session)
    {
        public string Name { get; } = name;
        public PairSession Session { get; set; } = session;
        public List<(byte[] Datagram, ulong Epoch, string Payload)> Inbox { get; } = [];
        public HashSet<string> Delivered { get; } = [];
        public ulong LastEpoch { get; set; } = session.Epoch;
    }

    private static Gen<Op> OpGen =>
        from kind in Gen.Frequency((4, Gen.Constant(OpKind.SendPlain)), (1, Gen.Constant(OpKind.SendEdit)), (1, Gen.Constant(OpKind.SendRollover)),
            (6, Gen.Constant(OpKind.Deliver)), (1, Gen.Constant(OpKind.Duplicate)), (1, Gen.Constant(OpKind.Drop)), (1, Gen.Constant(OpKind.Crash)))
        from toAlice in Gen.Elements(true, false)
        from index in Gen.Choose(-3, 3)
        select new Op(kind, toAlice, index);

    private static Arbitrary<(ulong Seed, Op[] Script)> Scripts() =>
        (from seed in Gen.Choose(0, 1_000_000)
         from script in Gen.ArrayOf(OpGen).Resize(30)
         select ((ulong)seed, script)).ToArbitrary();

    private static void Run(ulong seed, Op[] script, Dictionary<string, int> counts)
    {
        var kit = new PairTestKit(seed);
        var w = kit.Bob.Send(Bytes("b-w"));
        var alice = kit.Invitation.TryJoin(w.Datagram, out _) ?? throw new Xunit.Sdk.XunitException("join failed");
        var a = new Side("alice", alice);
        var b = new Side("bob", kit.Bob);
        a.Delivered.Add("b-w");
        int n = 0;
        foreach (var op in script)
        {
            var (to, from) = op.ToAlice ? (a, b) : (b, a);
            switch (op.Kind)
            {
                case OpKind.SendPlain or OpKind.SendEdit or OpKind.SendRollover:
                {
                    string payload = $"{from.Name}-{n++}";
                    var sent = from.Session.Send(Bytes(payload), op.Kind == OpKind.SendEdit ? new CardEdit(payload) : null, op.Kind == OpKind.SendRollover);
                    to.Inbox.Add((sent.Datagram, sent.Epoch, payload));
                    break;
                }
                case OpKind.Deliver or OpKind.Duplicate or OpKind.Drop when to.Inbox.Count > 0:
                {
                    int i = ((op.Index % to.Inbox.Count) + to.Inbox.Count) % to.Inbox.Count;
                    var item = to.Inbox[i];
                    if (op.Kind != OpKind.Duplicate) to.Inbox.RemoveAt(i);
                    if (op.Kind != OpKind.Drop) Receive(to, item, kit.Options, counts);
                    break;
                }
                case OpKind.Crash:
                    to.Session = PairSession.Load(to.Session.Save(), kit.Options, new DeterministicRandomSource(seed + (ulong)n++, "restart"));
                    break;
            }
            CheckInvariants(a, b);
        }

        // Liveness: faults stop, everything in flight arrives, then two round trips.
        foreach (var side in new[] { a, b })
            foreach (var item in side.Inbox.ToList()) Receive(side, item, kit.Options, counts);
        for (int round = 0; round < 2; round++)
        {
            Exchange(a.Session, b.Session, $"live-a-{round}");
            Exchange(b.Session, a.Session, $"live-b-{round}");
        }
        Exchange(a.Session, b.Session, "last");
        Assert.False(a.Session.HasPendingIdentity);
        Assert.False(b.Session.HasPendingIdentity);
        AssertConverged(a.Session, b.Session);
        Assert.Equal(a.Session.DesiredCard, b.Session.PeerView.Card);
        Assert.Equal(b.Session.DesiredCard, a.Session.PeerView.Card);
    }

    private static void Receive(Side to, (byte[] Datagram, ulong Epoch, string Payload) item, PairOptions options, Dictionary<string, int> counts)
    {
        var outcome = to.Session.Receive(item.Datagram);
        counts[outcome.GetType().Name] = counts.GetValueOrDefault(outcome.GetType().Name) + 1;
        switch (outcome)
        {
            case Delivered d:
                if (!to.Delivered.Add(item.Payload)) throw new Xunit.Sdk.XunitException($"{item.Payload} delivered twice");
                Assert.Equal(item.Payload, Text(d.Payload));
                Assert.Equal(item.Epoch, d.Epoch);
                Assert.False(to.Session.IsOwner(d.Epoch), "delivered in an epoch its sender does not own");
                break;
            case Duplicate:
                Assert.Contains(item.Payload, to.Delivered);
                break;
            case Expired:
                break;
            case Rejected { Reason: RejectReason.NotForThisSession } when item.Epoch + (ulong)(options.RetentionWindow + 2) < to.Session.Epoch:
                break;
            default:
                throw new Xunit.Sdk.XunitException($"{to.Name} got {outcome} for {item.Payload} (epoch {item.Epoch}, receiver in {to.Session.Epoch})");
        }
    }

    private static void CheckInvariants(Side a, Side b)
    {
        Assert.InRange((long)a.Session.Epoch - (long)b.Session.Epoch, -1, 1);
        foreach (var s in new[] { a, b })
        {
            Assert.True(s.Session.Epoch >= s.LastEpoch, "epoch went back");
            s.LastEpoch = s.Session.Epoch;
            Assert.Equal(0, s.Session.ForksDetected);
        }
    }

    [Fact]
    public void RandomScriptsStaySafe_AndConvergeOnceFaultsStop()
    {
        var counts = new Dictionary<string, int>();
        int scripts = 0;
        var property = Prop.ForAll(Scripts(), x =>
        {
            Run(x.Seed, x.Script, counts);
            scripts++;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true).WithName("pair exchange"), property);
        output.WriteLine($"PAIR EXCHANGE {scripts} scripts; outcomes: {string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(counts.GetValueOrDefault(nameof(Delivered)) > 0);
    }
}
