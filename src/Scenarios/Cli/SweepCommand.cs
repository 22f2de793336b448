using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sim.Scenarios.Cluster;
using Sim.Scenarios.Reports;
using Sim.Simulator;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim sweep`: runs a grid over drop, duplicate and reorder probability, partition length and
/// retention window R (many deterministic worlds in parallel) and writes a report: four charts (PNG
/// and SVG), README.md and report.html with the grid's figures and invariant verdicts. A sweep
/// explores (`check` is the gate): exit code 0 once the report is written, even when some world broke
/// an invariant (the report and the console list each one with its scenario and replay command); 1 for
/// that case only with --fail-on-violation; 64 bad arguments, 74 unwritable output, 130 interrupted.
/// </summary>
public static class SweepCommand
{
    public static Command Build()
    {
        var defaults = new SweepGrid();
        var drop = Doubles("--drop", "Drop probabilities to sweep (comma list)", defaults.DropProbabilities);
        var duplicate = Doubles("--duplicate", "Duplicate probabilities (comma list)", defaults.DuplicateProbabilities);
        var reorder = Doubles("--reorder", $"Reorder probabilities: a datagram is held back {SweepWorkload.ReorderExtraMs} ms so later ones overtake it (comma list)", defaults.ReorderProbabilities);
        var partition = Longs("--partition-ms", "Lengths of one partition in the middle of the chat, virtual ms; 0 = none (comma list)", defaults.PartitionLengthsMs);
        var retention = Longs("--retention", "Retention windows R: past epochs whose keys a party keeps (comma list)", defaults.RetentionWindows.Select(r => (long)r).ToList());
        var worlds = new Option<int>("--worlds-per-point") { Description = "Worlds (seeds) per grid point", DefaultValueFactory = _ => defaults.WorldsPerPoint };
        var messages = new Option<int>("--messages") { Description = "User messages per world while faults are on", DefaultValueFactory = _ => defaults.Messages };
        var seed = new Option<ulong>("--seed") { Description = "Root seed: every world's seed derives from it", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string?>("--out") { Description = "Also write the report into DIR (e.g. --out reports regenerates the committed sample report); by default it goes only to the results folder", HelpName = "DIR" };
        var results = CommonOptions.Results();
        var parallel = new Option<int>("--parallel") { Description = "Worlds run at once", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON (no progress bar, no tables)" };
        var strict = new Option<bool>("--fail-on-violation") { Description = "Exit 1 when any world broke an invariant (default: the report lists it and the exit code is 0)" };
        var cluster = ClusterOptions.Cluster();
        var clusterHost = ClusterOptions.ClusterHost();
        var command = new Command("sweep", "Run a grid of fault settings × retention windows; write per-world rows and a report with charts to results/sweep/<time>/ (and to --out DIR if given).")
        {
            drop, duplicate, reorder, partition, retention, worlds, messages, seed, output, results, parallel, json, strict, cluster, clusterHost,
        };
        command.SetAction((parse, cancel) =>
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            var grid = new SweepGrid
            {
                DropProbabilities = parse.GetValue(drop)!.Values,
                DuplicateProbabilities = parse.GetValue(duplicate)!.Values,
                ReorderProbabilities = parse.GetValue(reorder)!.Values,
                PartitionLengthsMs = parse.GetValue(partition)!.Values,
                RetentionWindows = parse.GetValue(retention)!.Values.Select(r => r is < 0 or > int.MaxValue ? throw CliError.Usage($"--retention: {r} is not a window R >= 0") : (int)r).ToList(),
                WorldsPerPoint = parse.GetValue(worlds),
                Messages = parse.GetValue(messages),
                Seed = parse.GetValue(seed),
            };
            try { grid.Validate(); }
            catch (ArgumentException e) { throw CliError.Usage(e.Message, e); }
            var outDir = parse.GetValue(output);
            if (outDir is not null) OutputCheck.Directory(outDir, "--out");
            var folder = ResultsFolder.Create(parse.GetValue(results)!, "sweep", DateTime.UtcNow);
            var target = parse.GetValue(cluster) is { } seeds ? new ClusterTarget(seeds) { Host = parse.GetValue(clusterHost)! } : null;
            return Task.FromResult(Run(io, grid, folder, outDir, parse.GetValue(parallel), parse.GetValue(strict), target, cancel));
        });
        return command;
    }

    /// <summary>The full command that reproduces a grid (every option spelled out); with <paramref name="outDir"/>, the report goes there too.</summary>
    public static string CommandLine(SweepGrid grid, string? outDir = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return $"pairsim sweep --drop {List(grid.DropProbabilities)} --duplicate {List(grid.DuplicateProbabilities)} --reorder {List(grid.ReorderProbabilities)} " +
               $"--partition-ms {string.Join(',', grid.PartitionLengthsMs)} --retention {string.Join(',', grid.RetentionWindows)} " +
               $"--worlds-per-point {grid.WorldsPerPoint} --messages {grid.Messages} --seed {grid.Seed}" + (outDir is null ? "" : $" --out {outDir}");
    }

    public const string WorldsTable = "worlds";

    private static readonly RowColumn[] Columns =
    [
        RowColumn.Real("drop"), RowColumn.Real("dup"), RowColumn.Real("reorder"), RowColumn.Integer("partition_ms"), RowColumn.Integer("r"),
        RowColumn.Integer("world"), RowColumn.Text("seed"), RowColumn.Text("trace_hash"), RowColumn.Boolean("all_held"), RowColumn.Text("failed"),
        RowColumn.Integer("convergence_ms"), RowColumn.Integer("convergence_round_trips"),
        RowColumn.Integer("heal_ms"), RowColumn.Integer("heal_convergence_ms"), RowColumn.Boolean("heal_converged_under_faults"), RowColumn.Integer("honest_arrived"), RowColumn.Integer("honest_decrypted"),
        RowColumn.Real("decryptable_fraction"), RowColumn.Integer("sent"), RowColumn.Integer("lost"), RowColumn.Integer("expired"), RowColumn.Integer("final_epoch"),
        RowColumn.Text("scenario"), RowColumn.Text("replay"),
    ];

    /// <summary>The replay command of a sweep world: judged on <paramref name="property"/> (a failed checker) when given.</summary>
    public static string ReplayCommand(SweepWorld world, string? property = null) =>
        Properties.Replay.Command(world.Scenario, property, world.Metrics.TraceHash);

    private static int Run(CliIo io, SweepGrid grid, ResultsFolder folder, string? outDir, int parallel, bool failOnViolation, ClusterTarget? cluster, CancellationToken cancel)
    {
        ClusterStats? clusterStats = null;
        var runner = new WorldRunnerOptions { MaxParallelism = parallel };
        io.Say($"sweep: {grid.Points().Count} grid points × {grid.WorldsPerPoint} worlds = {grid.WorldCount} worlds, {grid.Messages} messages each, seed {grid.Seed}");
        SweepResult? sweep = null;
        int done = 0;
        using (var rows = RowFile.Create(folder.Path, WorldsTable, Columns))
        {
            try
            {
                sweep = io.WithProgress("sweep", grid.WorldCount, progress =>
                {
                    void OnWorld(SweepWorld w)
                    {
                        var m = w.Metrics;
                        var failed = m.Verdicts.Where(v => !v.Passed && PointSummary.Judged(w.Point, v)).Select(v => v.Name).ToList();
                        rows.Append(w.Point.DropProbability, w.Point.DuplicateProbability, w.Point.ReorderProbability, w.Point.PartitionMs, w.Point.RetentionWindow,
                            w.Index, m.Seed.ToString(CultureInfo.InvariantCulture), m.TraceHash, failed.Count == 0, string.Join(",", failed),
                            m.ConvergenceMs, m.ConvergenceRoundTrips, m.HealMs, m.HealConvergenceMs, m.HealConvergedUnderFaults, m.HonestArrived, m.HonestDecrypted, m.DecryptableFraction, m.Sent, m.Lost, m.Expired, m.Epochs,
                            w.Scenario.Format(), ReplayCommand(w, failed.FirstOrDefault()));
                        done++;
                        progress.Advance(failed.Count > 0);
                    }
                    if (cluster is null) return Sweep.Run(grid, OnWorld, runner, cancel);
                    io.Error.WriteLine($"sweep: on the cluster at {cluster.SeedText} (this process is the coordinator at {cluster.Host})");
                    return Sweep.Run(grid, ClusterSweep.Farm(cluster, io.Error.WriteLine, s => clusterStats = s), OnWorld, cancel);
                });
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // the rows of the finished worlds are kept
            }
            catch (TimeoutException e) when (cluster is not null)
            {
                throw CliError.InputOutput(e.Message, e);
            }
        }
        if (sweep is null)
        {
            io.Error.WriteLine($"interrupted after {done} of {grid.WorldCount} worlds; their rows are in {folder.File(WorldsTable + ".jsonl")} and .parquet");
            return ExitCodes.Interrupted;
        }
        sweep = sweep with { Command = CommandLine(grid, outDir) };
        var files = SweepReport.Write(sweep, folder.Path);
        var written = outDir is null ? files : SweepReport.Write(sweep, outDir);
        var violations = Violations(sweep);
        File.WriteAllText(folder.File("summary.json"), Json(sweep, written, violations, folder, clusterStats) + "\n");
        if (io.Json) io.Output.WriteLine(Json(sweep, written, violations, folder, clusterStats));
        else Summary(io, sweep, written, violations, folder);
        if (clusterStats is not null && !io.Json) io.Output.WriteLine(ClusterLine(clusterStats));
        return failOnViolation && !sweep.AllHeld ? ExitCodes.Violation : ExitCodes.Held;
    }

    /// <summary>Every failed verdict with its world: the scenario and the command that replays it.</summary>
    public static IReadOnlyList<(SweepWorld World, Sim.Simulator.Checks.Verdict Verdict)> Violations(SweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return SweepReport.Violations(sweep)
            .Select(v => (new SweepWorld(v.Point, 0, SweepWorkload.Scenario(v.Point, v.World.Seed, sweep.Grid.Messages), v.World), v.Verdict))
            .ToList();
    }

    private static void Summary(CliIo io, SweepResult sweep, ReportFiles files, IReadOnlyList<(SweepWorld World, Sim.Simulator.Checks.Verdict Verdict)> violations, ResultsFolder folder)
    {
        // The console shows one row per drop rate; the report has every point.
        var table = new Table().AddColumns("drop", "worlds", "converged", "convergence ms (mean)", "round trips", "decrypted %", "invariants");
        foreach (var group in sweep.Points.GroupBy(p => p.Point.DropProbability))
        {
            var w = group.SelectMany(p => p.Worlds).ToList();
            var conv = w.Where(x => x.ConvergenceMs is not null).ToList();
            int arrived = w.Sum(x => x.HonestArrived);
            int held = group.Sum(p => p.Worlds.Count(x => x.Verdicts.All(v => v.Passed || !PointSummary.Judged(p.Point, v))));
            table.AddRow(
                SweepPoint.F(group.Key), w.Count.ToString(CultureInfo.InvariantCulture), $"{group.Sum(p => p.Converged)}/{w.Count}",
                conv.Count == 0 ? "–" : conv.Average(x => x.ConvergenceMs!.Value).ToString("F0", CultureInfo.InvariantCulture),
                conv.Count == 0 ? "–" : conv.Average(x => x.ConvergenceRoundTrips!.Value).ToString("0.##", CultureInfo.InvariantCulture),
                arrived == 0 ? "–" : (100.0 * w.Sum(x => x.HonestDecrypted) / arrived).ToString("F1", CultureInfo.InvariantCulture),
                held == w.Count ? "[green]all held[/]" : $"[red]{w.Count - held} worlds failed[/]");
        }
        io.Console.Write(table);
        foreach (var f in SweepReport.Findings(sweep)) io.Output.WriteLine($"- {f}");
        foreach (var (world, verdict) in violations.Take(5))
        {
            io.Output.WriteLine($"VIOLATION {world.Point.Label} seed {world.Metrics.Seed}: {verdict}");
            io.Output.WriteLine($"  scenario: {world.Scenario.Format()}");
            io.Output.WriteLine($"  replay: {ReplayCommand(world, verdict.Name)}");
        }
        if (violations.Count > 5) io.Output.WriteLine($"... and {violations.Count - 5} more in {folder.File("summary.json")}");
        io.Output.WriteLine($"rows: {folder.File(WorldsTable + ".jsonl")} and {WorldsTable}.parquet");
        io.Output.WriteLine($"report written to {files.Markdown} and {files.Html} ({files.All.Count()} files) in {sweep.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>What the cluster did (wall-clock figures: not part of the report, which is the same as a local sweep's).</summary>
    public static string ClusterLine(ClusterStats s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return FormattableString.Invariant($"cluster: {s.Worlds} worlds on {s.WorldsByNode.Count} workers ({string.Join(", ", s.WorldsByNode.Select(n => $"{n.Node} {n.Worlds}"))}), ") +
               FormattableString.Invariant($"{s.Reassigned} reassigned after a worker was lost; {s.WorldsPerSecond:F2} worlds/s over {s.Working.TotalSeconds:F1} s from the first worker's arrival ({s.Elapsed.TotalSeconds:F1} s with joining); coordinator CPU {s.CoordinatorCpuPerWorldMs:F3} ms per world");
    }

    private static string Json(SweepResult sweep, ReportFiles files, IReadOnlyList<(SweepWorld World, Sim.Simulator.Checks.Verdict Verdict)> violations, ResultsFolder folder, ClusterStats? cluster = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("command", sweep.Command);
            w.WriteString("results", folder.Path);
            w.WriteString("rows_jsonl", folder.File(WorldsTable + ".jsonl"));
            w.WriteString("rows_parquet", folder.File(WorldsTable + ".parquet"));
            w.WriteNumber("seed", sweep.Grid.Seed);
            w.WriteNumber("worlds_per_point", sweep.Grid.WorldsPerPoint);
            w.WriteNumber("messages", sweep.Grid.Messages);
            w.WriteBoolean("all_invariants_held", sweep.AllHeld);
            w.WriteStartArray("points");
            foreach (var p in sweep.Points)
            {
                w.WriteStartObject();
                w.WriteNumber("drop_probability", p.Point.DropProbability);
                w.WriteNumber("duplicate_probability", p.Point.DuplicateProbability);
                w.WriteNumber("reorder_probability", p.Point.ReorderProbability);
                w.WriteNumber("partition_ms", p.Point.PartitionMs);
                w.WriteNumber("retention_window", p.Point.RetentionWindow);
                w.WriteNumber("worlds", p.WorldCount);
                w.WriteNumber("converged", p.Converged);
                Nullable(w, "convergence_ms_mean", p.ConvergenceMsMean);
                Nullable(w, "round_trips_mean", p.RoundTripsMean);
                Nullable(w, "heal_convergence_ms_median", p.HealConvergence?.Median);
                Nullable(w, "decryptable_fraction", p.DecryptableFraction);
                w.WriteNumber("sent_mean", p.SentMean);
                w.WriteNumber("lost_mean", p.LostMean);
                w.WriteNumber("expired_mean", p.ExpiredMean);
                w.WriteStartObject("invariants_held");
                foreach (var (name, held) in p.Verdicts) w.WriteNumber(name, held);
                w.WriteEndObject();
                w.WriteStartArray("seeds");
                foreach (var world in p.Worlds) w.WriteStringValue(world.Seed.ToString(CultureInfo.InvariantCulture));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("violations");
            foreach (var (world, verdict) in violations)
            {
                w.WriteStartObject();
                w.WriteString("point", world.Point.Label);
                w.WriteString("seed", world.Metrics.Seed.ToString(CultureInfo.InvariantCulture));
                w.WriteString("checker", verdict.Name);
                w.WriteString("verdict", verdict.ToString());
                w.WriteString("scenario", world.Scenario.Format());
                w.WriteString("trace_hash", world.Metrics.TraceHash);
                w.WriteString("replay", ReplayCommand(world, verdict.Name));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var sample = SweepWorkload.Scenario(sweep.SamplePoint, sweep.Sample.Options.Seed, sweep.Grid.Messages);
            w.WriteStartObject("sample");
            w.WriteString("point", sweep.SamplePoint.Label);
            w.WriteString("trace_hash", sweep.Sample.TraceHash);
            w.WriteString("scenario", sample.Format());
            w.WriteString("replay", Properties.Replay.Command(sample, null, sweep.Sample.TraceHash));
            w.WriteEndObject();
            w.WriteStartArray("files");
            foreach (var f in files.All) w.WriteStringValue(f);
            w.WriteEndArray();
            if (cluster is not null)
            {
                w.WriteStartObject("cluster");
                w.WriteNumber("worlds", cluster.Worlds);
                w.WriteNumber("reassigned", cluster.Reassigned);
                w.WriteNumber("elapsed_s", cluster.Elapsed.TotalSeconds);
                w.WriteNumber("working_s", cluster.Working.TotalSeconds);
                w.WriteNumber("worlds_per_s", cluster.WorldsPerSecond);
                w.WriteNumber("coordinator_cpu_ms_per_world", cluster.CoordinatorCpuPerWorldMs);
                w.WriteStartObject("worlds_by_node");
                foreach (var (node, n) in cluster.WorldsByNode) w.WriteNumber(node, n);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static string List(IEnumerable<double> values) => string.Join(',', values.Select(SweepPoint.F));

    /// <summary>A comma list of grid values; not a collection, so --help prints the default as it is typed ("0,0.1").</summary>
    private sealed record CommaList<T>(IReadOnlyList<T> Values) where T : IFormattable
    {
        public override string ToString() => string.Join(',', Values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)));
    }

    private static Option<CommaList<double>> Doubles(string name, string description, IReadOnlyList<double> defaults) => new(name)
    {
        Description = description,
        HelpName = "list",
        DefaultValueFactory = _ => new(defaults),
        CustomParser = r => ParseList(r, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
    };

    private static Option<CommaList<long>> Longs(string name, string description, IReadOnlyList<long> defaults) => new(name)
    {
        Description = description,
        HelpName = "list",
        DefaultValueFactory = _ => new(defaults),
        CustomParser = r => ParseList(r, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
    };

    private static CommaList<T>? ParseList<T>(ArgumentResult result, Func<string, T> parse) where T : IFormattable
    {
        var values = new List<T>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try { values.Add(parse(part)); }
                catch (FormatException) { result.AddError($"'{part}' is not a number (give a comma list, e.g. 0,0.1,0.2)"); return null; }
                catch (OverflowException) { result.AddError($"'{part}' is out of range"); return null; }
            }
        }
        if (values.Count == 0) result.AddError("give at least one value");
        return new CommaList<T>(values);
    }
}
