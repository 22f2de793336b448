using Sim.Engine.Pair;
using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;

namespace Sim.Scenarios.Properties;

/// <summary>
/// PAIRMLS.md "FS / PCS" as a property: scenarios with a theft (capture=party@ms), judged by
/// <see cref="FsPcsChecker"/> (Simulator), which runs the engine's own loader of the stolen bytes
/// and the <see cref="SavedBytesAttacker"/> that tries every key-sized window of them.
/// </summary>
public sealed class FsPcsProperty()
    : ScenarioProperty("FsPcs",
        "A copy of a party's state stolen at time t opens no message whose keys were deleted before t, and none sent after one round trip of commits after t.",
        new GenOptions { Capture = true },
        "every fault, crash and offline; no restore (a rollback re-installs deleted keys on purpose)")
{
    public override PropertyVerdict Judge(Scenario scenario, WorldResult result)
    {
        var options = PairOptions.Default with { Suite = scenario.Suite, RetentionWindow = scenario.RetentionWindow };
        var verdict = FsPcsChecker.Check(result.Captures.FirstOrDefault(), result.Datagrams, result.Trace.Events, options, scenario.Seed);
        return new PropertyVerdict(verdict.Passed, verdict.Detail, verdict.FirstViolation);
    }
}
