using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Generators;

/// <summary>
/// Smaller scenarios, most promising first (FsCheck's shrinker contract: each candidate is strictly
/// simpler, so shrinking ends). Order: drop all faults; drop chunks of ops, then single ops; drop
/// windows and partitions; lower every probability toward 0; shorten partitions, waits and down
/// times; bring restore depths toward 0; back to the default R and suite 1. Because ops name saves
/// by depth from either end and an op that does not apply is a no-op, every candidate is a valid
/// scenario.
/// </summary>
public static class ScenarioShrinker
{
    public static IEnumerable<Scenario> Shrink(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var f = s.Faults;
        if (!IsQuiet(f)) yield return s with { Faults = FaultProfile.None };

        // Ops: halves, quarters, ... then one at a time (from the end: later ops depend on earlier ones).
        var ops = s.Script;
        for (int chunk = ops.Count / 2; chunk >= 1; chunk /= 2)
        {
            for (int start = ops.Count - chunk; start >= 0; start -= chunk)
                yield return s with { Script = [.. ops.Take(start), .. ops.Skip(start + chunk)] };
        }

        for (int i = 0; i < f.Windows.Count; i++) yield return s with { Faults = f with { Windows = Without(f.Windows, i) } };
        for (int i = 0; i < f.Partitions.Count; i++) yield return s with { Faults = f with { Partitions = Without(f.Partitions, i) } };
        if (f.AliceToBob != LinkFaults.None) yield return s with { Faults = f with { AliceToBob = LinkFaults.None } };
        if (f.BobToAlice != LinkFaults.None) yield return s with { Faults = f with { BobToAlice = LinkFaults.None } };

        foreach (var l in Link(f.AliceToBob)) yield return s with { Faults = f with { AliceToBob = l } };
        foreach (var l in Link(f.BobToAlice)) yield return s with { Faults = f with { BobToAlice = l } };
        for (int i = 0; i < f.Windows.Count; i++)
        {
            var w = f.Windows[i];
            foreach (var l in Link(w.Faults)) yield return s with { Faults = f with { Windows = Replace(f.Windows, i, w with { Faults = l }) } };
            if (w.ToMs - w.FromMs > 1) yield return s with { Faults = f with { Windows = Replace(f.Windows, i, w with { ToMs = w.FromMs + (w.ToMs - w.FromMs) / 2 }) } };
        }
        for (int i = 0; i < f.Partitions.Count; i++)
        {
            var p = f.Partitions[i];
            if (p.HealMs - p.StartMs > 1) yield return s with { Faults = f with { Partitions = Replace(f.Partitions, i, p with { HealMs = p.StartMs + (p.HealMs - p.StartMs) / 2 }) } };
            if (p.Direction != LinkDirection.Both) continue;
            yield return s with { Faults = f with { Partitions = Replace(f.Partitions, i, p with { Direction = LinkDirection.AliceToBob }) } };
            yield return s with { Faults = f with { Partitions = Replace(f.Partitions, i, p with { Direction = LinkDirection.BobToAlice }) } };
        }

        for (int i = 0; i < ops.Count; i++)
            foreach (var smaller in Op(ops[i])) yield return s with { Script = Replace(ops, i, smaller) };

        if (s.RetentionWindow != 2) yield return s with { RetentionWindow = 2 };
        if (s.Suite != 1) yield return s with { Suite = 1 };
    }

    private static bool IsQuiet(FaultProfile f) => f.AliceToBob == LinkFaults.None && f.BobToAlice == LinkFaults.None && f.Windows.Count == 0 && f.Partitions.Count == 0;

