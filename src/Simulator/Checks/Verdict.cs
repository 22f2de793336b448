using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// What one checker concluded about one trace: whether its invariant held, the first event (by
/// trace order) that breaks it, and a sentence a person can act on.
/// </summary>
public sealed record Verdict(string Name, bool Passed, TraceEvent? FirstViolation, string Detail)
{
    public static Verdict Pass(string name, string detail) => new(name, true, null, detail);

    public static Verdict Fail(string name, TraceEvent? at, string detail) => new(name, false, at, detail);

    public override string ToString() =>
        Passed ? $"{Name}: ok ({Detail})"
               : $"{Name}: FAILED at {(FirstViolation is { } e ? $"seq {e.Seq} (t={e.T}ms, {TraceJson.KindName(e.Kind)})" : "end of trace")}: {Detail}";
}
