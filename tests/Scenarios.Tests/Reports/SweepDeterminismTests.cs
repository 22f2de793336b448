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
    public void SameSeedWritesTheSameChartsAndTrace()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"pairsim-sweep-again-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, Sim.Scenarios.Tests.Cli.CliRun.Invoke(TinySweepFixture.Args(TinySweepFixture.Grid, dir)).Exit);
            foreach (var file in Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(f => f.EndsWith(".png") || f.EndsWith(".svg") || f.EndsWith(".jsonl")))
            {
                // PNG bytes are the same in every run (the committed sample report regenerates byte for byte).
                if (file.EndsWith(".png", StringComparison.Ordinal))
                {
                    Assert.True(File.ReadAllBytes(Path.Combine(dir, file)).AsSpan().SequenceEqual(File.ReadAllBytes(sweep.PathOf(file))), $"{file} differs in bytes between two runs");
                    continue;
                }
                var a = Normalized(File.ReadAllLines(Path.Combine(dir, file)));
                var b = Normalized(File.ReadAllLines(sweep.PathOf(file)));
                int i = Enumerable.Range(0, Math.Min(a.Count, b.Count)).FirstOrDefault(k => a[k] != b[k], -1);
                Assert.True(i < 0 && a.Count == b.Count, $"{file} differs between two runs at line {i}: {(i < 0 ? "length" : a[i] + " <> " + b[i])}");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // Skia numbers SVG clip paths with a counter shared by the whole process (charts drawn by other
    // tests at the same time move it); a fresh process numbers them alike, so the committed report is
    // byte-for-byte reproducible. Compare the SVGs with the numbers taken out.
    private static List<string> Normalized(string[] lines) =>
        lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\bcl_[0-9a-f]+\b", "cl_N")).ToList();

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
