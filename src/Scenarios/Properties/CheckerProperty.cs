using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Properties;

/// <summary>
/// A property whose judge is one checker of Sim.Simulator.Checks, read from the world's trace; with
/// <see cref="JudgesLiveness"/> the same world must also pass <see cref="LivenessChecker"/> (PAIRMLS.md
/// "Liveness": every property's worlds are judged for it), so a world whose conversation died fails
/// whatever invariant it was generated for.
/// </summary>
public sealed class CheckerProperty : ScenarioProperty
{
    private static readonly LivenessChecker Liveness = new();
    private readonly IChecker _checker;

    public CheckerProperty(string name, string invariant, GenOptions options, string scope, bool judgesLiveness = true)
        : base(name, invariant, options, scope)
    {
        _checker = Checkers.All.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no checker named {name}", nameof(name));
        JudgesLiveness = judgesLiveness && _checker is not LivenessChecker;
    }

    /// <summary>Whether this property's worlds are judged for Liveness too.</summary>
    public bool JudgesLiveness { get; }

    public override PropertyVerdict Judge(Scenario scenario, WorldResult result)
    {
        var trace = new TraceQuery(result.Trace.Events);
        var context = CheckContext.FromTrace(trace.Events);
        var v = _checker.Check(trace, context);
        if (!v.Passed || !JudgesLiveness) return new PropertyVerdict(v.Passed, v.Exempt ? $"exempt: {v.Detail}" : v.Detail, v.FirstViolation);
        var live = Liveness.Check(trace, context);
        return live.Passed
            ? new PropertyVerdict(true, $"{v.Detail}; Liveness: {(live.Exempt ? "exempt: " : "")}{live.Detail}")
            : new PropertyVerdict(false, $"Liveness: {live.Detail}", live.FirstViolation);
    }
}
