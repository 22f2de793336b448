using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// One invariant of PAIRMLS.md ("Invariants the simulator checks"), judged from a trace alone:
/// checkers read events through <see cref="TraceQuery"/>, never live objects, so a saved trace can be re-checked.
/// </summary>
public interface IChecker
{
    string Name { get; }

    /// <summary>Judges a whole trace, in trace order. Never throws on a trace that merely lacks events.</summary>
    Verdict Check(TraceQuery trace, CheckContext context);
}

public static class CheckerExtensions
{
    /// <summary>Judges a list of events (builds its <see cref="TraceQuery"/>).</summary>
    public static Verdict Check(this IChecker checker, IReadOnlyList<TraceEvent> trace, CheckContext context) =>
        checker.Check(new TraceQuery(trace), context);
}
