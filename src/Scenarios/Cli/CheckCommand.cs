using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Sim.Scenarios.Properties;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim check [--seed S] [--cases N] [--property P]... [--case I] [--scenario TEXT] [--json]`: runs
/// N generated cases of every property (or the given ones), shrinks each failure and prints it with
/// the command that replays it. Exit 0 when every invariant held, 1 on a violation, 2 when some case
/// could not be decided (a world threw or timed out) and none failed.
/// </summary>
public static class CheckCommand
{
    public static Command Build()
    {
        var seed = new Option<ulong>("--seed") { Description = "Check seed: case i of property P is generated from (seed, P, i)", DefaultValueFactory = _ => 1 };
        var cases = new Option<int>("--cases") { Description = "Cases per property", DefaultValueFactory = _ => 100 };
        var caseIndex = new Option<int?>("--case") { Description = "Run only this case index (a failure names it)" };
        var property = new Option<string[]>("--property")
        {
            Description = $"Check only these properties: {string.Join(", ", Invariants.All.Select(p => p.Name))}",
            AllowMultipleArgumentsPerToken = true,
        };
        var scenario = new Option<string?>("--scenario") { Description = "Check this scenario (text, catalog name or @file) instead of generated ones" };
        var parallelism = new Option<int>("--parallelism") { Description = "Worlds at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var timeout = new Option<double>("--timeout-seconds") { Description = "Wall-clock limit per world; past it the case is undecided (exit 2)", DefaultValueFactory = _ => 120 };
        var shrink = new Option<int>("--shrink-budget") { Description = "Worlds to spend shrinking each failure (0: none)", DefaultValueFactory = _ => 200 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (no progress bar)" };
        var fullReach = new Option<bool>("--full-reach")
        {
            Description = "Also generate long epochs and judge restore-enabled worlds for Liveness, even on an engine not yet known to recover from them",
        };
        var command = new Command("check", "Run N generated cases of each property (one per invariant); exit 0 all held, 1 a violation, 2 undecided.")
        {
            seed, cases, caseIndex, property, scenario, parallelism, timeout, shrink, json, fullReach,
        };
        command.SetAction(parse =>
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            CheckOptions options;
            Generators.Scenario? given = null;
            try
            {
                var names = parse.GetValue(property) ?? [];
                var set = parse.GetValue(fullReach) ? Invariants.Full : Invariants.All;
                var selected = names.Length == 0
                    ? set
                    : names.Select(n => Invariants.Named(n, set) ?? throw new FormatException($"no property {n} ({string.Join(", ", Invariants.All.Select(p => p.Name))})")).ToList();
                if (parse.GetValue(scenario) is { } text) given = ScenarioSource.Resolve(text);
                if (parse.GetValue(cases) < 1) throw new FormatException("--cases must be at least 1");
                options = new CheckOptions
                {
                    Seed = parse.GetValue(seed),
                    Cases = parse.GetValue(cases),
                    OnlyCase = parse.GetValue(caseIndex),
                    Properties = selected,
                    Parallelism = Math.Max(1, parse.GetValue(parallelism)),
                    Timeout = TimeSpan.FromSeconds(Math.Max(0.001, parse.GetValue(timeout))),
                    ShrinkBudget = Math.Max(0, parse.GetValue(shrink)),
                };
            }
            catch (FormatException e)
            {
                io.Error.WriteLine(e.Message);
                return 2;
            }
            var report = io.WithProgress("checking", tick =>
            {
                Action<CheckProgress> progress = p => tick(p.Completed, p.Total, p.Shrinking ? $"shrinking {p.Property}" : $"checking ({p.Property})");
                return given is null
                    ? PropertyRunner.CheckAsync(options, progress).GetAwaiter().GetResult()
                    : CheckGiven(options, given, progress);
            });
            if (io.Json) io.Output.WriteLine(ToJson(report).ToJsonString(WorldReport.Indented));
            else Print(io, report, given);
            return report.ExitCode;
        });
        return command;
    }

    /// <summary>A given scenario, judged by each selected property (one world each), failures shrunk.</summary>
    private static CheckReport CheckGiven(CheckOptions options, Generators.Scenario scenario, Action<CheckProgress> progress)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var results = new List<CaseResult>();
        int done = 0;
        foreach (var p in options.Properties)
        {
            var outcome = PropertyRunner.EvaluateAsync(p, scenario, null, options.Timeout).GetAwaiter().GetResult();
            var r = new CaseResult(p.Name, options.Seed, 0, scenario, outcome) { Generated = false };
            progress(new CheckProgress(++done, options.Properties.Count, p.Name, outcome.Status, Shrinking: false));
            if (r.Status == CaseStatus.Violated && options.ShrinkBudget > 0)
                r = PropertyRunner.ShrinkAsync(p, r, null, options, progress).GetAwaiter().GetResult();
            results.Add(r);
        }
        return new CheckReport(options, results, started.Elapsed);
    }

    private static void Print(CliIo io, CheckReport report, Generators.Scenario? given)
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

    public static JsonObject ToJson(CheckReport report)
    {
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
            ["elapsed_s"] = Math.Round(report.Elapsed.TotalSeconds, 3),
            ["exit_code"] = report.ExitCode,
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
