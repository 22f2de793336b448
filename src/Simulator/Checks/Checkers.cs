using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>Every checker, and running them all over one trace.</summary>
public static class Checkers
{
    public static readonly IReadOnlyList<IChecker> All =
    [
        new ConvergenceChecker(),
        new LivenessChecker(),
        new DecryptabilityChecker(),
        new ParityChecker(),
        new ForkFreedomChecker(),
        new IntegrityChecker(),
        new ExactlyOnceChecker(),
        new IdentityLivenessChecker(),
    ];

    /// <summary>All verdicts, in the order of <see cref="All"/>, with the context read from the trace's Options event.</summary>
    public static IReadOnlyList<Verdict> Run(IReadOnlyList<TraceEvent> trace) => Run(new TraceQuery(trace));

    public static IReadOnlyList<Verdict> Run(TraceQuery trace) => Run(trace, CheckContext.FromTrace(trace.Events));

    public static IReadOnlyList<Verdict> Run(IReadOnlyList<TraceEvent> trace, CheckContext context) => Run(new TraceQuery(trace), context);

    public static IReadOnlyList<Verdict> Run(TraceQuery trace, CheckContext context) =>
        All.Select(c => c.Check(trace, context)).ToList();

    /// <summary>Re-checks a saved JSON Lines trace.</summary>
    public static IReadOnlyList<Verdict> RunFile(string path) => Run(TraceJson.ReadFile(path).ToList());
}
