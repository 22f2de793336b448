using System.CommandLine;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim run [NAME] [--scenario TEXT] [--file PATH] [--seed N] [--trace FILE] [--json]`: runs one
/// scenario (a catalog name, scenario text or a file), prints a summary (counts, final states, every
/// property's verdict) and writes the trace as JSON Lines. Exit 0 when the world ran (the verdicts are
/// information here; `check` and `replay` turn them into exit codes), 2 when it could not run, 64/74 as <see cref="ExitCodes"/>.
/// </summary>
public static class RunCommand
{
    public static Command Build()
    {
        var name = new Argument<string?>("name")
        {
            Description = $"A catalog scenario: {string.Join(", ", ScenarioCatalog.All.Select(e => e.Name))}",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario text (seed=N r=R suite=S ... ops), as a failure prints it" };
        var file = new Option<string?>("--file") { Description = "A file whose first non-comment line is scenario text" };
        var seed = new Option<ulong?>("--seed") { Description = "Run the scenario with this seed instead of its own" };
        var trace = new Option<string?>("--trace") { Description = "Write the trace to FILE as JSON Lines" };
        var report = ReportOption();
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var list = new Option<bool>("--list") { Description = "List the catalog scenarios and exit" };
        var command = new Command("run", "Run one scenario (catalog name, --scenario text or --file) and print a summary; --trace writes JSON Lines.")
        {
            name, scenario, file, seed, trace, report, json, list,
        };
        command.SetAction((parse, cancel) =>
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            if (parse.GetValue(list))
            {
                var table = new Table().AddColumns("name", "what it shows", "scenario");
                foreach (var e in ScenarioCatalog.All) table.AddRow(e.Name, Markup.Escape(e.Description), Markup.Escape(e.Scenario.Format()));
                io.Console.Write(table);
                return Task.FromResult(ExitCodes.Held);
            }
            var given = new[] { parse.GetValue(name), parse.GetValue(scenario), parse.GetValue(file) is { } f ? "@" + f : null }.Where(x => x is not null).ToList();
            if (given.Count != 1) throw CliError.Usage("give exactly one of NAME, --scenario TEXT or --file PATH (pairsim run --list shows the catalog)");
            var s = ScenarioSource.Resolve(given[0]!);
            if (parse.GetValue(seed) is { } newSeed) s = s with { Seed = newSeed };
            return Task.FromResult(Execute(io, s, parse.GetValue(trace), reportDir: parse.GetValue(report), cancel: cancel));
        });
        return command;
    }

    /// <summary>--report DIR: the world's spacetime diagram, epoch timeline and verdicts.</summary>
    internal static Option<string?> ReportOption() => new("--report")
    {
        Description = "Write the world's report to DIR: spacetime diagram and epoch timeline (SVG with hover text on every arrow and mark, PNG), epoch-lag chart, trace, report.html",
        HelpName = "DIR",
    };

    internal static int Execute(CliIo io, Scenario scenario, string? tracePath, string? property = null, bool exitOnVerdicts = false, string? expectHash = null,
        string? reportDir = null, CancellationToken cancel = default)
    {
        if (tracePath is not null) OutputCheck.File(tracePath, "--trace");
        if (reportDir is not null) OutputCheck.Directory(reportDir, "--report");
        WorldReport report;
        try
        {
            report = io.WithProgress("world", 1, progress =>
            {
                var r = WorldReport.Run(scenario, cancel);
                progress.Advance(!r.AllHeld(property));
                return r;
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            io.Error.WriteLine("interrupted after 0 of 1 worlds");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is InvalidOperationException or AggregateException)
        {
            io.Error.WriteLine($"could not decide: the world threw: {e.Message}");
            io.Error.WriteLine(Properties.Replay.Command(scenario, property));
            return ExitCodes.Undecided;
        }
        if (tracePath is not null) report.Result.Trace.WriteTo(tracePath);
        IReadOnlyList<string> reportFiles = [];
        if (reportDir is not null)
            reportFiles = Reports.WorldReportFiles.Write(report.Result, scenario.Format(), Properties.Replay.Command(scenario, property, report.Result.TraceHash),
                report.Verdicts.Select(v => new Reports.WorldReportFiles.VerdictLine(v.Property.Name, v.Verdict.Held, v.Verdict.ToString())).ToList(), reportDir);
        bool hashOk = expectHash is null || string.Equals(expectHash, report.Result.TraceHash, StringComparison.OrdinalIgnoreCase);
        if (io.Json)
        {
            var o = report.ToJson();
            if (tracePath is not null) o["trace_file"] = tracePath;
            if (expectHash is not null) o["expected_hash_matches"] = hashOk;
            if (reportDir is not null) o["report"] = Path.Combine(reportDir, Reports.WorldReportFiles.HtmlName);
            io.Output.WriteLine(o.ToJsonString(WorldReport.Indented));
        }
        else
        {
            report.Print(io);
            if (tracePath is not null) io.Console.MarkupLine($"trace written to [bold]{Markup.Escape(tracePath)}[/] (JSON Lines)");
            if (reportDir is not null) io.Output.WriteLine($"report written to {Path.Combine(reportDir, Reports.WorldReportFiles.HtmlName)} ({reportFiles.Count} files)");
            if (expectHash is not null)
                io.Console.MarkupLine(hashOk ? "[green]trace hash matches the expected hash[/]" : $"[red]trace hash differs from the expected {Markup.Escape(expectHash)}[/]");
        }
        if (!hashOk) return ExitCodes.Undecided;
        if (!exitOnVerdicts) return ExitCodes.Held;
        return report.AllHeld(property) ? ExitCodes.Held : ExitCodes.Violation;
    }
}
