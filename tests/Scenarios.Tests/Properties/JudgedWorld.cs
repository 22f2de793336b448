using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// A fixed world run and judged by every checker, as the fixed-world tests of this folder need it: each verdict
/// printed, and the test failed by any that did not pass (but those named in <c>notAsked</c>).
/// </summary>
internal sealed record JudgedWorld(WorldResult Result, TraceQuery Trace, IReadOnlyList<Verdict> Verdicts)
{
    public static JudgedWorld Run(Scenario scenario, ITestOutputHelper output, params string[] notAsked)
    {
        var result = World.Run(scenario.ToWorldOptions());
        var trace = new TraceQuery(result.Trace.Events);
        var verdicts = Checkers.Run(trace);
        foreach (var v in verdicts) output.WriteLine(v.ToString());
        var failed = verdicts.Where(v => !v.Passed && !notAsked.Contains(v.Name)).ToList();
        Assert.True(failed.Count == 0, string.Join(Environment.NewLine, failed));
        return new JudgedWorld(result, trace, verdicts);
    }
}
