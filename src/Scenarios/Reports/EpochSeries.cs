using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>A party's epoch over virtual time: one step per change (Joined, Epoch, or a Restart/Restore that loads another epoch).</summary>
public sealed record EpochStep(long T, ulong Epoch);

/// <summary>Both parties' epochs over a run, read from the trace.</summary>
public sealed record EpochSeries(IReadOnlyList<EpochStep> Alice, IReadOnlyList<EpochStep> Bob, long EndMs)
{
    public static EpochSeries From(IReadOnlyList<TraceEvent> trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var alice = new List<EpochStep>();
        var bob = new List<EpochStep>();
        foreach (var e in trace)
        {
            if (e.Kind is not (TraceKind.Joined or TraceKind.Epoch or TraceKind.Restart or TraceKind.Restore) || e.Epoch is not { } epoch) continue;
            var list = e.Party switch { "alice" => alice, "bob" => bob, _ => null };
            if (list is null || (list.Count > 0 && list[^1].Epoch == epoch)) continue;
            if (list.Count > 0 && list[^1].T == e.T) list[^1] = new EpochStep(e.T, epoch); // several changes at one instant: keep the last
            else list.Add(new EpochStep(e.T, epoch));
        }
        return new EpochSeries(alice, bob, trace.Count == 0 ? 0 : trace[^1].T);
    }

    /// <summary>|epoch(alice) − epoch(bob)| from the moment both have joined, one step per change.</summary>
    public IReadOnlyList<EpochStep> Lag()
    {
        var times = Alice.Select(s => s.T).Concat(Bob.Select(s => s.T)).Distinct().Order().ToList();
        var lag = new List<EpochStep>();
        foreach (var t in times)
        {
            if (At(Alice, t) is not { } a || At(Bob, t) is not { } b) continue;
            ulong d = a > b ? a - b : b - a;
            if (lag.Count == 0 || lag[^1].Epoch != d) lag.Add(new EpochStep(t, d));
        }
        return lag;
    }

    private static ulong? At(IReadOnlyList<EpochStep> steps, long t)
    {
        ulong? value = null;
        foreach (var s in steps)
        {
            if (s.T > t) break;
            value = s.Epoch;
        }
        return value;
    }
}
