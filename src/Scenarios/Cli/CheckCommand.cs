using System.CommandLine;
using System.Text.Json.Nodes;
using Sim.Scenarios.Properties;
using Sim.Scenarios.Reports;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim check [--seed S] [--cases N] [--property P]... [--case I] [--scenario TEXT] [--junit FILE] [--json]`:
/// runs N generated cases of every property (or the given ones), shrinks each failure and prints it
/// with the command that replays it. Every case is appended to results/check/&lt;time&gt;/cases.jsonl and
/// cases.parquet as it finishes. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
public static class CheckCommand
{
    public const string CasesTable = "cases";

    public static Command Build()
    {
        var seed = new Option<ulong>("--seed") { Description = "Check seed: case i of property P is generated from (seed, P, i)", DefaultValueFactory = _ => 1 };
        var cases = new Option<int>("--cases") { Description = "Cases per property", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var caseIndex = new Option<int?>("--case") { Description = "Run only this case index (a failure names it)" };
        caseIndex.Validators.Add(r => { if (CommonOptions.TryValue<int?>(r, out var i) && i is < 0) r.AddError($"--case must be at least 0, got {i}"); });
        var property = new Option<string[]>("--property")
        {
            Description = $"Check only these properties: {string.Join(", ", Invariants.All.Select(p => p.Name))}",
            AllowMultipleArgumentsPerToken = true,
        };
        property.Validators.Add(r =>
        {
            foreach (var n in r.GetValueOrDefault<string[]>() ?? [])
                if (Invariants.Named(n) is null) r.AddError($"no property {n} ({string.Join(", ", Invariants.All.Select(p => p.Name))})");
        });
        var scenario = new Option<string?>("--scenario") { Description = "Check this scenario (text, catalog name or @file) instead of generated ones" };
        var parallelism = new Option<int>("--parallelism") { Description = "Worlds at once", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
        var timeout = new Option<double>("--timeout-seconds") { Description = "Wall-clock limit per world; past it the case is undecided (exit 2)", DefaultValueFactory = _ => 120 }.Positive();
        var shrink = new Option<int>("--shrink-budget") { Description = "Worlds to spend shrinking each failure (0: none)", DefaultValueFactory = _ => 200 }.AtLeast(0);
        var junit = CommonOptions.JUnit();
        var results = CommonOptions.Results();
        var report = new Option<string?>("--report")
        {
            Description = "Also write each failing world's report (spacetime diagram and epoch timeline with hover text, epoch-lag chart, trace, report.html) to DIR/<property>-case<i>/ (always written to the results folder's failures/)",
            HelpName = "DIR",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (no progress bar)" };
        var fullReach = new Option<bool>("--full-reach")
        {
            Description = "Also generate long epochs, rollbacks judged for Liveness and a rival acceptor, even on an engine not yet known to survive them",
        };
        var command = new Command("check", "Run N generated cases of each property (one per invariant), shrink failures and print their replay commands; keep every case in results/check/<time>/.")
        {
            seed, cases, caseIndex, property, scenario, parallelism, timeout, shrink, junit, results, report, json, fullReach,
        };
        command.SetAction((parse, cancel) =>
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            var names = parse.GetValue(property) ?? [];
            var given = parse.GetValue(scenario) is { } text ? ScenarioSource.Resolve(text) : null;
            var set = parse.GetValue(fullReach) ? Invariants.Full : Invariants.All;
            var options = new CheckOptions
            {
                Seed = parse.GetValue(seed),
                Cases = parse.GetValue(cases),
                OnlyCase = parse.GetValue(caseIndex),
                Properties = names.Length == 0 ? set : names.Select(n => Invariants.Named(n, set)!).ToList(),
                Parallelism = parse.GetValue(parallelism),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                ShrinkBudget = parse.GetValue(shrink),
            };
            // Every output is checked before the first world runs.
            var junitPath = parse.GetValue(junit);
            if (junitPath is not null) OutputCheck.File(junitPath, "--junit");
            var reportDir = parse.GetValue(report);
            if (reportDir is not null) OutputCheck.Directory(reportDir, "--report");
            var folder = ResultsFolder.Create(parse.GetValue(results)!, "check", DateTime.UtcNow);
            return Task.FromResult(Run(io, options, given, folder, junitPath, reportDir, cancel));
        });
        return command;
    }

    private static readonly RowColumn[] Columns =
    [
        RowColumn.Text("property"), RowColumn.Integer("case"), RowColumn.Text("check_seed"), RowColumn.Text("status"),
        RowColumn.Text("detail"), RowColumn.Integer("seq"), RowColumn.Text("seed"), RowColumn.Text("trace_hash"),
        RowColumn.Integer("ops"), RowColumn.Text("scenario"), RowColumn.Text("replay"),
    ];

    private static int Run(CliIo io, CheckOptions options, Generators.Scenario? given, ResultsFolder folder, string? junitPath, string? reportDir, CancellationToken cancel)
    {
        int planned = given is not null ? options.Properties.Count : options.Properties.Count * (options.OnlyCase is null ? options.Cases : 1);
        CheckRunResult run;
        using (var rows = RowFile.Create(folder.Path, CasesTable, Columns))
        {
            run = io.WithProgress("check", planned, progress => CheckRun.RunAsync(options, given, progress, c =>
            {
                var o = c.Outcome;
                rows.Append(c.Property, c.Case, c.CheckSeed.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Status.ToString().ToLowerInvariant(),
                    o.Detail, o.Verdict?.At?.Seq, c.Scenario.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), o.TraceHash,
                    c.Scenario.Script.Count, c.Scenario.Format(), Replay.Command(c.Scenario, c.Property, o.TraceHash));
            }, cancel).GetAwaiter().GetResult());
        }
        var report = run.Report;
        var junitCases = CheckRun.JUnitCases(report);
        JUnitReport.Write(folder.File("junit.xml"), "pairsim check", junitCases, DateTime.UtcNow);
        if (junitPath is not null) JUnitReport.Write(junitPath, "pairsim check", junitCases, DateTime.UtcNow);
        var jsonReport = ToJson(report, run, folder);
        File.WriteAllText(folder.File("failures.txt"), string.Concat(report.Failures.Select(f => f.FailureMessage() + "\n\n")));
        IReadOnlyList<string> worldReports = run.Interrupted ? [] : WriteFailureReports(report, folder, reportDir, cancel);
        jsonReport["failure_reports"] = new JsonArray([.. worldReports.Select(r => (JsonNode)r)]);
        File.WriteAllText(folder.File("summary.json"), jsonReport.ToJsonString(WorldReport.Indented) + "\n");
        if (io.Json) io.Output.WriteLine(jsonReport.ToJsonString(WorldReport.Indented));
        else
        {
            Print(io, report, given, folder, run);
            foreach (var r in worldReports) io.Output.WriteLine($"failing world's report: {r}");
        }
        if (run.Interrupted)
        {
            io.Error.WriteLine($"interrupted after {report.Cases.Count} of {run.Planned} worlds; what was done is in {folder.Path}");
            return ExitCodes.Interrupted;
        }
        return report.ExitCode;
    }

    /// <summary>The failing worlds whose reports are written (the first ones, in case order).</summary>
    public const int MaxFailureReports = 10;

    /// <summary>The folder name of a failing world's report: property and case.</summary>
    public static string FailureReportName(CaseResult failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return $"{failure.Property}-case{failure.Case.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Each violation's world (its shrunk scenario, built as its property builds it) run again and
    /// written as a world report: results/check/&lt;time&gt;/failures/&lt;property&gt;-case&lt;i&gt;/ and, with
    /// --report DIR, DIR/&lt;property&gt;-case&lt;i&gt;/. Returns the report.html paths.
    /// </summary>
    private static IReadOnlyList<string> WriteFailureReports(CheckReport report, ResultsFolder folder, string? reportDir, CancellationToken cancel)
    {
        var written = new List<string>();
        foreach (var f in report.Failures.Where(f => f.Status == CaseStatus.Violated).Take(MaxFailureReports))
        {
            if (cancel.IsCancellationRequested) break;
            var options = Invariants.Named(f.Property, Invariants.Full)?.WorldFor(f.Smallest);
            var world = WorldReport.Run(f.Smallest, cancel, options);
            var verdicts = world.Verdicts.Select(v => new WorldReportFiles.VerdictLine(v.Property.Name, v.Verdict.Held, v.Verdict.ToString())).ToList();
            var roots = reportDir is null ? new[] { folder.File("failures") } : [folder.File("failures"), reportDir];
            foreach (var root in roots)
            {
                var dir = Path.Combine(root, FailureReportName(f));
                WorldReportFiles.Write(world.Result, f.Smallest.Format(), f.ReplayCommand, verdicts, dir);
                written.Add(Path.Combine(dir, WorldReportFiles.HtmlName));
            }
        }
        return written;
    }

    private static void Print(CliIo io, CheckReport report, Generators.Scenario? given, ResultsFolder folder, CheckRunResult run)
    {
        var c = io.Console;
        var o = report.Options;
        c.MarkupLine(given is null
            ? $"[bold]check[/] seed {o.Seed}, {(o.OnlyCase is { } only ? $"case {only}" : $"{o.Cases} cases")} per property, {report.Cases.Count} worlds in {report.Elapsed.TotalSeconds:F1} s"
            : $"[bold]check[/] of the given scenario by {report.Cases.Count} properties in {report.Elapsed.TotalSeconds:F1} s");
        var table = new Table().AddColumns("property", "held", "violated", "undecided", "scope");
        foreach (var p in o.Properties)
        {
            var mine = report.Cases.Where(x => x.Property == p.Name).ToList();
            int v = mine.Count(x => x.Status == CaseStatus.Violated), u = mine.Count(x => x.Status == CaseStatus.Undecided);
            table.AddRow(p.Name, $"{mine.Count(x => x.Status == CaseStatus.Held)}", v > 0 ? $"[red]{v}[/]" : "0", u > 0 ? $"[yellow]{u}[/]" : "0", Markup.Escape(p.Scope));
        }
        c.Write(table);
        if (given is null) c.Write(CoverageTable(report));
        foreach (var f in report.Failures) io.Output.WriteLine(f.FailureMessage());
        io.Output.WriteLine($"results: {folder.Path} ({CasesTable}.jsonl, {CasesTable}.parquet, junit.xml, summary.json, failures.txt)");
        if (run.Interrupted) return;
        c.MarkupLine(report.ExitCode switch
        {
            0 => "[green]every invariant held[/]",
            1 => "[red]a property was violated[/]",
            _ => "[yellow]some cases could not be decided[/]",
        });
    }

    /// <summary>
    /// Coverage: for each state and outcome (rows) how many worlds of each property (columns) reached
    /// it, so a green run shows what it exercised; a state no world reached is listed with zeros.
    /// </summary>
    private static Table CoverageTable(CheckReport report)
    {
        var properties = report.Options.Properties;
        var table = new Table().AddColumn("coverage: worlds that reached");
        foreach (var p in properties) table.AddColumn(new TableColumn(p.Name).RightAligned());
        foreach (var (state, counts) in Coverage(report))
            table.AddRow([Markup.Escape(state), .. counts.Select(n => n == 0 ? "[grey]0[/]" : $"{n}")]);
        return table;
    }

    /// <summary>Each state or outcome, with how many worlds of each property (in <see cref="CheckOptions.Properties"/> order) reached it.</summary>
    public static IReadOnlyList<(string State, int[] Counts)> Coverage(CheckReport report)
    {
        var properties = report.Options.Properties;
        string[] always =
        [
            Simulator.Trace.TraceCoverage.LongEpoch, Simulator.Trace.TraceCoverage.OneWayPartition, Simulator.Trace.TraceCoverage.LongPartition,
            Simulator.Trace.TraceCoverage.InFlightCut, Simulator.Trace.TraceCoverage.CardEditStorm, Simulator.Trace.TraceCoverage.Insider,
            Simulator.Trace.TraceCoverage.Crash, Simulator.Trace.TraceCoverage.RollbackInEpoch, Simulator.Trace.TraceCoverage.RollbackAcrossEpochs,
        ];
        var states = always.Concat(report.Cases.SelectMany(c => c.Outcome.Coverage).Order(StringComparer.Ordinal)).Distinct().ToList();
        return states.Select(s => (s, properties.Select(p => report.Cases.Count(c => c.Property == p.Name && c.Outcome.Coverage.Contains(s))).ToArray())).ToList();
    }

    public static JsonObject ToJson(CheckReport report, CheckRunResult? run = null, ResultsFolder? folder = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var properties = new JsonArray();
        foreach (var p in o.Properties)
        {
            var mine = report.Cases.Where(x => x.Property == p.Name).ToList();
            properties.Add(new JsonObject
            {
                ["property"] = p.Name,
                ["invariant"] = p.Invariant,
                ["scope"] = p.Scope,
                ["held"] = mine.Count(x => x.Status == CaseStatus.Held),
                ["violated"] = mine.Count(x => x.Status == CaseStatus.Violated),
                ["undecided"] = mine.Count(x => x.Status == CaseStatus.Undecided),
            });
        }
        var failures = new JsonArray();
        foreach (var f in report.Failures)
        {
            var outcome = f.ShrunkOutcome ?? f.Outcome;
            failures.Add(new JsonObject
            {
                ["property"] = f.Property,
                ["status"] = f.Status.ToString().ToLowerInvariant(),
                ["case"] = f.Case,
                ["check_seed"] = f.CheckSeed,
                ["detail"] = outcome.Detail,
                ["seq"] = outcome.Verdict?.At?.Seq,
                ["scenario"] = f.Smallest.Format(),
                ["original_scenario"] = f.Scenario.Format(),
                ["seed"] = f.Smallest.Seed,
                ["trace_hash"] = outcome.TraceHash,
                ["shrink_steps"] = f.ShrinkSteps,
                ["replay"] = f.ReplayCommand,
                ["regenerate"] = f.Generated ? f.RegenerateCommand : null,
                ["message"] = f.FailureMessage(),
            });
        }
        return new JsonObject
        {
            ["seed"] = o.Seed,
            ["cases"] = o.Cases,
            ["worlds"] = report.Cases.Count,
            ["planned_worlds"] = run?.Planned ?? report.Cases.Count,
            ["interrupted"] = run?.Interrupted ?? false,
            ["elapsed_s"] = Math.Round(report.Elapsed.TotalSeconds, 3),
            ["exit_code"] = run is { Interrupted: true } ? ExitCodes.Interrupted : report.ExitCode,
            ["results"] = folder?.Path,
            ["properties"] = properties,
            ["coverage"] = new JsonArray([.. Coverage(report).Select(c => (JsonNode)new JsonObject
            {
                ["state"] = c.State,
                ["worlds"] = new JsonObject([.. o.Properties.Select((p, i) => KeyValuePair.Create(p.Name, (JsonNode?)c.Counts[i]))]),
            })]),
            ["failures"] = failures,
        };
    }
}
