using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Sim.Scenarios.Cluster;
using Sim.Scenarios.Reports;
using Sim.Simulator;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim compare`: PairMLS and the baselines of PAIRMLS.md "Baselines" over the same seeds, users
/// and faults, into a report (README.md, report.html, compare.json, two charts) in
/// results/compare/&lt;UTC time&gt;/ (and in --out DIR when given). Exit code 0 once the report is written;
/// 64 (<see cref="ExitCodes.Usage"/>) for bad arguments, each naming the option at fault; 74 an
/// unwritable output, checked before any world runs. Each world's row goes to worlds.jsonl in the results folder;
/// with --cluster the worlds run on the cluster's workers (<see cref="ClusterCompare"/>) and the tables are the same (CPU aside).
/// </summary>
public static class CompareCommand
{
    public static Command Build()
    {
        var d = new CompareGrid();
        var strategies = new Option<string>("--strategies") { Description = $"Strategies to compare (comma list of: {string.Join(", ", CompareStrategy.Labels)})", DefaultValueFactory = _ => string.Join(',', d.Strategies) };
        var drop = List("--drop", "Drop probabilities on both links (comma list)", d.DropProbabilities.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        var retention = List("--r", "The R axis: PairMLS with each of these retention windows, as strategies pairmls-R<R> after --strategies (comma list, e.g. 0,1,4; pairmls itself is R = 2)", d.RetentionWindows.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        var faults = List("--faults", $"Fault profiles of the chat, each at every drop rate (comma list of: {string.Join(", ", CompareFaults.Names)})", d.Faults);
        var offline = List("--offline-ms", "How long Bob is offline while Alice edits her card twice, virtual ms (comma list)", d.OfflineMs.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        var worlds = new Option<int>("--worlds-per-point") { Description = "Worlds (seeds) per point; every strategy gets the same seeds", DefaultValueFactory = _ => d.WorldsPerPoint };
        var messages = new Option<int>("--messages") { Description = "User messages of the chat workload", DefaultValueFactory = _ => d.Messages };
        var parity = new Option<int>("--parity-worlds") { Description = "Worlds per PairMLS variant for the parity observer", DefaultValueFactory = _ => d.ParityWorlds };
        var theft = new Option<long>("--theft-ms") { Description = "When the attacker copies Alice's saved state, virtual ms", DefaultValueFactory = _ => d.TheftMs };
        var seed = new Option<ulong>("--seed") { Description = "Root seed: every world's seed derives from it", DefaultValueFactory = _ => d.Seed };
        var output = new Option<string?>("--out")
        {
            Description = "Also write the report into DIR (--out reports/compare regenerates the committed sample); by default it goes only to results/compare/<UTC time>/",
            HelpName = "DIR",
        };
        var results = CommonOptions.Results();
        var parallel = new Option<int>("--parallel") { Description = "Worlds run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print compare.json's figures instead of the summary" };
        var cluster = ClusterOptions.Cluster();
        var clusterHost = ClusterOptions.ClusterHost();
        var command = new Command("compare", "Run PairMLS and its baselines (static keys, central delivery service honest and malicious, self-commit, PairMLS variants) on the same faults and write a report.")
        {
            strategies, retention, faults, drop, offline, worlds, messages, parity, theft, seed, output, results, parallel, json, cluster, clusterHost,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(parse, cancel)));
        return command;

        int Run(ParseResult parse, CancellationToken cancel)
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            CompareGrid grid;
            try
            {
                grid = new CompareGrid
                {
                    Strategies = parse.GetValue(strategies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    RetentionWindows = Parse(parse.GetValue(retention)!, "--r", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), allowEmpty: true),
                    Faults = parse.GetValue(faults)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    DropProbabilities = Parse(parse.GetValue(drop)!, "--drop", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    OfflineMs = Parse(parse.GetValue(offline)!, "--offline-ms", s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    WorldsPerPoint = parse.GetValue(worlds),
                    Messages = parse.GetValue(messages),
                    ParityWorlds = parse.GetValue(parity),
                    TheftMs = parse.GetValue(theft),
                    Seed = parse.GetValue(seed),
                };
                grid.Validate();
            }
            catch (ArgumentException e) { throw CliError.Usage(e.Message, e); }
            int workers = parse.GetValue(parallel);
            if (workers < 1) throw CliError.Usage("--parallel: at least 1");
            // Every output is checked before the first world runs.
            string? outDir = parse.GetValue(output);
            if (outDir is not null) OutputCheck.Directory(outDir, "--out");
            var folder = ResultsFolder.Create(parse.GetValue(results)!, "compare", DateTime.UtcNow);
            var target = parse.GetValue(cluster) is { } seeds ? new ClusterTarget(seeds) { Host = parse.GetValue(clusterHost)! } : null;
            if (!io.Json) io.Output.WriteLine($"compare: {grid.Compared.Count} strategies, seed {grid.Seed}");
            void Progress(int done, int total)
            {
                if (io.Interactive && (done == total || done % 50 == 0)) io.Output.WriteLine($"  {done}/{total} worlds");
            }
            CompareResult result;
            ClusterStats? stats = null;
            // One row per world, appended as the worlds finish (an interrupted run keeps them).
            using (var rows = new StreamWriter(folder.File(WorldsFile)) { AutoFlush = true })
            {
                try
                {
                    result = target is null
                        ? Compare.Run(grid, Progress, new WorldRunnerOptions { MaxParallelism = workers }, r => rows.WriteLine(r.ToJson()), cancel)
                        : OnCluster(io, grid, target, Progress, r => rows.WriteLine(r.ToJson()), s => stats = s, cancel);
                }
                catch (TimeoutException e) when (target is not null)
                {
                    throw CliError.InputOutput(e.Message, e); // no worker joined the cluster in time
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    io.Error.WriteLine($"compare: interrupted; the finished worlds' rows are in {folder.File(WorldsFile)}");
                    return ExitCodes.Interrupted;
                }
            }
            result = result with { Command = CommandLine(grid, outDir) };
            var files = CompareReport.Write(result, folder.Path);
            if (outDir is not null) files = CompareReport.Write(result, outDir);
            if (io.Json) io.Output.WriteLine(CompareReport.Json(result));
            else
            {
                foreach (var f in CompareReport.Findings(result)) io.Output.WriteLine($"- {f}");
                io.Output.WriteLine($"rows: {folder.File(WorldsFile)}");
                io.Output.WriteLine($"report written to {files[0]} ({files.Count} files) in {result.Elapsed.TotalSeconds:F0} s, load average {result.LoadAverage}");
                if (stats is not null) io.Output.WriteLine(SweepCommand.ClusterLine(stats));
            }
            return ExitCodes.Held;
        }
    }

    /// <summary>The per-world rows in the results folder (one <see cref="CompareRow"/> JSON per line, in the order the worlds finished).</summary>
    public const string WorldsFile = "worlds.jsonl";

    private static CompareResult OnCluster(CliIo io, CompareGrid grid, ClusterTarget cluster, Action<int, int> progress, Action<CompareRow> onRow, Action<ClusterStats> stats, CancellationToken cancel)
    {
        io.Error.WriteLine($"compare: on the cluster at {cluster.SeedText} (this process is the coordinator at {cluster.Host})");
        return Compare.Run(grid, ClusterCompare.Farm(cluster, io.Error.WriteLine, stats), progress, onRow, cancel);
    }

    /// <summary>The command that reproduces a comparison (every option spelled out).</summary>
    public static string CommandLine(CompareGrid g, string? outDir) =>
        $"pairsim compare --strategies {string.Join(',', g.Strategies)} {(g.RetentionWindows.Count == 0 ? "" : $"--r {string.Join(',', g.RetentionWindows)} ")}--faults {string.Join(',', g.Faults)} --drop {string.Join(',', g.DropProbabilities.Select(x => x.ToString(CultureInfo.InvariantCulture)))} " +
        $"--offline-ms {string.Join(',', g.OfflineMs)} --worlds-per-point {g.WorldsPerPoint} --messages {g.Messages} --parity-worlds {g.ParityWorlds} " +
        $"--theft-ms {g.TheftMs} --seed {g.Seed}" + (outDir is null ? "" : $" --out {outDir}");

    private static Option<string> List(string name, string description, IEnumerable<string> defaults) =>
        new(name) { Description = description, HelpName = "list", DefaultValueFactory = _ => string.Join(',', defaults) };

    private static IReadOnlyList<T> Parse<T>(string text, string option, Func<string, T> parse, bool allowEmpty = false)
    {
        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try { values.Add(parse(part)); }
            catch (FormatException) { throw new ArgumentException($"{option}: '{part}' is not a number (give a comma list, e.g. 0,0.1)"); }
            catch (OverflowException) { throw new ArgumentException($"{option}: '{part}' is out of range"); }
        }
        if (values.Count == 0 && !allowEmpty) throw new ArgumentException($"{option}: give at least one value");
        return values;
    }
}
