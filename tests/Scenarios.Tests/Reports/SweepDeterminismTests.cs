using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>A sweep is a function of its grid: the same seed gives the same table figures and the same sample trace; another seed gives other worlds.</summary>
public sealed class SweepDeterminismTests(TinySweepFixture sweep) : IClassFixture<TinySweepFixture>
{
    [Fact]
    public void SameSeedGivesTheSameTableFigures()
    {
        var again = Sweep.Run(TinySweepFixture.Grid);
        var fromFile = SweepCommandTests.TableRows(File.ReadAllText(sweep.PathOf(SweepReport.MarkdownName)));
        var rerun = SweepReport.TableRows(again).Select(r => "| " + string.Join(" | ", r) + " |").ToList();
        Assert.Equal(fromFile, rerun);
        Assert.Equal(File.ReadAllText(sweep.PathOf(SweepReport.SampleTraceName)), again.Sample.Trace.ToJsonLines());
    }

    [Fact]
    public void AnotherSeedGivesOtherWorlds()
    {
        var grid = TinySweepFixture.Grid with { DropProbabilities = [0.3], RetentionWindows = [2] };
        var a = Sweep.Run(grid);
        var b = Sweep.Run(grid with { Seed = grid.Seed + 1 });
        Assert.NotEqual(a.Points[0].Worlds[0].TraceHash, b.Points[0].Worlds[0].TraceHash);
        Assert.NotEqual(a.Sample.TraceHash, b.Sample.TraceHash);
    }

    [Fact]
    public void WorldKHasTheSameSeedAtEveryPoint()
    {
        var grid = TinySweepFixture.Grid with { WorldsPerPoint = 2 };
        Assert.NotEqual(grid.WorldSeed(0), grid.WorldSeed(1));
        var options = grid.Points().Select(p => SweepWorkload.Options(p, grid.WorldSeed(1), grid.Messages)).ToList();
        Assert.Single(options.Select(o => o.Seed).Distinct());
        Assert.Single(options.Select(o => o.UserScript.Describe()).Distinct());
        Assert.Equal(grid.Points().Count, options.Select(o => o.FaultProfile.Describe() + o.RetentionWindow).Distinct().Count());
    }
}
