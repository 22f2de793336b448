using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sim.Scenarios.Fuzz;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim fuzz`: the nightly fuzz (<see cref="DatagramFuzzer"/>). Mutated datagrams (outer bytes, and
/// the header-key insider's re-sealed mutations of every layer) against every Receive path of the
/// chosen suites; prints what was tried, the outcomes, datagrams/s with the load average, and every
/// violation with the command that tries that datagram alone. Exit 0 none, 1 some.
/// </summary>
public static class FuzzCommand
{
    public static Command Build()
    {
        var datagrams = new Option<long>("--datagrams") { Description = "How many mutated datagrams to try (the nightly run: 1000000)", DefaultValueFactory = _ => 10_000 }.AtLeast(1);
        var seed = new Option<ulong>("--seed") { Description = "Seed of the corpus conversations and of every mutation", DefaultValueFactory = _ => 1 };
        var suites = new Option<string>("--suites") { Description = "Cipher suites, a comma list of 1..7 (default: all seven)", DefaultValueFactory = _ => "1,2,3,4,5,6,7", HelpName = "LIST" };
        var start = new Option<long>("--start") { Description = "Index of the first datagram (with --datagrams 1: try one reported datagram again)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var command = new Command("fuzz", "Mutated datagrams (outer bytes and insider re-sealed layers) against every Receive path of every suite: 0 exceptions, nothing altered Delivered, state byte-identical after every rejection.")
        {
            datagrams, seed, suites, start, json,
        };
        command.SetAction(parse =>
        {
            var list = Suites(parse.GetValue(suites)!);
            return Run(CliIo.For(parse, parse.GetValue(json)), parse.GetValue(seed), list, parse.GetValue(start), parse.GetValue(datagrams));
        });
        return command;
    }

    /// <summary>A comma list of suites 1..7, each once.</summary>
    public static IReadOnlyList<ushort> Suites(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw CliError.Usage("--suites: give at least one suite (1..7)");
        var list = new List<ushort>();
        foreach (var p in parts)
        {
            if (!ushort.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s is < 1 or > 7)
                throw CliError.Usage($"--suites: '{p}' is not a cipher suite (1..7)");
            if (list.Contains(s)) throw CliError.Usage($"--suites: suite {s} is given twice");
            list.Add(s);
        }
        return list;
    }

    private static int Run(CliIo io, ulong seed, IReadOnlyList<ushort> suites, long start, long count)
    {
        string suiteText = string.Join(',', suites);
        string load0 = LoadAverage();
        var corpus = suites.SelectMany(s => FuzzCorpus.Build(s, seed)).ToList();
        io.Say($"fuzz: {count:N0} mutated datagrams from seed {seed}, suites {suiteText}; {corpus.Count} honest datagrams of real conversations as starting points " +
               $"(paths {string.Join(", ", corpus.Select(e => e.Path).Distinct())})");
        var fuzzer = new DatagramFuzzer(corpus, seed);
        // A bar on a terminal only (the plain progress lines of a log count worlds, not datagrams).
        var result = io.Interactive
            ? io.WithProgress("fuzz", report => fuzzer.Run(start, count, (done, total) => report((int)Math.Min(done, int.MaxValue), (int)Math.Min(total, int.MaxValue), $"{done:N0} datagrams")))
            : fuzzer.Run(start, count);
        string load1 = LoadAverage();
        string Replay(long i) => $"pairsim fuzz --seed {seed} --suites {suiteText} --start {i} --datagrams 1";

        if (io.Json)
        {
            var doc = new
            {
                seed, suites, start, datagrams = count, tried = result.Tried, not_applicable = result.NotApplicable, state_changes = result.StateChanges,
                elapsed_s = result.Elapsed.TotalSeconds, datagrams_per_s = result.DatagramsPerSecond, load_before = load0, load_after = load1,
                violations = result.Violations, outcomes = result.Outcomes, per_mutation = result.PerMutation, per_path = result.PerPath,
                per_suite = result.PerSuite.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
                first_violations = result.FirstViolations.Select(v => new { v.Index, v.Kind, v.Entry, v.Mutation, v.What, replay = Replay(v.Index) }),
            };
            io.Output.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        }
        else
        {
            io.Output.WriteLine($"tried {result.Tried:N0} ({result.NotApplicable:N0} draws did not apply), {result.DatagramsPerSecond:N0} datagrams/s over {result.Elapsed.TotalSeconds:F1} s " +
                                $"(load average {load0} before, {load1} after)");
            io.Output.WriteLine($"violations: exceptions {result.Violations[FuzzResult.Exception]}, altered Delivered {result.Violations[FuzzResult.AlteredDelivered]}, " +
                                $"state not byte-identical {result.Violations[FuzzResult.StateNotIdentical]}; legitimate state changes (reloaded) {result.StateChanges:N0}");
            io.Output.WriteLine("outcomes: " + string.Join(", ", result.Outcomes.Select(kv => $"{kv.Key} {kv.Value:N0}")));
            io.Output.WriteLine("per path: " + string.Join(", ", result.PerPath.Select(kv => $"{kv.Key} {kv.Value:N0}")));
            io.Output.WriteLine("per suite: " + string.Join(", ", result.PerSuite.Select(kv => $"{kv.Key} {kv.Value:N0}")));
            io.Output.WriteLine("per mutation: " + string.Join(", ", result.PerMutation.Select(kv => $"{kv.Key} {kv.Value:N0}")));
            foreach (var v in result.FirstViolations)
                io.Output.WriteLine($"VIOLATION {v.Kind} at datagram {v.Index} ({v.Entry}, {v.Mutation}): {v.What}\n  replay: {Replay(v.Index)}");
            io.Output.WriteLine(result.ViolationCount == 0 ? "no violation" : $"{result.ViolationCount} violation(s)");
        }
        return result.ViolationCount == 0 ? ExitCodes.Held : ExitCodes.Violation;
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
