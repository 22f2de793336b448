using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Tests.Cli;

namespace Sim.Scenarios.Tests.Cluster;

/// <summary>
/// `pairsim sweep --cluster` against real worker processes on 127.0.0.1: the report and the per-world
/// rows equal a local sweep's; a worker killed by its process id mid-sweep has its unfinished worlds
/// run elsewhere and a worker that joins late takes work, with the same results.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSweepTests(ClusterWorkers workers)
{
    private static string[] Grid(int worldsPerPoint, int messages) =>
    [
        "--drop", "0,0.3", "--duplicate", "0", "--reorder", "0.3", "--partition-ms", "0", "--retention", "1",
        "--worlds-per-point", worldsPerPoint.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--messages", messages.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "7",
    ];

    [Fact]
    public void AClusterSweepWritesTheReportOfTheLocalSweep()
    {
        var root = TempRoot();
        try
        {
            var grid = Grid(worldsPerPoint: 3, messages: 8);
            var local = Sweep(root, "local", grid);
            var cluster = Sweep(root, "cluster", [.. grid, "--cluster", workers.Seed]);
            AssertSameResults(local, cluster);
            var byNode = Summary(cluster)["cluster"]!["worlds_by_node"]!.AsObject();
            Assert.Equal(2, byNode.Count); // both workers ran worlds
            Assert.Equal(6, byNode.Sum(n => (int)n.Value!));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public async Task AKilledWorkersWorldsAreRunElsewhereAndALateWorkerTakesWork()
    {
        var root = TempRoot();
        using var nodes = new ClusterProcesses();
        try
        {
            // The seed is a coordinator node (it runs no worlds), so the victim is the only worker: once it
            // is killed nothing moves until the late worker joins, which then runs the rest, the victim's
            // unfinished world included. No step depends on how fast the machine is.
            int port = ClusterProcesses.FreePort();
            var seed = nodes.Start("--role", "coordinator", "--port", $"{port}");
            var victim = nodes.Start("--role", "worker", "--port", "0", "--seed-nodes", seed.Address, "--parallel", "1");
            var grid = Grid(worldsPerPoint: 8, messages: 8);
            const int worlds = 16;
            var results = Path.Combine(root, "cluster");
            var sweep = Task.Run(() => Sweep(root, "cluster", [.. grid, "--cluster", seed.Address]));
            WaitForRows(results, 1, sweep);
            ClusterProcesses.Kill(victim);
            int before = RowsUnder(results);
            Assert.True(before < worlds, $"the victim ran all {before} worlds before the kill");
            var late = nodes.Start("--role", "worker", "--port", "0", "--seed-nodes", seed.Address, "--parallel", "1");
            var cluster = await sweep;

            var stats = Summary(cluster)["cluster"]!;
            Assert.True((int)stats["reassigned"]! >= 1, $"no world was reassigned: {stats}");
            var byNode = stats["worlds_by_node"]!.AsObject();
            Assert.True(byNode.TryGetPropertyValue(late.Address, out var lateWorlds) && (int)lateWorlds! > 0, $"the late worker {late.Address} ran no world: {stats}");
            Assert.Equal(worlds, byNode.Sum(n => (int)n.Value!));
            AssertSameResults(Sweep(root, "local", grid), cluster);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Theory]
    [InlineData("--port", "70000", "'70000'")]
    [InlineData("--port", "-1", "'-1'")]
    [InlineData("--role", "boss", "'boss'")]
    [InlineData("--seed-nodes", "127.0.0.1", "'127.0.0.1'")]
    [InlineData("--seed-nodes", "127.0.0.1:0", "'0'")]
    [InlineData("--host", "not a host", "'not a host'")]
    public void ABadNodeOptionIsAUsageErrorNamingTheValue(string option, string value, string named)
    {
        var (exit, _, error) = CliRun.Invoke("node", option, value);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sweep", "--cluster", "localhost:99999", "'99999'")]
    [InlineData("sweep", "--cluster", "akka.tcp://other@127.0.0.1:4053", "akka.tcp://other@127.0.0.1:4053")]
    [InlineData("groups", "--cluster", "localhost:99999", "'99999'")]
    [InlineData("groups", "--cluster", "127.0.0.1", "'127.0.0.1'")]
    [InlineData("groups", "--cluster-host", "not a host", "'not a host'")]
    [InlineData("compare", "--cluster", "localhost:0", "'0'")]
    [InlineData("compare", "--cluster", "http://127.0.0.1:4053", "http://127.0.0.1:4053")]
    [InlineData("compare", "--cluster-host", "a/b", "'a/b'")]
    public void ABadClusterAddressIsAUsageErrorNamingIt(string command, string option, string value, string named)
    {
        var (exit, _, error) = CliRun.Invoke(command, option, value);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupsTraceWithClusterIsAUsageError()
    {
        var (exit, _, error) = CliRun.Invoke("groups", "--cluster", "127.0.0.1:4053", "--trace", Path.Combine(Path.GetTempPath(), "pairsim-never-written.jsonl"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--trace", error, StringComparison.Ordinal);
    }

    /// <summary>A sweep into root/name; its results folder (the one under root/name/sweep/).</summary>
    private static string Sweep(string root, string name, string[] args)
    {
        var results = Path.Combine(root, name);
        var (exit, output, error) = CliRun.Invoke([.. new[] { "sweep" }.Concat(args), "--results", results]);
        Assert.True(exit == ExitCodes.Held, $"sweep {name} exited {exit}:\n{error}\n{output}");
        return Directory.GetDirectories(Path.Combine(results, "sweep")).Single(d => !d.EndsWith("latest", StringComparison.Ordinal));
    }

    private static void AssertSameResults(string local, string cluster)
    {
        // Rows come in the order the worlds finish; sorted, they are the same rows.
        Assert.Equal(Rows(local).Order(StringComparer.Ordinal), Rows(cluster).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(local).Select(Path.GetFileName).Where(f => f is not ("worlds.jsonl" or "worlds.parquet" or "summary.json")))
        {
            var a = Path.Combine(local, file!);
            var b = Path.Combine(cluster, file!);
            Assert.True(File.Exists(b), $"the cluster sweep wrote no {file}");
            if (file!.EndsWith(".png", StringComparison.Ordinal))
                Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{file} differs");
            else
                Assert.Equal(Normalized(File.ReadAllText(a)), Normalized(File.ReadAllText(b)));
        }
    }

    // Skia numbers SVG clip paths with a per-process counter (see SweepDeterminismTests).
    private static string Normalized(string text) => Regex.Replace(text, @"\bcl_[0-9a-f]+\b", "cl_N");

    private static List<string> Rows(string dir)
    {
        var file = Path.Combine(dir, "worlds.jsonl");
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Rows written so far by the sweep(s) under a results root.</summary>
    private static int RowsUnder(string resultsRoot)
    {
        var sweepDir = Path.Combine(resultsRoot, "sweep");
        return Directory.Exists(sweepDir) ? Directory.GetDirectories(sweepDir).Where(d => !d.EndsWith("latest", StringComparison.Ordinal)).Sum(d => Rows(d).Count) : 0;
    }

    private static void WaitForRows(string resultsRoot, int rows, Task sweep)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !sweep.IsCompleted)
        {
            if (RowsUnder(resultsRoot) >= rows) return;
            Thread.Sleep(50);
        }
        if (sweep.IsCompleted) sweep.GetAwaiter().GetResult();
        throw new TimeoutException($"the cluster sweep wrote fewer than {rows} rows in 120 s");
    }

    private static JsonObject Summary(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();

    private static string TempRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-cluster-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        return root;
    }
}

/// <summary>The cluster tests start processes and ports: one at a time, not beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterWorkers>
{
    public const string Name = "cluster";
}
