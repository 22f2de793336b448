using Akka.Actor;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Network;

/// <summary>
/// The network between the two parties: applies the <see cref="FaultProfile"/> in force on a
/// datagram's link at the time it is sent, and replies with the deliveries to schedule (virtual
/// times) and the faults applied, which the world records. It keeps no clock: the world passes the
/// time with each transmission.
/// <para>
/// Randomness: transmission k draws from its own streams, derived from the world's "faults" source
/// (decisions, bit positions, replay choice, forged bytes) and "network" source (delays). Decisions
/// are six uniform draws made whatever the probabilities, so changing one probability (as shrinking
/// does) does not reshuffle the rest of the world.
/// </para>
/// </summary>
public sealed class NetworkActor : ReceiveActor
{
    // ------------------------------------------------------------------ messages

    /// <summary>A party hands <paramref name="Datagram"/> to the network at <paramref name="NowMs"/>. Reply: <see cref="Transmitted"/>.</summary>
    public sealed record Transmit(long NowMs, LinkDirection Link, byte[] Datagram)
    {
        /// <summary>The header keys the sender holds, for the insider (only when the profile has one); the network keeps what it learns.</summary>
        public PairInsider? Keys { get; init; }
    }

    /// <summary>What became of a transmission: the deliveries to schedule, in order, and the faults applied (trace drafts: the world stamps time, sequence, sender and receiver).</summary>
    public sealed record Transmitted(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<FaultEvent> Faults);

    /// <summary>
    /// <paramref name="Bytes"/> arrive at the receiving end of <paramref name="Link"/> at <paramref name="AtMs"/>;
    /// <paramref name="DatagramId"/> is the id of those bytes; <paramref name="Via"/> names the fault that made
    /// this copy (duplicate, corrupt, replay, inject), null for the datagram itself.
    /// </summary>
    public sealed record Delivery(long AtMs, LinkDirection Link, byte[] Bytes, string DatagramId, long SentMs, string? Via = null);

    /// <summary>
    /// A delivery falls due at <paramref name="NowMs"/>: the network decides whether it still arrives.
    /// A partition that started while the datagram was in flight cuts it (PAIRMLS.md "Fault model":
    /// partitions cut datagrams already in flight). Reply: <see cref="Arrival"/>.
    /// </summary>
    public sealed record Arrive(long NowMs, Delivery Delivery);

    /// <summary>Whether the delivery arrives; when not, the fault to record (partition, why "in_flight").</summary>
    public sealed record Arrival(FaultEvent? Cut);

    /// <summary>From now on use <paramref name="Profile"/> (the liveness phase turns faults off). Reply: <see cref="ProfileInUse"/>.</summary>
    public sealed record UseProfile(FaultProfile Profile);
    /// <summary>The foreign datagrams the network may inject (another session's, a rival acceptor's). Reply: <see cref="ProfileInUse"/>.</summary>
    public sealed record UseForeign(ForeignDatagrams Datagrams);
    public sealed record ProfileInUse(FaultProfile Profile);

    // ------------------------------------------------------------------ state

    private readonly DeterministicRandomSource _faults;
    private readonly DeterministicRandomSource _latency;
    private readonly int _memory;
    /// <summary>How many of the newest datagrams of a link an ordinary replay picks from (a whole-history replay picks from all it remembers).</summary>
    private readonly int _recent;
    private readonly Dictionary<LinkDirection, List<byte[]>> _history = new()
    {
        [LinkDirection.AliceToBob] = [],
        [LinkDirection.BobToAlice] = [],
    };
    private FaultProfile _profile;
    private long _transmissions;
    private ForeignDatagrams _foreign = ForeignDatagrams.None;
    /// <summary>The insider: every header key the parties' sends taught it (one transport carries both links).</summary>
    private PairInsider? _insider;
    /// <summary>Per link: when the current hold spell releases, and how many datagrams it holds.</summary>
    private readonly Dictionary<LinkDirection, (long Until, int Held)> _hold = [];
    /// <summary>A hold spell releases at most this many datagrams in order (one virtual ms apart); more are released together.</summary>
    private const int HoldSlots = 1000;

