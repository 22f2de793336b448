using Sim.Scenarios.Cli;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>One tiny sweep run through the CLI into a temporary directory, shared by the report tests.</summary>
public sealed class TinySweepFixture : IDisposable
{
    public static readonly SweepGrid Grid = new()
    {
        DropProbabilities = [0, 0.3],
        DuplicateProbabilities = [0.2],
        ReorderProbabilities = [0.3],
        PartitionLengthsMs = [300],
        RetentionWindows = [0, 2],
        WorldsPerPoint = 1,
        Messages = 10,
        Seed = 5,
    };

    public TinySweepFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"pairsim-sweep-{Guid.NewGuid():N}");
        ExitCode = PairsimCli.Run([.. Args(Grid, Directory), "--results", Path.Combine(Directory, "results")], new StringWriter(), new StringWriter());
    }

    public string Directory { get; }
    public int ExitCode { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static string[] Args(SweepGrid g, string outDir) =>
        SweepCommand.CommandLine(g, outDir).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a leftover temp directory is harmless */ }
    }
}
