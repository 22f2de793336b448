using Sim.Simulator.Network;
using Sim.Simulator.Trace;

namespace Sim.Simulator;

/// <summary>Counts of what happened in a world, computed from its trace (so a saved trace gives the same counts).</summary>
public sealed record WorldCounts
{
    /// <summary>Datagrams the parties handed to the network (Send events).</summary>
    public int DatagramsSent { get; init; }
    /// <summary>Datagrams that reached a party (Deliver events: originals, copies, corrupted, replayed, injected).</summary>
    public int DatagramsDelivered { get; init; }
    /// <summary>Datagrams lost to drop, partition or a party being offline/crashed.</summary>
    public int DatagramsLost { get; init; }
    /// <summary>Outcome events by outcome name (Delivered, Duplicate, Expired, Rejected:Reason), sorted.</summary>
    public IReadOnlyDictionary<string, int> Outcomes { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);
    /// <summary>Fault events by fault name, sorted.</summary>
    public IReadOnlyDictionary<string, int> Faults { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);
    /// <summary>Trace events by kind, sorted.</summary>
    public IReadOnlyDictionary<string, int> Events { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);
    /// <summary>Script ops that did not apply when they ran (not in the trace).</summary>
    public int ScriptOpsSkipped { get; init; }

    public int Outcome(string name) => Outcomes.TryGetValue(name, out var n) ? n : 0;
    public int Fault(string name) => Faults.TryGetValue(name, out var n) ? n : 0;

    public static WorldCounts From(IEnumerable<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var counter = new Counter();
        foreach (var e in events) counter.Add(e);
        return counter.Counts();
    }

    /// <summary>Counts events one at a time as a world appends them (so the world never re-reads its trace to count it).</summary>
    internal sealed class Counter
    {
        private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, int> _faults = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, int> _kinds = new(StringComparer.Ordinal);
        private int _sent, _delivered, _lost;

        public void Add(TraceEvent e)
        {
            Bump(_kinds, TraceJson.KindName(e.Kind));
            switch (e)
            {
                case SendEvent: _sent++; break;
                case DeliverEvent: _delivered++; break;
                case OutcomeEvent o: Bump(_outcomes, o.Name); break;
                case FaultEvent f:
                    Bump(_faults, f.Fault);
                    if (f.Fault is FaultNames.Drop or FaultNames.Partition or FaultNames.Offline) _lost++;
                    break;
            }
        }

        public WorldCounts Counts() => new()
        {
            DatagramsSent = _sent,
            DatagramsDelivered = _delivered,
            DatagramsLost = _lost,
            Outcomes = new SortedDictionary<string, int>(_outcomes, StringComparer.Ordinal),
            Faults = new SortedDictionary<string, int>(_faults, StringComparer.Ordinal),
            Events = new SortedDictionary<string, int>(_kinds, StringComparer.Ordinal),
        };
    }

    private static void Bump(SortedDictionary<string, int> d, string key) => d[key] = d.TryGetValue(key, out var n) ? n + 1 : 1;

    public override string ToString() =>
        $"sent={DatagramsSent} delivered={DatagramsDelivered} lost={DatagramsLost} " +
        $"outcomes{{{string.Join(" ", Outcomes.Select(kv => $"{kv.Key}={kv.Value}"))}}} faults{{{string.Join(" ", Faults.Select(kv => $"{kv.Key}={kv.Value}"))}}}";
}