    public NetworkActor(FaultProfile profile, DeterministicRandomSource faults, DeterministicRandomSource latency, int memory = 32, int recent = 32)
    {
        _profile = profile ?? throw new ArgumentNullException(nameof(profile));
        _faults = faults ?? throw new ArgumentNullException(nameof(faults));
        _latency = latency ?? throw new ArgumentNullException(nameof(latency));
        _memory = Math.Max(0, memory);
        _recent = Math.Max(1, recent);

        Receive<Transmit>(m =>
        {
            object reply;
            try { reply = OnTransmit(m); }
            catch (Exception e) { reply = new Status.Failure(e); }
            Sender.Tell(reply);
        });
        Receive<Arrive>(m => Sender.Tell(new Arrival(
            _profile.CutsInFlight(m.Delivery.Link, m.Delivery.SentMs, m.NowMs)
                ? new FaultEvent { Fault = FaultNames.Partition, Datagram = m.Delivery.DatagramId, Why = "in_flight" }
                : null)));
        Receive<UseForeign>(m =>
        {
            _foreign = m.Datagrams ?? ForeignDatagrams.None;
            Sender.Tell(new ProfileInUse(_profile));
        });
        Receive<UseProfile>(m =>
        {
            _profile = m.Profile ?? throw new ArgumentNullException(nameof(m));
            Sender.Tell(new ProfileInUse(_profile));
        });
    }

    public static Props Props(FaultProfile profile, DeterministicRandomSource faults, DeterministicRandomSource latency, int memory = 32, int recent = 32) =>
        Akka.Actor.Props.Create(() => new NetworkActor(profile, faults, latency, memory, recent));

