using System.CommandLine;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim replay --scenario TEXT [--property P]` or `pairsim replay --seed S --case I --property P`:
/// runs the failing world again, exactly (same trace hash: the scenario fixes every random choice),
/// and prints every verdict. Exit 0 when the property (or, without --property, every property)
/// holds, 1 on a violation, 2 when the world could not run or --expect-hash differs.
/// </summary>
public static class ReplayCommand
{
    public static Command Build()
    {
        var scenario = new Option<string?>("--scenario") { Description = "The scenario text a failure printed (or a catalog name, or @file)" };
        var seed = new Option<ulong?>("--seed") { Description = "The check seed of a generated case (with --case and --property)" };
        var caseIndex = new Option<int?>("--case") { Description = "The case index under --seed" };
        var property = new Option<string?>("--property") { Description = $"The property judged for the exit code: {string.Join(", ", Invariants.Reported.Select(p => p.Name))}" };
        var trace = new Option<string?>("--trace") { Description = "Write the trace to FILE as JSON Lines" };
        var expect = new Option<string?>("--expect-hash") { Description = "Fail (exit 2) unless the trace hash equals this (64 hex digits, as a failure prints it)" };
        expect.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } h && (h.Length != 64 || !h.All(Uri.IsHexDigit))) r.AddError($"--expect-hash takes the 64 hex digits of a trace hash, got '{h}'");
        });
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var report = RunCommand.ReportOption();
        var command = new Command("replay", "Reproduce a failure exactly (same trace hash) from its scenario text or from --seed and --case, and print the verdicts.")
        {
            scenario, seed, caseIndex, property, trace, expect, report, json,
        };
        command.SetAction((parse, cancel) =>
        {
            var io = CliIo.For(parse, parse.GetValue(json));
            ScenarioProperty? p = null;
            Scenario s;
            if (parse.GetValue(property) is { } pn) p = Invariants.Named(pn, Invariants.Reported) ?? throw CliError.Usage($"no property {pn} ({string.Join(", ", Invariants.Reported.Select(x => x.Name))})");
            if (parse.GetValue(scenario) is { } text)
            {
                if (parse.GetValue(seed) is not null || parse.GetValue(caseIndex) is not null) throw CliError.Usage("give --scenario TEXT or --seed S --case I, not both");
                s = ScenarioSource.Resolve(text);
            }
            else if (parse.GetValue(seed) is { } checkSeed && parse.GetValue(caseIndex) is { } i)
            {
                if (p is null) throw CliError.Usage("--seed and --case name a generated case of one property: add --property");
                if (i < 0) throw CliError.Usage($"--case must be at least 0, got {i}");
                s = PropertyRunner.Generate(p, checkSeed, i);
            }
            else throw CliError.Usage("give --scenario TEXT, or --seed S --case I --property P");
            return Task.FromResult(RunCommand.Execute(io, s, parse.GetValue(trace), p?.Name, exitOnVerdicts: true, parse.GetValue(expect), parse.GetValue(report), cancel));
        });
        return command;
    }
}
