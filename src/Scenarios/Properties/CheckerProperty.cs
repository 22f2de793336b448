using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;

namespace Sim.Scenarios.Properties;

/// <summary>A property whose judge is one checker of Sim.Simulator.Checks, read from the world's trace.</summary>
public sealed class CheckerProperty : ScenarioProperty
{
    private readonly IChecker _checker;

    public CheckerProperty(string name, string invariant, GenOptions options, string scope)
        : base(name, invariant, options, scope) =>
        _checker = Checkers.All.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no checker named {name}", nameof(name));

    public override PropertyVerdict Judge(Scenario scenario, WorldResult result)
    {
        var events = result.Trace.Events;
        var v = _checker.Check(events, CheckContext.FromTrace(events));
        return new PropertyVerdict(v.Passed, v.Detail, v.FirstViolation);
    }
}
