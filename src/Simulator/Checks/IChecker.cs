using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// One invariant of PAIRMLS.md ("Invariants the simulator checks"), judged from a trace alone:
/// checkers read events, never live objects, so a saved trace can be re-checked.
/// </summary>
public interface IChecker
{
    string Name { get; }

    /// <summary>Judges a whole trace, in trace order. Never throws on a trace that merely lacks events.</summary>
    Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context);
}
