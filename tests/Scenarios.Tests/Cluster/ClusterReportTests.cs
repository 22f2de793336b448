using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Reports;
using Sim.Scenarios.Tests.Cli;

namespace Sim.Scenarios.Tests.Cluster;

/// <summary>
/// `pairsim groups --cluster` and `pairsim compare --cluster` against the shared worker processes
/// (<see cref="ClusterWorkers"/>): the results folder and the report equal the local run's (for
/// compare, all but the CPU figures, which are measured where each world ran).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterReportTests(ClusterWorkers workers)
{
    [Fact]
    public void AClusterGroupsGridWritesTheReportOfTheLocalGrid()
    {
        var root = TempRoot();
        try
        {
            string[] grid = ["--scenario", "netsplit", "--members", "3", "--strategy", "sequenced,uncoordinated", "--partition-ms", "600", "--messages", "4"];
            var (local, _) = Run(root, "groups", "local", grid);
            var (cluster, output) = Run(root, "groups", "cluster", [.. grid, "--cluster", workers.Seed]);
            Assert.Contains("cluster: 2 worlds on", output, StringComparison.Ordinal);
            AssertSameFiles(local, cluster, text => text);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void OneGroupWorldOnTheClusterPrintsTheFiguresOfTheLocalWorld()
    {
        string[] world = ["groups", "--scenario", "race", "--messages", "4", "--partition-ms", "600", "--json"];
        var (exit, local, error) = CliRun.Invoke(world);
        Assert.True(exit == ExitCodes.Held, error);
        var (clusterExit, cluster, clusterError) = CliRun.Invoke([.. world, "--cluster", workers.Seed]);
        Assert.True(clusterExit == ExitCodes.Held, clusterError);
        Assert.Equal(JsonNode.Parse(local)!.ToJsonString(), JsonNode.Parse(cluster)!.ToJsonString());
        Assert.Contains("(this process is the coordinator", clusterError, StringComparison.Ordinal);
    }

    [Fact]
    public void AClusterComparisonWritesTheRowsAndReportOfTheLocalOneButForTheCpuFigures()
    {
        var root = TempRoot();
        try
        {
            string[] grid = ["--strategies", "pairmls,statickeys", "--faults", "drop", "--drop", "0", "--offline-ms", "500", "--worlds-per-point", "1", "--messages", "8", "--parity-worlds", "2"];
            var (local, _) = Run(root, "compare", "local", grid);
            var (cluster, output) = Run(root, "compare", "cluster", [.. grid, "--cluster", workers.Seed]);
            Assert.Contains("cluster: 8 worlds on", output, StringComparison.Ordinal);
            Assert.Equal(Rows(local), Rows(cluster));
            Assert.Equal(8, Rows(cluster).Count);
            AssertSameFiles(local, cluster, WithoutCpu);
            Assert.Contains(CompareReport.Reproducible, File.ReadAllText(Path.Combine(cluster, CompareReport.MarkdownName)), StringComparison.Ordinal);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public async Task AComparisonLosesAWorkerAndGivesTheSameRows()
    {
        // As the sweep's worker-loss test: the seed runs no worlds, the victim is the only worker until
        // it is killed after its first row, then a late worker runs the rest (the victim's unfinished world too).
        var root = TempRoot();
        using var nodes = new ClusterProcesses();
        try
        {
            string[] grid = ["--strategies", "pairmls,statickeys", "--faults", "drop", "--drop", "0,0.2", "--offline-ms", "500", "--worlds-per-point", "2", "--messages", "8", "--parity-worlds", "4"];
            const int worlds = 2 * 2 * (2 + 1) + 2 * 4;
            var seed = nodes.Start("--role", "coordinator", "--port", $"{ClusterProcesses.FreePort()}");
            var victim = nodes.Start("--role", "worker", "--port", "0", "--seed-nodes", seed.Address, "--parallel", "1");
            var results = Path.Combine(root, "cluster");
            var compare = Task.Run(() => Run(root, "compare", "cluster", [.. grid, "--cluster", seed.Address]));
            await WaitForRow(results, compare);
            ClusterProcesses.Kill(victim);
            int before = RowsSoFar(results);
            Assert.True(before < worlds, $"the victim ran all {before} worlds before the kill");
            var late = nodes.Start("--role", "worker", "--port", "0", "--seed-nodes", seed.Address, "--parallel", "1");
            var (cluster, output) = await compare;

            var line = ClusterLine().Match(output);
            Assert.True(line.Success, $"no cluster line in:\n{output}");
            Assert.Equal(worlds, int.Parse(line.Groups["worlds"].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(int.Parse(line.Groups["reassigned"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"no world was reassigned: {line.Value}");
            Assert.Matches($@"{Regex.Escape(late.Address)} [1-9]", line.Value);
            var (local, _) = Run(root, "compare", "local", grid);
            Assert.Equal(Rows(local), Rows(cluster));
            AssertSameFiles(local, cluster, WithoutCpu);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [GeneratedRegex(@"cluster: (?<worlds>\d+) worlds on .*?, (?<reassigned>\d+) reassigned")]
    private static partial Regex ClusterLine();

    /// <summary>Rows written so far under a results root (the file is being appended to).</summary>
    private static int RowsSoFar(string resultsRoot)
    {
        var dir = Path.Combine(resultsRoot, "compare");
        if (!Directory.Exists(dir)) return 0;
        int rows = 0;
        foreach (var file in Directory.GetDirectories(dir).Where(d => !d.EndsWith("latest", StringComparison.Ordinal)).Select(d => Path.Combine(d, CompareCommand.WorldsFile)).Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            rows += reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        return rows;
    }

    private static async Task WaitForRow(string resultsRoot, Task run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            if (RowsSoFar(resultsRoot) >= 1) return;
            await Task.Delay(50);
        }
        if (run.IsCompleted) await run;
        throw new TimeoutException("the cluster comparison wrote no row in 120 s");
    }

    /// <summary>Runs a command into root/name; its results folder and its output.</summary>
    private static (string Folder, string Output) Run(string root, string command, string name, string[] args)
    {
        var results = Path.Combine(root, name);
        var (exit, output, error) = CliRun.Invoke([command, .. args, "--results", results]);
        Assert.True(exit == ExitCodes.Held, $"{command} {name} exited {exit}:\n{error}\n{output}");
        return (Directory.GetDirectories(Path.Combine(results, command)).Single(d => !d.EndsWith("latest", StringComparison.Ordinal)), output);
    }

    private static void AssertSameFiles(string local, string cluster, Func<string, string> normalize)
    {
        var files = Directory.GetFiles(local).Select(Path.GetFileName).Where(f => f is not CompareCommand.WorldsFile).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var a = Path.Combine(local, file!);
            var b = Path.Combine(cluster, file!);
            Assert.True(File.Exists(b), $"the cluster run wrote no {file}");
            if (file!.EndsWith(".png", StringComparison.Ordinal))
                Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{file} differs");
            else
                Assert.Equal(normalize(ClipIds(File.ReadAllText(a))), normalize(ClipIds(File.ReadAllText(b))));
        }
    }

    // Skia numbers SVG clip paths with a per-process counter (see SweepDeterminismTests).
    private static string ClipIds(string text) => Regex.Replace(text, @"\bcl_[0-9a-f]+\b", "cl_N");

    /// <summary>The compare report with its wall-clock figures blanked: elapsed seconds, load average, the metadata table's CPU column, compare.json's cpu and load fields.</summary>
    private static string WithoutCpu(string text)
    {
        text = Elapsed().Replace(text, "(N s $1load average L)");
        text = LoadHere().Replace(text, "at load average L here");
        text = JsonCpu().Replace(text, "\"$1\": 0");
        // The metadata table (markdown and HTML): its last column is the CPU per message.
        text = MarkdownCpu().Replace(text, "$1 | CPU |");
        return HtmlCpu().Replace(text, "$1<td>CPU</td></tr>");
    }

    [GeneratedRegex(@"\(\d+ s (wall clock at |at )load average [^)]*\)")]
    private static partial Regex Elapsed();

    [GeneratedRegex(@"at load average [^:]*? here")]
    private static partial Regex LoadHere();

    [GeneratedRegex("\"(load_average|cpu_us_per_message)\": [^,\\n]*")]
    private static partial Regex JsonCpu();

    // A metadata row ends "| <server> | <cpu> |" where the server cell is "no server" or "x% / y%".
    [GeneratedRegex(@"(?m)(\| (?:no server|\d+% / \d+%)) \| [0-9]+ \|$")]
    private static partial Regex MarkdownCpu();

    [GeneratedRegex(@"(<td>(?:no server|\d+% / \d+%)</td>)<td>[0-9]+</td></tr>")]
    private static partial Regex HtmlCpu();

    /// <summary>The rows in worlds.jsonl without their CPU share, sorted (they are appended in the order the worlds finished).</summary>
    private static List<string> Rows(string folder) =>
    [
        .. File.ReadAllLines(Path.Combine(folder, CompareCommand.WorldsFile)).Where(l => l.Length > 0).Select(l =>
        {
            var row = JsonNode.Parse(l)!.AsObject();
            Assert.True(row.Remove("cpu_micros"), $"a row without cpu_micros: {l}");
            return row.ToJsonString();
        }).Order(StringComparer.Ordinal),
    ];

    private static string TempRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-cluster-report-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        return root;
    }
}
