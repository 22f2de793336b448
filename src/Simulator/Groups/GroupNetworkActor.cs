using Akka.Actor;
using Sim.Engine.Crypto;
using Sim.Engine.Multi;
using Sim.Simulator.Network;

namespace Sim.Simulator.Groups;

/// <summary>
/// The network between N members (and the sequencer): applies the two-party fault model
/// (<see cref="LinkFaults"/>: drop, duplicate, delay, reorder, corrupt) to every datagram on every
/// link, and replies with the deliveries to schedule. Partitions between subsets are judged by the
/// world when a datagram would arrive (so a partition that starts later cuts what is in flight).
/// Transmission k draws from its own streams, derived from the world's seed, with a fixed number of
/// draws whatever the probabilities (as <see cref="NetworkActor"/> does).
/// </summary>
public sealed class GroupNetworkActor : ReceiveActor
{
    /// <summary>A member's datagrams from one step. Reply: <see cref="Transmitted"/>.</summary>
    public sealed record Transmit(long NowMs, string From, IReadOnlyList<Outgoing> Sends);
    public sealed record Transmitted(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<Applied> Faults);
    public sealed record Delivery(long AtMs, string From, string To, byte[] Bytes, string Id, long SentMs, string? Via);
    public sealed record Applied(string Fault, string From, string To, string Id, string? Detail);
    /// <summary>From now on <paramref name="Faults"/> and no targeted drop (the liveness phase has none). Reply: the same message.</summary>
    public sealed record UseFaults(LinkFaults Faults);

    private readonly DeterministicRandomSource _decide;
    private readonly DeterministicRandomSource _delays;
    private LinkFaults _faults;
    private readonly List<(DatagramDrop Rule, int Left)> _drops;
    private long _transmissions;

    public GroupNetworkActor(LinkFaults faults, IReadOnlyList<DatagramDrop> drops, DeterministicRandomSource decide, DeterministicRandomSource delays)
    {
        _faults = faults;
        _drops = [.. drops.Select(r => (r, r.Count))];
        _decide = decide;
        _delays = delays;
        Receive<Transmit>(m => Sender.Tell(OnTransmit(m)));
        Receive<UseFaults>(m => { _faults = m.Faults; _drops.Clear(); Sender.Tell(m); });
    }

    public static Props Props(LinkFaults faults, IReadOnlyList<DatagramDrop> drops, DeterministicRandomSource decide, DeterministicRandomSource delays) =>
        Akka.Actor.Props.Create(() => new GroupNetworkActor(faults, drops, decide, delays));

    private Transmitted OnTransmit(Transmit m)
    {
        var deliveries = new List<Delivery>();
        var faults = new List<Applied>();
        var f = _faults;
        foreach (var s in m.Sends)
        {
            long k = _transmissions++;
            string id = Sim.Simulator.Trace.TraceLog.IdOf(s.Bytes);
            if (DroppedByRule(m.From, s) is { } rule) { faults.Add(new Applied(FaultNames.Drop, m.From, s.To, id, "rule=" + rule)); continue; }
            if (f.IsNone)
            {
                deliveries.Add(new Delivery(m.NowMs + Math.Max(0, f.DelayMinMs), m.From, s.To, s.Bytes, id, m.NowMs, null));
                continue;
            }
            var decide = _decide.Derive($"transmit/{k}");
            var delays = _delays.Derive($"transmit/{k}");
            double uDrop = decide.NextDouble(), uDuplicate = decide.NextDouble(), uReorder = decide.NextDouble(), uCorrupt = decide.NextDouble();
            if (uDrop < f.DropProbability) { faults.Add(new Applied(FaultNames.Drop, m.From, s.To, id, null)); continue; }
            int copies = 1;
            if (uDuplicate < f.DuplicateProbability && f.DuplicateCopies > 0)
            {
                copies += f.DuplicateCopies;
                faults.Add(new Applied(FaultNames.Duplicate, m.From, s.To, id, $"copies={f.DuplicateCopies}"));
            }
            long holdBack = 0;
            if (uReorder < f.ReorderProbability && f.ReorderExtraMs > 0)
            {
                holdBack = f.ReorderExtraMs;
                faults.Add(new Applied(FaultNames.Delay, m.From, s.To, id, $"extra_ms={holdBack}"));
            }
            for (int c = 0; c < copies; c++)
            {
                long at = m.NowMs + Delay(f, delays) + holdBack;
                if ((c == 0 ? uCorrupt : decide.NextDouble()) < f.CorruptProbability && s.Bytes.Length > 0)
                {
                    var bytes = (byte[])s.Bytes.Clone();
                    ulong bit = decide.NextUInt64((ulong)bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (int)(bit % 8));
                    string newId = Sim.Simulator.Trace.TraceLog.IdOf(bytes);
                    faults.Add(new Applied(FaultNames.Corrupt, m.From, s.To, id, $"deliver={newId} bits=1"));
                    deliveries.Add(new Delivery(at, m.From, s.To, bytes, newId, m.NowMs, FaultNames.Corrupt));
                }
                else deliveries.Add(new Delivery(at, m.From, s.To, s.Bytes, id, m.NowMs, c == 0 ? null : FaultNames.Duplicate));
            }
        }
        return new Transmitted(deliveries, faults);
    }

    /// <summary>The first targeted drop that still has datagrams to drop and matches this one (counted), or null.</summary>
    private DatagramDrop? DroppedByRule(string from, Outgoing s)
    {
        for (int i = 0; i < _drops.Count; i++)
        {
            var (rule, left) = _drops[i];
            if (left <= 0 || !rule.Matches(from, s.To, s.Bytes)) continue;
            _drops[i] = (rule, left - 1);
            return rule;
        }
        return null;
    }

    private static long Delay(LinkFaults f, IRandomSource random)
    {
        double u = random.NextDouble();
        long extra = f.DelayMeanMs > 0 ? (long)Math.Round(-f.DelayMeanMs * Math.Log(1 - u)) : 0;
        return Math.Max(0, f.DelayMinMs) + extra;
    }
}
