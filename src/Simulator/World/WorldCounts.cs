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
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var faults = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int sent = 0, delivered = 0, lost = 0;
        foreach (var e in events)
        {
            Bump(kinds, TraceJson.KindName(e.Kind));
            switch (e.Kind)
            {
                case TraceKind.Send: sent++; break;
                case TraceKind.Deliver: delivered++; break;
                case TraceKind.Outcome when e.Outcome is not null: Bump(outcomes, e.Outcome); break;
                case TraceKind.Fault when e.Fault is not null:
                    Bump(faults, e.Fault);
                    if (e.Fault is FaultNames.Drop or FaultNames.Partition or FaultNames.Offline) lost++;
                    break;
            }
        }
        return new WorldCounts { DatagramsSent = sent, DatagramsDelivered = delivered, DatagramsLost = lost, Outcomes = outcomes, Faults = faults, Events = kinds };
    }

    private static void Bump(SortedDictionary<string, int> d, string key) => d[key] = d.TryGetValue(key, out var n) ? n + 1 : 1;

    public override string ToString() =>
        $"sent={DatagramsSent} delivered={DatagramsDelivered} lost={DatagramsLost} " +
        $"outcomes{{{string.Join(" ", Outcomes.Select(kv => $"{kv.Key}={kv.Value}"))}}} faults{{{string.Join(" ", Faults.Select(kv => $"{kv.Key}={kv.Value}"))}}}";
}