    private Transmitted OnTransmit(Transmit m)
    {
        if (m.Link == LinkDirection.Both) throw new ArgumentException("a datagram travels one way", nameof(m));
        long k = _transmissions++;
        var decide = _faults.Derive($"transmit/{k}");
        var delays = _latency.Derive($"transmit/{k}");
        string id = TraceLog.IdOf(m.Datagram);
        var deliveries = new List<Delivery>();
        var faults = new List<FaultEvent>();
        var history = _history[m.Link];

        // A partition cuts the link at the time of sending: nothing crosses, not even the adversary's extras.
        if (_profile.IsPartitioned(m.Link, m.NowMs))
        {
            faults.Add(new FaultEvent { Fault = FaultNames.Partition, Datagram = id });
            return new Transmitted(deliveries, faults);
        }

        var f = _profile.At(m.Link, m.NowMs);
        double uDrop = decide.NextDouble(), uDuplicate = decide.NextDouble(), uReorder = decide.NextDouble();
        double uCorrupt = decide.NextDouble(), uReplay = decide.NextDouble(), uInject = decide.NextDouble();

        if (uDrop < f.DropProbability)
        {
            faults.Add(new FaultEvent { Fault = FaultNames.Drop, Datagram = id });
        }
        else
        {
            int copies = 1;
            if (uDuplicate < f.DuplicateProbability && f.DuplicateCopies > 0)
            {
                int extra = f.RandomCounts ? 1 + (int)decide.NextUInt64((ulong)f.DuplicateCopies) : f.DuplicateCopies;
                copies += extra;
                faults.Add(new FaultEvent { Fault = FaultNames.Duplicate, Datagram = id, DeliverId = id, Copies = extra });
            }
            // Hold-and-release draws from its own stream, so turning it on changes no other decision.
            long? heldUntil = null;
            if (f.HoldProbability > 0 && _faults.Derive($"hold/{k}") is var holdRandom && holdRandom.NextDouble() < f.HoldProbability)
            {
                var (until, held) = _hold.GetValueOrDefault(m.Link);
                if (m.NowMs >= until) (until, held) = (m.NowMs + Math.Max(1, f.HoldMs), 0);
                int slot = f.HoldOrder switch
                {
                    HoldOrder.InOrder => Math.Min(held, HoldSlots),
                    HoldOrder.Reversed => Math.Max(0, HoldSlots - held),
                    _ => (int)holdRandom.NextUInt64(HoldSlots),
                };
                _hold[m.Link] = (until, held + 1);
                heldUntil = until + slot;
                faults.Add(new FaultEvent { Fault = FaultNames.Hold, Datagram = id, ExtraMs = heldUntil - m.NowMs, Why = f.HoldOrder.ToString().ToLowerInvariant() });
            }
            long holdBack = 0;
            if (uReorder < f.ReorderProbability && f.ReorderExtraMs > 0)
            {
                holdBack = f.ReorderExtraMs;
                faults.Add(new FaultEvent { Fault = FaultNames.Delay, Datagram = id, ExtraMs = holdBack });
            }
            for (int c = 0; c < copies; c++)
            {
                long at = heldUntil ?? m.NowMs + Delay(f, delays) + holdBack;
                // The datagram's own copy uses the fixed draw; further copies draw on.
                bool corrupt = (c == 0 ? uCorrupt : decide.NextDouble()) < f.CorruptProbability && m.Datagram.Length > 0;
                if (corrupt)
                {
                    int bits = f.RandomCounts ? 1 + (int)decide.NextUInt64((ulong)Math.Max(1, f.CorruptBits)) : Math.Max(1, f.CorruptBits);
                    var bytes = Corrupt(m.Datagram, bits, decide);
                    string newId = TraceLog.IdOf(bytes);
                    faults.Add(new FaultEvent { Fault = FaultNames.Corrupt, Datagram = id, DeliverId = newId, Bits = Math.Min(bits, m.Datagram.Length * 8) });
                    deliveries.Add(new Delivery(at, m.Link, bytes, newId, m.NowMs, FaultNames.Corrupt));
                }
                else deliveries.Add(new Delivery(at, m.Link, m.Datagram, id, m.NowMs, c == 0 ? null : FaultNames.Duplicate));
            }
        }

        if (uReplay < f.ReplayProbability && history.Count > 0)
        {
            // The newest datagrams the network remembers by default, or (whole history) every one it carried on this link.
            int window = f.ReplayWholeHistory ? history.Count : Math.Min(history.Count, _recent);
            var old = history[history.Count - window + (int)decide.NextUInt64((ulong)window)];
            string oldId = TraceLog.IdOf(old);
            faults.Add(new FaultEvent { Fault = FaultNames.Replay, Datagram = id, DeliverId = oldId });
            deliveries.Add(new Delivery(m.NowMs + Delay(f, delays), m.Link, old, oldId, m.NowMs, FaultNames.Replay));
        }
        if (uInject < f.InjectProbability)
        {
            var forged = decide.NextBytes(Math.Max(1, m.Datagram.Length));
            string forgedId = TraceLog.IdOf(forged);
            faults.Add(new FaultEvent { Fault = FaultNames.Inject, Datagram = id, DeliverId = forgedId, Bytes = forged.Length, Why = "random" });
            deliveries.Add(new Delivery(m.NowMs + Delay(f, delays), m.Link, forged, forgedId, m.NowMs, FaultNames.Inject));
        }

        // Another session's honest bytes, or a rival acceptor's (towards the inviter only): their own stream again.
        if (f.ForeignProbability > 0 || f.RivalProbability > 0)
        {
            var foreign = _faults.Derive($"foreign/{k}");
            double uForeign = foreign.NextDouble(), uRival = foreign.NextDouble();
            if (uForeign < f.ForeignProbability && _foreign.ThirdSession.Count > 0)
                Inject(_foreign.ThirdSession[(int)foreign.NextUInt64((ulong)_foreign.ThirdSession.Count)], "third_session");
            if (uRival < f.RivalProbability && m.Link == LinkDirection.BobToAlice && _foreign.Rival.Count > 0)
                Inject(_foreign.Rival[(int)foreign.NextUInt64((ulong)_foreign.Rival.Count)], "second_acceptor");
        }
        // The insider: its own stream, so turning it on changes no other decision.
        if (m.Keys is { } keys)
        {
            if (_insider is null || _insider.Suite.Id != keys.Suite.Id) _insider = keys;
            else _insider.Learn(keys);
        }
        if (f.InsiderProbability > 0 && _insider is { } insider)
        {
            var r = _faults.Derive($"insider/{k}");
            bool takes = r.NextDouble() < f.InsiderProbability;
            if (takes && f.InsiderEveryLayer)
            {
                // Every layer: each mutation that applies, one copy just before the original and one just after it.
                long? originalAt = deliveries.FirstOrDefault(d => d.Via is null)?.AtMs;
                foreach (var mutation in PairInsider.Mutations)
                    foreach (long offset in (ReadOnlySpan<long>)[-1, 1])
                    {
                        if (insider.Mutate(m.Datagram, mutation, r) is not { } bytes) break;
                        string iid = TraceLog.IdOf(bytes);
                        long at = originalAt is { } o ? Math.Max(m.NowMs, o + offset) : m.NowMs + Delay(f, r);
                        faults.Add(new FaultEvent { Fault = FaultNames.Insider, Datagram = id, DeliverId = iid, Why = mutation.ToString() });
                        deliveries.Add(new Delivery(at, m.Link, bytes, iid, m.NowMs, FaultNames.Insider));
                    }
                // And reflected: the sender gets back its own datagram whose proposal now names the peer, in an epoch it owns.
                if (insider.Mutate(m.Datagram, InsiderMutation.ProposalSender, r) is { } reflected)
                {
                    string rid = TraceLog.IdOf(reflected);
                    faults.Add(new FaultEvent { Fault = FaultNames.Insider, Datagram = id, DeliverId = rid, Why = nameof(InsiderMutation.ProposalSender), Side = "reflected" });
                    deliveries.Add(new Delivery(m.NowMs + Delay(f, r), Back(m.Link), reflected, rid, m.NowMs, FaultNames.Insider));
                }
            }
            else if (takes)
            {
                var first = PairInsider.Mutations[(int)r.NextUInt64((ulong)PairInsider.Mutations.Count)];
                if (insider.MutateAny(m.Datagram, first, r) is var (bytes, mutation))
                {
                    string iid = TraceLog.IdOf(bytes);
                    // Half the time it front-runs the original (1 ms ahead of its first copy, so the receiver checks the altered
                    // commit while it still misses it); otherwise its copy travels on its own delay (often after: a known commit).
                    long own = m.NowMs + Delay(f, delays);
                    long at = r.NextDouble() < 0.5 && deliveries.FirstOrDefault(d => d.Via is null) is { } original ? Math.Max(m.NowMs, original.AtMs - 1) : own;
                    faults.Add(new FaultEvent { Fault = FaultNames.Insider, Datagram = id, DeliverId = iid, Why = mutation.ToString() });
                    deliveries.Add(new Delivery(at, m.Link, bytes, iid, m.NowMs, FaultNames.Insider));
                }
            }
        }
        void Inject(byte[] bytes, string source)
        {
            string fid = TraceLog.IdOf(bytes);
            faults.Add(new FaultEvent { Fault = FaultNames.Inject, Datagram = id, DeliverId = fid, Bytes = bytes.Length, Why = source });
            deliveries.Add(new Delivery(m.NowMs + Delay(f, delays), m.Link, bytes, fid, m.NowMs, FaultNames.Inject));
        }

        if (_memory > 0)
        {
            history.Add(m.Datagram);
            if (history.Count > _memory) history.RemoveAt(0);
        }
        return new Transmitted(deliveries, faults);
    }

