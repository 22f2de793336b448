using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// What one checker concluded about one trace: whether its invariant held, the first event (by
/// trace order) that breaks it, and a sentence a person can act on. <see cref="Exempt"/>: the
/// invariant does not apply to this world by a documented design limit (the detail says which); it
/// counts as held, and is reported as exempt, never as a silent pass.
/// </summary>
public sealed record Verdict(string Name, bool Passed, TraceEvent? FirstViolation, string Detail)
{
    /// <summary>The world is outside the invariant by a documented design limit (<see cref="Passed"/> is then true).</summary>
    public bool Exempt { get; init; }

    public static Verdict Pass(string name, string detail) => new(name, true, null, detail);

    public static Verdict Exempted(string name, string detail) => new(name, true, null, detail) { Exempt = true };

    public static Verdict Fail(string name, TraceEvent? at, string detail) => new(name, false, at, detail);

    public override string ToString() =>
        Exempt ? $"{Name}: exempt ({Detail})"
        : Passed ? $"{Name}: ok ({Detail})"
               : $"{Name}: FAILED at {(FirstViolation is { } e ? $"seq {e.Seq} (t={e.T}ms, {TraceJson.KindName(e.Kind)})" : "end of trace")}: {Detail}";
}