    /// <summary>Each probability to 0, then halved; copies, bits and delays back to their defaults (what the text leaves out).</summary>
    public static IEnumerable<LinkFaults> Link(LinkFaults f)
    {
        foreach (var (get, set) in Probabilities)
        {
            double p = get(f);
            if (p <= 0) continue;
            yield return set(f, 0);
            if (p > 0.01) yield return set(f, Math.Round(p / 2, 4));
        }
        var d = LinkFaults.None;
        if (f.DuplicateCopies != d.DuplicateCopies) yield return f with { DuplicateCopies = d.DuplicateCopies };
        if (f.CorruptBits != d.CorruptBits) yield return f with { CorruptBits = d.CorruptBits };
        if (f.DelayMeanMs > 0) yield return f with { DelayMeanMs = 0 };
        if (f.DelayMinMs != d.DelayMinMs) yield return f with { DelayMinMs = d.DelayMinMs };
        if (f.ReorderExtraMs != d.ReorderExtraMs) yield return f with { ReorderExtraMs = d.ReorderExtraMs };
        if (f.DelayShape != d.DelayShape) yield return f with { DelayShape = d.DelayShape };
        if (f.RandomCounts) yield return f with { RandomCounts = false };
        if (f.InsiderEveryLayer) yield return f with { InsiderEveryLayer = false };
        if (f.HoldOrder != d.HoldOrder) yield return f with { HoldOrder = d.HoldOrder };
        if (f.HoldMs != d.HoldMs) yield return f with { HoldMs = d.HoldMs };
    }

    private static readonly (Func<LinkFaults, double> Get, Func<LinkFaults, double, LinkFaults> Set)[] Probabilities =
    [
        (f => f.DropProbability, (f, v) => f with { DropProbability = v }),
        (f => f.DuplicateProbability, (f, v) => f with { DuplicateProbability = v }),
        (f => f.ReorderProbability, (f, v) => f with { ReorderProbability = v }),
        (f => f.CorruptProbability, (f, v) => f with { CorruptProbability = v }),
        (f => f.ReplayProbability, (f, v) => f with { ReplayProbability = v }),
        (f => f.InjectProbability, (f, v) => f with { InjectProbability = v }),
        (f => f.HoldProbability, (f, v) => f with { HoldProbability = v }),
        (f => f.ForeignProbability, (f, v) => f with { ForeignProbability = v }),
        (f => f.RivalProbability, (f, v) => f with { RivalProbability = v }),
        (f => f.InsiderProbability, (f, v) => f with { InsiderProbability = v }),
    ];

    /// <summary>A simpler version of one op: shorter waits and down times, smaller payloads, restore depth toward 0, an edit or rollover as a plain send.</summary>
    public static IEnumerable<ScriptOp> Op(ScriptOp op)
    {
        switch (op)
        {
            case ScriptOp.Wait w when w.DurationMs > 1: yield return w with { DurationMs = w.DurationMs / 2 }; break;
            case ScriptOp.Crash c when c.DownMs > 1: yield return c with { DownMs = c.DownMs / 2 }; break;
            case ScriptOp.GoOffline o when o.DurationMs > 1: yield return o with { DurationMs = o.DurationMs / 2 }; break;
            case ScriptOp.RestoreEpoch r when r.EpochsBack != 0: yield return r with { EpochsBack = r.EpochsBack > 0 ? r.EpochsBack - 1 : r.EpochsBack + 1 }; break;
            case ScriptOp.Restore r when r.Depth != 0:
                yield return r with { Depth = r.Depth / 2 };
                if (Math.Abs(r.Depth) > 1) yield return r with { Depth = r.Depth - Math.Sign(r.Depth) };
                break;
            case ScriptOp.SendWithCardEdit e:
                if (e.PayloadBytes > 32) yield return e with { PayloadBytes = 32 };
                yield return new ScriptOp.Send(e.Party, e.PayloadBytes);
                break;
            case ScriptOp.RollOverAgent e:
                if (e.PayloadBytes > 32) yield return e with { PayloadBytes = 32 };
                yield return new ScriptOp.Send(e.Party, e.PayloadBytes);
                break;
            case ScriptOp.Send s when s.PayloadBytes > 32: yield return s with { PayloadBytes = 32 }; break;
            case ScriptOp.Burst b when b.Count > 1:
                // Toward the threshold a long epoch crosses (each try is a world of that many sends): halves, then ever finer cuts.
                foreach (int cut in new[] { 2, 4, 8, 16, 32 }.Select(d => b.Count / d).Where(c => c > 0).Distinct())
                    yield return b with { Count = b.Count - cut };
                break;
        }
    }

    private static List<T> Without<T>(IReadOnlyList<T> list, int index) => list.Where((_, i) => i != index).ToList();

    private static List<T> Replace<T>(IReadOnlyList<T> list, int index, T value) => list.Select((x, i) => i == index ? value : x).ToList();
}
