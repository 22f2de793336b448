using Sim.Scenarios.Catalog;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// The catalog's worlds (<c>pairsim run --list</c>) judged by every checker, as fixed cases beside the generated
/// ones: each meets its faults in every run (duplicates and late copies in "lossy", one-way partitions in
/// "partitioned", corruption, replays and forgeries in "hostile", a crash and restart in "calm"), where a generated
/// case meets them only by chance; so a receive rule that one of them exercises cannot break unnoticed between two
/// property runs. "rollback" fails Convergence by design (<see cref="PlantedViolationTests"/>) and "insider" has its
/// own test (<see cref="InsiderEveryLayerTests"/>).
/// </summary>
public sealed class CatalogWorldTests(ITestOutputHelper output)
{
    public static TheoryData<string> Worlds => new(ScenarioCatalog.All.Select(e => e.Name).Where(n => n is not "rollback" and not "insider"));

    [Theory]
    [MemberData(nameof(Worlds))]
    public void EveryCheckerHolds(string name)
    {
        var (result, trace, _) = JudgedWorld.Run(ScenarioCatalog.Named(name)!.Scenario, output);
        output.WriteLine(string.Join(", ", trace.Receipts.GroupBy(r => r.Outcome.Name).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        Assert.True(result.Converged, $"{name} did not converge");
    }
}