    /// <summary>The link the other way: a reflected datagram travels back to its sender.</summary>
    private static LinkDirection Back(LinkDirection link) => link == LinkDirection.AliceToBob ? LinkDirection.BobToAlice : LinkDirection.AliceToBob;

    /// <summary>One-way delay: the minimum plus a draw of the link's <see cref="DelayShape"/> with the given mean; distinct delays reorder.</summary>
    internal static long Delay(LinkFaults f, IRandomSource random)
    {
        double u = random.NextDouble();
        double mean = f.DelayMeanMs;
        double extra = mean <= 0 ? 0 : f.DelayShape switch
        {
            DelayShape.Uniform => 2 * mean * u,
            // Pareto, shape a = 1.5, scale x_m = mean (a - 1) / a: mean as given, infinite variance. Capped at 1000 × mean so a
            // virtual time stays finite (the tail beyond is as good as lost anyway).
            DelayShape.HeavyTailed => Math.Min(1000 * mean, mean / 3 * Math.Pow(1 - u, -1 / 1.5)),
            _ => -mean * Math.Log(1 - u),
        };
        return Math.Max(0, f.DelayMinMs) + (long)Math.Round(extra);
    }

    /// <summary>A copy with <paramref name="bits"/> distinct bits flipped (so the copy always differs from the original).</summary>
    private static byte[] Corrupt(byte[] datagram, int bits, IRandomSource random)
    {
        var copy = (byte[])datagram.Clone();
        int n = Math.Clamp(bits, 1, copy.Length * 8);
        var flipped = new HashSet<ulong>();
        while (flipped.Count < n)
        {
            ulong bit = random.NextUInt64((ulong)copy.Length * 8);
            if (!flipped.Add(bit)) continue;
            copy[bit / 8] ^= (byte)(1 << (int)(bit % 8));
        }
        return copy;
    }
}
