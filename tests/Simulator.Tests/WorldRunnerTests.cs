namespace Sim.Simulator.Tests;

/// <summary>Many worlds in parallel: each gives the trace it gives alone; results keep the input order; progress is reported per world.</summary>
public sealed class WorldRunnerTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParallelWorldsGiveTheTracesTheyGiveAlone(bool sharedSystem)
    {
        var worlds = WorldRunner.Seeds(DeterminismTests.Busy(0), 40, 4);
        var progress = new List<int>();
        var results = WorldRunner.Run(worlds, new WorldRunnerOptions { MaxParallelism = 2, SharedActorSystem = sharedSystem }, p => progress.Add(p.Completed));
        Assert.Equal([1, 2, 3, 4], progress);
        Assert.Equal(worlds.Select(w => w.Seed), results.Select(r => r.Options.Seed));
        Assert.Equal(fixture.Run(worlds[2]).TraceHash, results[2].TraceHash);
        Assert.Equal(4, results.Select(r => r.TraceHash).Distinct().Count());
    }
}
