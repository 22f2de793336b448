using System.CommandLine;
using System.Globalization;
using Sim.Engine.Multi;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cluster;
using Sim.Scenarios.Reports;
using Sim.Simulator.Groups;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim groups`: N-member groups under the strategies of GROUPS.md. With one value per option it
/// runs one world and prints its metrics, the checkers' verdicts, the trace hash and the command that
/// replays it (--trace writes the JSON Lines). With comma lists (members, strategy, partition-ms,
/// loss) it runs the grid and writes a report (README.md with the table, four ScottPlot charts) to
/// results/groups/&lt;UTC time&gt;/ (and to --out DIR when given; nothing else is written). Exit codes as
/// <see cref="ExitCodes"/>: 0 every invariant held, 1 a world broke one (or did not reach one state),
/// 64 a bad argument, 74 an unwritable output (checked before any world runs) or no cluster worker in time.
/// With --cluster the worlds run on the cluster's workers (<see cref="ClusterGroups"/>) and the report is the same.
/// </summary>
public static class GroupsCommand
{
    public static Command Build()
    {
        var scenario = new Option<string>("--scenario") { Description = $"Named scenario: {string.Join(", ", GroupScenarios.Names)}", DefaultValueFactory = _ => "race" };
        var members = new Option<string>("--members") { Description = "N, members at the start, 3..64 (comma list for a grid; race has 3 plus 2 joiners)", DefaultValueFactory = _ => "8" };
        var strategy = new Option<string>("--strategy") { Description = "sequenced, uncoordinated, send-groups, retention (comma list)", DefaultValueFactory = _ => "uncoordinated" };
        var partition = new Option<string>("--partition-ms") { Description = "Partition (or offline) length, virtual ms (comma list)", DefaultValueFactory = _ => "3000" };
        var loss = new Option<string>("--loss") { Description = "Drop probability on every link while faults are on, [0, 1) (comma list)", DefaultValueFactory = _ => "0" };
        var messages = new Option<string>("--messages") { Description = "Application messages sent in the safety phase", DefaultValueFactory = _ => "40" };
        var keyShare = new Option<string>("--key-share") { Description = "on (only to verified members) or off", DefaultValueFactory = _ => "on" };
        var retained = new Option<string>("--retained") { Description = "States of left epochs each member keeps (fork-resilient retention), 0..64", DefaultValueFactory = _ => "2" };
        var retentionMs = new Option<string>("--retention-ms") { Description = "Retention strategy: how long a member keeps a state it left or learned of another branch (then zeroed), virtual ms, 0..600000", DefaultValueFactory = _ => new MultiOptions().RetentionMs.ToString(CultureInfo.InvariantCulture) };
        var pskImport = new Option<string>("--psk-import-ms") { Description = "Send groups: commit a PSK import this long after taking another member's commit, virtual ms (0: only with one's own updates)", DefaultValueFactory = _ => "0" };
        var theft = new Option<string>("--pcs-theft-ms") { Description = "PCS figure: when (virtual ms) an attacker copies the state of the first member to ask for an update from then on; off: no theft", DefaultValueFactory = _ => GroupScenarios.DefaultTheftMs.ToString(CultureInfo.InvariantCulture) };
        var seed = new Option<string>("--seed") { Description = "Root seed", DefaultValueFactory = _ => "1" };
        var output = new Option<string?>("--out")
        {
            Description = "Also write a grid's report into DIR (--out reports/groups regenerates the committed sample); by default it goes only to results/groups/<UTC time>/",
            HelpName = "DIR",
        };
        var results = CommonOptions.Results();
        var trace = new Option<string?>("--trace") { Description = "One world: write its trace to FILE (JSON Lines)" };
        var measure = new Option<bool>("--measure-commits") { Description = "Measure commit create/process wall-clock times inside the world (printed, never traced)" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var expect = new Option<string?>("--expect-hash") { Description = "One world: fail (exit 2) unless its trace hash equals this (64 hex digits, as the replay line prints it)", HelpName = "HASH" };
        expect.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } h && (h.Length != 64 || !h.All(Uri.IsHexDigit))) r.AddError($"--expect-hash takes the 64 hex digits of a trace hash, got '{h}'");
        });
        var cluster = ClusterOptions.Cluster();
        var clusterHost = ClusterOptions.ClusterHost();
        var command = new Command("groups", "Decentralised MLS groups of N (GROUPS.md): one scenario, or a grid over members × strategy × partition × loss with a report.")
        {
            scenario, members, strategy, partition, loss, messages, keyShare, retained, retentionMs, pskImport, theft, seed, output, results, trace, measure, json, expect, cluster, clusterHost,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(parse, cancel)));
        return command;

        int Run(ParseResult parse, CancellationToken cancel)
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            GroupsGrid grid;
            try
            {
                grid = new GroupsGrid
                {
                    Scenario = parse.GetValue(scenario)!,
                    Members = Ints("--members", parse.GetValue(members)!),
                    Strategies = List("--strategy", parse.GetValue(strategy)!, ParseStrategy),
                    PartitionsMs = List("--partition-ms", parse.GetValue(partition)!, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    Losses = List("--loss", parse.GetValue(loss)!, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    Messages = One("--messages", parse.GetValue(messages)!, s => int.Parse(s, CultureInfo.InvariantCulture)),
                    KeyShare = parse.GetValue(keyShare) switch { "on" => KeySharePolicy.VerifiedMembers, "off" => KeySharePolicy.Off, var v => throw new FormatException($"--key-share: '{v}' is not on or off") },
                    Retained = One("--retained", parse.GetValue(retained)!, s => int.Parse(s, CultureInfo.InvariantCulture)),
                    RetentionMs = One("--retention-ms", parse.GetValue(retentionMs)!, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    PskImportMs = One("--psk-import-ms", parse.GetValue(pskImport)!, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    PcsTheftMs = One("--pcs-theft-ms", parse.GetValue(theft)!, s => s == "off" ? (long?)null : long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    Seed = One("--seed", parse.GetValue(seed)!, s => ulong.Parse(s, CultureInfo.InvariantCulture)),
                    MeasureCommits = parse.GetValue(measure),
                };
                foreach (var p in grid.Points()) p.Validate();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw CliError.Usage($"groups: {e.Message}", e);
            }
            var target = parse.GetValue(cluster) is { } seeds ? new ClusterTarget(seeds) { Host = parse.GetValue(clusterHost)! } : null;
            // Every output is checked before the first world runs.
            var tracePath = parse.GetValue(trace);
            try
            {
                if (grid.Points().Count == 1)
                {
                    if (tracePath is not null && target is not null) throw CliError.Usage("groups: --trace runs the world here (its trace stays on the worker with --cluster); give one or the other");
                    if (tracePath is not null) OutputCheck.File(tracePath, "--trace");
                    return RunOne(io, grid, tracePath, parse.GetValue(expect), target, cancel);
                }
                if (tracePath is not null) throw CliError.Usage("groups: --trace needs a single world (one value per option)");
                if (parse.GetValue(expect) is not null) throw CliError.Usage("groups: --expect-hash needs a single world (one value per option): each world of a grid prints its own replay line");
                var outDir = parse.GetValue(output);
                if (outDir is not null) OutputCheck.Directory(outDir, "--out");
                var folder = ResultsFolder.Create(parse.GetValue(results)!, "groups", DateTime.UtcNow);
                return RunGrid(io, grid, folder, outDir, target, cancel);
            }
            catch (TimeoutException e) when (target is not null)
            {
                throw CliError.InputOutput(e.Message, e); // no worker joined the cluster in time
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                io.Error.WriteLine("groups: interrupted");
                return ExitCodes.Interrupted;
            }
        }
    }

    /// <summary>The grid's worlds on the cluster (the coordinator is this process), in grid order; the cluster line goes to <paramref name="stats"/>.</summary>
    private static IReadOnlyList<GroupsRun> OnCluster(CliIo io, GroupsGrid grid, ClusterTarget cluster, Action<int, int, string> tick, Action<ClusterStats> stats, CancellationToken cancel)
    {
        var points = grid.Points();
        io.Error.WriteLine($"groups: on the cluster at {cluster.SeedText} (this process is the coordinator at {cluster.Host})");
        int done = 0;
        return ClusterGroups.Run(cluster, points, (p, hash) => GroupsGrid.ReplayCommand(p, grid, hash), (_, r) => tick(++done, points.Count, r.Label), io.Error.WriteLine, stats, cancel);
    }

    private static int RunOne(CliIo io, GroupsGrid grid, string? tracePath, string? expectHash, ClusterTarget? cluster, CancellationToken cancel)
    {
        var p = grid.Points()[0];
        GroupsRun run;
        ClusterStats? stats = null;
        if (cluster is not null) run = io.WithProgress("running group world", tick => OnCluster(io, grid, cluster, tick, s => stats = s, cancel)[0]);
        else
        {
            var result = io.WithProgress("running group world", tick => { tick(0, 1, $"{p.Scenario} N={p.Members}"); return GroupWorld.Run(GroupScenarios.Build(p)); });
            run = GroupsRun.From(p, result, GroupsGrid.ReplayCommand(p, grid, result.TraceHash));
            if (tracePath is not null) result.Trace.WriteTo(tracePath);
        }
        bool hashOk = expectHash is null || string.Equals(expectHash, run.TraceHash, StringComparison.OrdinalIgnoreCase);
        if (io.Json) io.Output.WriteLine(GroupsReport.Json([run], expectHash is null ? null : hashOk));
        else
        {
            var table = new Table().AddColumns("figure", "value");
            foreach (var (k, v) in GroupsReport.Figures(run)) table.AddRow(Markup.Escape(k), Markup.Escape(v));
            io.Console.Write(table);
            foreach (var v in run.Verdicts) io.Console.MarkupLine(v.Passed ? $"[green]{Markup.Escape(v.ToString())}[/]" : $"[red]{Markup.Escape(v.ToString())}[/]");
            io.Console.MarkupLine($"trace hash [bold]{run.TraceHash}[/]");
            if (tracePath is not null) io.Console.MarkupLine($"trace written to [bold]{Markup.Escape(tracePath)}[/] (JSON Lines)");
            io.Console.WriteLine("replay: " + run.Replay);
            if (stats is not null) io.Output.WriteLine(SweepCommand.ClusterLine(stats));
            if (expectHash is not null)
                io.Console.MarkupLine(hashOk ? "[green]trace hash matches the expected hash[/]" : $"[red]trace hash differs from the expected {Markup.Escape(expectHash)}[/]");
        }
        if (!hashOk)
        {
            io.Error.WriteLine($"groups: replay differs: trace hash {run.TraceHash}, expected {expectHash}");
            return ExitCodes.Undecided;
        }
        return run.Held ? ExitCodes.Held : ExitCodes.Violation;
    }

    private static int RunGrid(CliIo io, GroupsGrid grid, ResultsFolder folder, string? outDir, ClusterTarget? cluster, CancellationToken cancel)
    {
        var points = grid.Points();
        ClusterStats? stats = null;
        var runs = io.WithProgress($"groups grid: {points.Count} worlds", tick =>
        {
            if (cluster is not null) return OnCluster(io, grid, cluster, tick, s => stats = s, cancel);
            var list = new List<GroupsRun>();
            for (int i = 0; i < points.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var p = points[i];
                tick(i, points.Count, $"{p.Strategy} N={p.Members} partition={p.PartitionMs}ms loss={p.Loss}");
                var result = GroupWorld.Run(GroupScenarios.Build(p));
                list.Add(GroupsRun.From(p, result, GroupsGrid.ReplayCommand(p, grid, result.TraceHash)));
            }
            return (IReadOnlyList<GroupsRun>)list;
        });
        var files = GroupsReport.Write(runs, grid, folder.Path, outDir);
        if (outDir is not null) files = GroupsReport.Write(runs, grid, outDir, outDir);
        if (io.Json) io.Output.WriteLine(GroupsReport.Json(runs));
        else
        {
            io.Output.WriteLine($"{runs.Count} worlds; invariants held in {runs.Count(r => r.Held)}; report: {files}");
            foreach (var r in runs.Where(r => !r.Held)) io.Console.MarkupLine($"[red]{Markup.Escape(r.Label)}[/]: {Markup.Escape(string.Join("; ", r.Verdicts.Where(v => !v.Passed)))} — replay: {Markup.Escape(r.Replay)}");
            if (stats is not null) io.Output.WriteLine(SweepCommand.ClusterLine(stats));
        }
        return runs.All(r => r.Held) ? ExitCodes.Held : ExitCodes.Violation;
    }

    private static MultiStrategy ParseStrategy(string s) => s switch
    {
        "sequenced" => MultiStrategy.Sequenced,
        "uncoordinated" => MultiStrategy.Uncoordinated,
        "send-groups" => MultiStrategy.SendGroups,
        "retention" => MultiStrategy.Retention,
        _ => throw new FormatException($"'{s}' is not a strategy (sequenced, uncoordinated, send-groups, retention)"),
    };

    private static IReadOnlyList<int> Ints(string name, string text) => List(name, text, s => int.Parse(s, CultureInfo.InvariantCulture));

    private static IReadOnlyList<T> List<T>(string name, string text, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new FormatException($"{name}: give at least one value");
        var values = new List<T>();
        foreach (var part in parts)
        {
            try { values.Add(parse(part)); }
            catch (Exception e) when (e is FormatException or OverflowException) { throw new FormatException($"{name}: '{part}' is not valid ({e.Message})"); }
        }
        return values;
    }

    private static T One<T>(string name, string text, Func<string, T> parse)
    {
        var list = List(name, text, parse);
        return list.Count == 1 ? list[0] : throw new FormatException($"{name}: give one value");
    }
}
