using Akka.Actor;
using Sim.Engine.Crypto;
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
    public sealed record Transmit(long NowMs, LinkDirection Link, byte[] Datagram);

    /// <summary>What became of a transmission: the deliveries to schedule, in order, and the faults applied (trace drafts: the world stamps time, sequence, sender and receiver).</summary>
    public sealed record Transmitted(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<FaultEvent> Faults);

    /// <summary>
    /// <paramref name="Bytes"/> arrive at the receiving end of <paramref name="Link"/> at <paramref name="AtMs"/>;
    /// <paramref name="DatagramId"/> is the id of those bytes; <paramref name="Via"/> names the fault that made
    /// this copy (duplicate, corrupt, replay, inject), null for the datagram itself.
    /// </summary>
    public sealed record Delivery(long AtMs, LinkDirection Link, byte[] Bytes, string DatagramId, long SentMs, string? Via = null);

    /// <summary>From now on use <paramref name="Profile"/> (the liveness phase turns faults off). Reply: <see cref="ProfileInUse"/>.</summary>
    public sealed record UseProfile(FaultProfile Profile);
    public sealed record ProfileInUse(FaultProfile Profile);

    // ------------------------------------------------------------------ state

    private readonly DeterministicRandomSource _faults;
    private readonly DeterministicRandomSource _latency;
    private readonly int _memory;
    private readonly Dictionary<LinkDirection, List<byte[]>> _history = new()
    {
        [LinkDirection.AliceToBob] = [],
        [LinkDirection.BobToAlice] = [],
    };
    private FaultProfile _profile;
    private long _transmissions;

    public NetworkActor(FaultProfile profile, DeterministicRandomSource faults, DeterministicRandomSource latency, int memory = 32)
    {
        _profile = profile ?? throw new ArgumentNullException(nameof(profile));
        _faults = faults ?? throw new ArgumentNullException(nameof(faults));
        _latency = latency ?? throw new ArgumentNullException(nameof(latency));
        _memory = Math.Max(0, memory);

        Receive<Transmit>(m =>
        {
            object reply;
            try { reply = OnTransmit(m); }
            catch (Exception e) { reply = new Status.Failure(e); }
            Sender.Tell(reply);
        });
        Receive<UseProfile>(m =>
        {
            _profile = m.Profile ?? throw new ArgumentNullException(nameof(m));
            Sender.Tell(new ProfileInUse(_profile));
        });
    }

    public static Props Props(FaultProfile profile, DeterministicRandomSource faults, DeterministicRandomSource latency, int memory = 32) =>
        Akka.Actor.Props.Create(() => new NetworkActor(profile, faults, latency, memory));

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
                copies += f.DuplicateCopies;
                faults.Add(new FaultEvent { Fault = FaultNames.Duplicate, Datagram = id, DeliverId = id, Copies = f.DuplicateCopies });
            }
            long holdBack = 0;
            if (uReorder < f.ReorderProbability && f.ReorderExtraMs > 0)
            {
                holdBack = f.ReorderExtraMs;
                faults.Add(new FaultEvent { Fault = FaultNames.Delay, Datagram = id, ExtraMs = holdBack });
            }
            for (int c = 0; c < copies; c++)
            {
                long at = m.NowMs + Delay(f, delays) + holdBack;
                // The datagram's own copy uses the fixed draw; further copies draw on.
                bool corrupt = (c == 0 ? uCorrupt : decide.NextDouble()) < f.CorruptProbability && m.Datagram.Length > 0;
                if (corrupt)
                {
                    var bytes = Corrupt(m.Datagram, f.CorruptBits, decide);
                    string newId = TraceLog.IdOf(bytes);
                    faults.Add(new FaultEvent { Fault = FaultNames.Corrupt, Datagram = id, DeliverId = newId, Bits = Math.Max(1, f.CorruptBits) });
                    deliveries.Add(new Delivery(at, m.Link, bytes, newId, m.NowMs, FaultNames.Corrupt));
                }
                else deliveries.Add(new Delivery(at, m.Link, m.Datagram, id, m.NowMs, c == 0 ? null : FaultNames.Duplicate));
            }
        }

        if (uReplay < f.ReplayProbability && history.Count > 0)
        {
            var old = history[(int)decide.NextUInt64((ulong)history.Count)];
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

        if (_memory > 0)
        {
            history.Add(m.Datagram);
            if (history.Count > _memory) history.RemoveAt(0);
        }
        return new Transmitted(deliveries, faults);
    }

    /// <summary>One-way delay: the minimum plus an exponential with the given mean; distinct delays reorder.</summary>
    private static long Delay(LinkFaults f, IRandomSource random)
    {
        double u = random.NextDouble();
        long extra = f.DelayMeanMs > 0 ? (long)Math.Round(-f.DelayMeanMs * Math.Log(1 - u)) : 0;
        return Math.Max(0, f.DelayMinMs) + extra;
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
