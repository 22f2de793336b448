using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;
using Sim.Scenarios.Reports;
using Sim.Simulator;

namespace Sim.Scenarios.Cli;

/// <summary>
/// A check run as the CLI drives it: the cases of <see cref="PropertyRunner"/> (same generation, same
/// evaluation, same shrinking), with every finished case handed to <paramref name="onCase"/> at once
/// (the results folder appends it) and Ctrl-C honoured: the cases finished so far are kept, the
/// rest are not started, and <see cref="CheckRunResult.Interrupted"/> says so.
/// </summary>
public static class CheckRun
{
    public static async Task<CheckRunResult> RunAsync(CheckOptions options, Scenario? given, ProgressSink progress, Action<CaseResult> onCase, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var indexes = given is not null ? [0] : options.OnlyCase is { } only ? [only] : Enumerable.Range(0, options.Cases).ToArray();
        var jobs = options.Properties.SelectMany(p => indexes.Select(i => (Property: p, Index: i))).ToList();
        var results = new CaseResult?[jobs.Count];
        bool interrupted = false;
        var system = SimulatorActorSystem.Create("pairsim-check");
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancel };
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count), parallel, async (j, token) =>
                {
                    var (p, i) = jobs[j];
                    var scenario = given ?? PropertyRunner.Generate(p, options.Seed, i);
                    var outcome = await PropertyRunner.EvaluateAsync(p, scenario, system, options.Timeout, token).ConfigureAwait(false);
                    var result = new CaseResult(p.Name, options.Seed, i, scenario, outcome) { Generated = given is null };
                    results[j] = result;
                    onCase(result);
                    progress.Advance(failed: outcome.Status != CaseStatus.Held);
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                interrupted = true;
            }
            for (int j = 0; j < results.Length && !cancel.IsCancellationRequested; j++)
            {
                if (results[j] is not { Status: CaseStatus.Violated } failure || options.ShrinkBudget <= 0) continue;
                progress.Say($"shrinking {failure.Property}");
                try
                {
                    results[j] = await PropertyRunner.ShrinkAsync(jobs[j].Property, failure, system, options, null, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    interrupted = true; // the unshrunk failure is kept
                }
            }
            progress.Say(null);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
        var done = results.Where(r => r is not null).Select(r => r!).ToList();
        return new CheckRunResult(new CheckReport(options, done, started.Elapsed), jobs.Count, interrupted || cancel.IsCancellationRequested);
    }

    /// <summary>One JUnit test case per property: its failures (shrunk scenario and replay command) in the message and text.</summary>
    public static IReadOnlyList<JUnitCase> JUnitCases(CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var cases = new List<JUnitCase>();
        foreach (var p in report.Options.Properties)
        {
            var mine = report.Cases.Where(c => c.Property == p.Name).ToList();
            var violated = mine.Where(c => c.Status == CaseStatus.Violated).ToList();
            var undecided = mine.Where(c => c.Status == CaseStatus.Undecided).ToList();
            var time = TimeSpan.FromTicks(report.Elapsed.Ticks / Math.Max(1, report.Options.Properties.Count));
            var name = $"{p.Name} ({mine.Count} cases)";
            var first = violated.FirstOrDefault() ?? undecided.FirstOrDefault();
            if (first is null)
            {
                cases.Add(new JUnitCase(name, "pairsim.check", time));
                continue;
            }
            string message = $"{(violated.Count > 0 ? $"{violated.Count} of {mine.Count} cases violated {p.Name}" : $"{undecided.Count} of {mine.Count} cases undecided")}; " +
                             $"scenario: {first.Smallest.Format()}; replay: {first.ReplayCommand}";
            string text = string.Join("\n\n", violated.Concat(undecided).Select(c => c.FailureMessage()));
            cases.Add(new JUnitCase(name, "pairsim.check", time, message, text, Error: violated.Count == 0));
        }
        return cases;
    }
}

/// <summary>What a CLI check run did: the report of the finished cases, how many were planned, and whether Ctrl-C stopped it.</summary>
public sealed record CheckRunResult(CheckReport Report, int Planned, bool Interrupted);
