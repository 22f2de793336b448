using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sim.Scenarios.Reports;
using Sim.Simulator;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim sweep`: runs a grid over drop, duplicate and reorder probability, partition length and
/// retention window R (many deterministic worlds in parallel) and writes a report: four charts (PNG
/// and SVG), README.md and report.html with the grid's figures and invariant verdicts. A sweep
/// explores (`check` is the gate): exit code 0 once the report is written, even when some world broke
/// an invariant (the report and the console list each one with the line that reproduces it); 1 for
/// that case only with --fail-on-violation; 2 bad arguments.
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
        var output = new Option<string>("--out") { Description = "Directory the report is written to", DefaultValueFactory = _ => "reports" };
        var parallel = new Option<int>("--parallel") { Description = "Worlds run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON (no progress bar, no tables)" };
        var strict = new Option<bool>("--fail-on-violation") { Description = "Exit 1 when any world broke an invariant (default: the report lists it and the exit code is 0)" };
        var command = new Command("sweep", "Run a grid of fault settings × retention windows and write a report with charts (reports/README.md, report.html).")
        {
            drop, duplicate, reorder, partition, retention, worlds, messages, seed, output, parallel, json, strict,
        };
        command.SetAction(parse =>
        {
            var grid = new SweepGrid
            {
                DropProbabilities = parse.GetValue(drop)!.Values,
                DuplicateProbabilities = parse.GetValue(duplicate)!.Values,
                ReorderProbabilities = parse.GetValue(reorder)!.Values,
                PartitionLengthsMs = parse.GetValue(partition)!.Values,
                RetentionWindows = parse.GetValue(retention)!.Values.Select(r => (int)Math.Clamp(r, -1, int.MaxValue)).ToList(),
                WorldsPerPoint = parse.GetValue(worlds),
                Messages = parse.GetValue(messages),
                Seed = parse.GetValue(seed),
            };
            return Run(grid, parse.GetValue(output)!, parse.GetValue(json), Math.Max(1, parse.GetValue(parallel)), parse.GetValue(strict));
        });
        return command;
    }

    /// <summary>The full command that reproduces a grid (every option spelled out).</summary>
    public static string CommandLine(SweepGrid grid, string outDir) =>
        $"pairsim sweep --drop {List(grid.DropProbabilities)} --duplicate {List(grid.DuplicateProbabilities)} --reorder {List(grid.ReorderProbabilities)} " +
        $"--partition-ms {string.Join(',', grid.PartitionLengthsMs)} --retention {string.Join(',', grid.RetentionWindows)} " +
        $"--worlds-per-point {grid.WorldsPerPoint} --messages {grid.Messages} --seed {grid.Seed} --out {outDir}";

    private static int Run(SweepGrid grid, string outDir, bool json, int parallel, bool failOnViolation)
    {
        try { grid.Validate(); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"sweep: {e.Message}");
            return 2;
        }
        var runner = new WorldRunnerOptions { MaxParallelism = parallel };
        SweepResult sweep;
        if (json || Console.IsOutputRedirected)
        {
            if (!json) Console.WriteLine($"sweep: {grid.Points().Count} points × {grid.WorldsPerPoint} worlds, seed {grid.Seed}");
            sweep = Sweep.Run(grid, null, runner);
        }
        else
        {
            AnsiConsole.MarkupLine($"SEED={grid.Seed}: [bold]{grid.Points().Count}[/] grid points × {grid.WorldsPerPoint} worlds + 1 sample run, {grid.Messages} messages each");
            sweep = null!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("worlds", maxValue: grid.WorldCount + 1);
                    sweep = Sweep.Run(grid, (done, _) => task.Value = done, runner);
                });
        }
        sweep = sweep with { Command = CommandLine(grid, outDir) };
        var files = SweepReport.Write(sweep, outDir);

        if (json) Console.WriteLine(Json(sweep, files));
        else if (Console.IsOutputRedirected) PlainSummary(sweep, files);
        else RichSummary(sweep, files);
        return failOnViolation && !sweep.AllHeld ? 1 : 0;
    }

    private static void PlainSummary(SweepResult sweep, ReportFiles files)
    {
        foreach (var f in SweepReport.Findings(sweep)) Console.WriteLine($"- {f}");
        foreach (var (point, world, verdict) in SweepReport.Violations(sweep).Take(5))
            Console.WriteLine($"VIOLATION {point.Label} seed {world.Seed}: {verdict}");
        Console.WriteLine($"report written to {files.Markdown} ({files.All.Count()} files) in {sweep.Elapsed.TotalSeconds:F0} s");
    }

    private static void RichSummary(SweepResult sweep, ReportFiles files)
    {
        // The console shows one row per drop rate; the report has every point.
        var table = new Table().AddColumns("drop", "worlds", "converged", "convergence ms (mean)", "round trips", "decrypted %", "invariants");
        foreach (var group in sweep.Points.GroupBy(p => p.Point.DropProbability))
        {
            var w = group.SelectMany(p => p.Worlds).ToList();
            var conv = w.Where(x => x.ConvergenceMs is not null).ToList();
            int arrived = w.Sum(x => x.HonestArrived);
            int held = w.Count(x => x.AllHeld);
            table.AddRow(
                SweepPoint.F(group.Key), w.Count.ToString(CultureInfo.InvariantCulture), $"{group.Sum(p => p.Converged)}/{w.Count}",
                conv.Count == 0 ? "–" : conv.Average(x => x.ConvergenceMs!.Value).ToString("F0", CultureInfo.InvariantCulture),
                conv.Count == 0 ? "–" : conv.Average(x => x.ConvergenceRoundTrips!.Value).ToString("0.##", CultureInfo.InvariantCulture),
                arrived == 0 ? "–" : (100.0 * w.Sum(x => x.HonestDecrypted) / arrived).ToString("F1", CultureInfo.InvariantCulture),
                held == w.Count ? $"[green]all held[/]" : $"[red]{w.Count - held} worlds failed[/]");
        }
        AnsiConsole.Write(table);
        foreach (var f in SweepReport.Findings(sweep)) AnsiConsole.MarkupLineInterpolated($"- {f}");
        foreach (var (point, world, verdict) in SweepReport.Violations(sweep).Take(5))
            AnsiConsole.MarkupLineInterpolated($"[red]VIOLATION[/] {point.Label} seed {world.Seed}: {verdict}");
        AnsiConsole.MarkupLineInterpolated($"report written to [bold]{files.Markdown}[/] and [bold]{files.Html}[/] ({files.All.Count()} files) in {sweep.Elapsed.TotalSeconds:F0} s");
    }

    private static string Json(SweepResult sweep, ReportFiles files)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("command", sweep.Command);
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
            foreach (var (point, world, verdict) in SweepReport.Violations(sweep))
            {
                w.WriteStartObject();
                w.WriteString("point", point.Label);
                w.WriteString("seed", world.Seed.ToString(CultureInfo.InvariantCulture));
                w.WriteString("checker", verdict.Name);
                w.WriteString("verdict", verdict.ToString());
                w.WriteString("options", world.ReplayLine);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("sample");
            w.WriteString("point", sweep.SamplePoint.Label);
            w.WriteString("trace_hash", sweep.Sample.TraceHash);
            w.WriteString("options", sweep.Sample.ReplayLine);
            w.WriteEndObject();
            w.WriteStartArray("files");
            foreach (var f in files.All) w.WriteStringValue(f);
            w.WriteEndArray();
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
