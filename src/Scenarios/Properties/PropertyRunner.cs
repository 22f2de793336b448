using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Crypto;
using Sim.Scenarios.Generators;
using Sim.Simulator;

namespace Sim.Scenarios.Properties;

/// <summary>What a check run does: which properties, how many cases each, from which seed, on how many cores, with which limits.</summary>
public sealed record CheckOptions
{
    public ulong Seed { get; init; } = 1;
    public int Cases { get; init; } = 100;
    /// <summary>Run only this case index (replaying a generated case); null: cases 0..Cases-1.</summary>
    public int? OnlyCase { get; init; }
    public IReadOnlyList<ScenarioProperty> Properties { get; init; } = Invariants.All;
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Wall-clock limit per world; past it the case is undecided.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>At most this many worlds run while shrinking one failure (0: no shrinking).</summary>
    public int ShrinkBudget { get; init; } = 200;
}

/// <summary>A check run's results, and the process exit code they call for.</summary>
public sealed record CheckReport(CheckOptions Options, IReadOnlyList<CaseResult> Cases, TimeSpan Elapsed)
{
    public IEnumerable<CaseResult> Failures => Cases.Where(c => c.Status != CaseStatus.Held);

    /// <summary>0: every invariant held; 1: a violation; 2: no violation, but some case could not be decided.</summary>
    public int ExitCode =>
        Cases.Any(c => c.Status == CaseStatus.Violated) ? 1 : Cases.Any(c => c.Status == CaseStatus.Undecided) ? 2 : 0;
}

/// <summary>
/// Runs properties over generated scenarios: case i of property P under check seed S is generated
/// from its own FsCheck random state (derived from S, P and i) and size, so it does not depend on how
/// many cases run or in which order, and <c>pairsim replay --seed S --case i --property P</c>
/// regenerates it. Worlds run in parallel in one actor system; every violation is then shrunk with
/// <see cref="ScenarioShrinker"/> (greedy: the first smaller candidate that still fails wins).
/// </summary>
public static class PropertyRunner
{
    /// <summary>The FsCheck size of case <paramref name="index"/>: spread over 10..100, small first.</summary>
    public static int SizeOf(int index) => 10 + (int)((uint)index * 37u % 91u);

    /// <summary>Case <paramref name="index"/> of <paramref name="property"/> under <paramref name="seed"/>.</summary>
    public static Scenario Generate(ScenarioProperty property, ulong seed, int index)
    {
        ArgumentNullException.ThrowIfNull(property);
        ulong stream = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(new DeterministicRandomSource(seed, $"check/{property.Name}/{index}").NextBytes(8));
        return property.Generator.Sample(SizeOf(index), new Rnd(stream), 1)[0];
    }

    /// <summary>Runs one world for <paramref name="scenario"/> and judges it; never throws but on cancellation of <paramref name="ct"/>.</summary>
    public static async Task<CaseOutcome> EvaluateAsync(ScenarioProperty property, Scenario scenario, ActorSystem? system, TimeSpan timeout, CancellationToken ct = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        WorldResult result;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            result = await new World(property.WorldFor(scenario), system).RunAsync(limit.Token).ConfigureAwait(false);
            // The cancellation timer runs on the thread pool and may fire late on a busy machine: the limit is the wall clock's.
            if (clock.Elapsed > timeout) return new CaseOutcome(CaseStatus.Undecided, $"timed out: the world took {clock.Elapsed.TotalSeconds:0.###} s, past the limit of {timeout.TotalSeconds:0.###} s (wall clock)", null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CaseOutcome(CaseStatus.Undecided, $"timed out after {timeout.TotalSeconds:0.###} s (wall clock)", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An engine bug decides nothing about the protocol: undecided, and said so (the replay command follows in the report).
            return new CaseOutcome(CaseStatus.Undecided, EngineBug.In(e) is not null
                ? $"engine bug (no verdict on the protocol): {Flatten(e)}" : $"the world threw: {Flatten(e)}", null);
        }
        try
        {
            var v = property.Judge(scenario, result);
            var trace = new Simulator.Trace.TraceQuery(result.Trace.Events);
            return new CaseOutcome(v.Held ? CaseStatus.Held : CaseStatus.Violated, v.Detail, result.TraceHash, v)
            {
                Coverage = Simulator.Trace.TraceCoverage.Of(trace, trace.Options?.ForwardDistance ?? 1000),
            };
        }
        catch (Exception e)
        {
            return new CaseOutcome(CaseStatus.Undecided, $"judging threw: {Flatten(e)}", result.TraceHash);
        }
    }

    /// <summary>Runs every case of every property, then shrinks each failure. <paramref name="progress"/> is called once per finished world (cases, then shrink tries).</summary>
    public static async Task<CheckReport> CheckAsync(CheckOptions options, Action<CheckProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var indexes = options.OnlyCase is { } only ? [only] : Enumerable.Range(0, Math.Max(0, options.Cases)).ToArray();
        var jobs = options.Properties.SelectMany(p => indexes.Select(i => (Property: p, Index: i))).ToList();
        var results = new CaseResult[jobs.Count];
        int done = 0;
        var system = SimulatorActorSystem.Create("pairsim-check");
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count), parallel, async (j, token) =>
            {
                var (p, i) = jobs[j];
                var scenario = Generate(p, options.Seed, i);
                var outcome = await EvaluateAsync(p, scenario, system, options.Timeout, token).ConfigureAwait(false);
                results[j] = new CaseResult(p.Name, options.Seed, i, scenario, outcome);
                progress?.Invoke(new CheckProgress(Interlocked.Increment(ref done), jobs.Count, p.Name, outcome.Status, Shrinking: false));
            }).ConfigureAwait(false);

            for (int j = 0; j < results.Length; j++)
            {
                if (results[j].Status != CaseStatus.Violated || options.ShrinkBudget <= 0) continue;
                results[j] = await ShrinkAsync(jobs[j].Property, results[j], system, options, progress, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
        return new CheckReport(options, results, started.Elapsed);
    }

    /// <summary>Greedy shrinking: try the candidates of the current failure in order (a batch per core), move to the first that still violates the property, until none does or the budget is spent.</summary>
    public static async Task<CaseResult> ShrinkAsync(ScenarioProperty property, CaseResult failure, ActorSystem? system, CheckOptions options,
        Action<CheckProgress>? progress = null, CancellationToken ct = default)
    {
        var current = failure.Scenario;
        var outcome = failure.Outcome;
        int steps = 0, tries = 0, batch = Math.Max(1, options.Parallelism);
        bool improved = true;
        while (improved && tries < options.ShrinkBudget)
        {
            improved = false;
            using var candidates = ScenarioShrinker.Shrink(current).GetEnumerator();
            while (!improved && tries < options.ShrinkBudget)
            {
                var next = new List<Scenario>();
                while (next.Count < Math.Min(batch, options.ShrinkBudget - tries) && candidates.MoveNext()) next.Add(candidates.Current);
                if (next.Count == 0) break;
                var outcomes = await Task.WhenAll(next.Select(c => EvaluateAsync(property, c, system, options.Timeout, ct))).ConfigureAwait(false);
                tries += next.Count;
                progress?.Invoke(new CheckProgress(tries, options.ShrinkBudget, property.Name, CaseStatus.Violated, Shrinking: true));
                int k = Array.FindIndex(outcomes, o => o.Status == CaseStatus.Violated);
                if (k < 0) continue;
                current = next[k];
                outcome = outcomes[k];
                steps++;
                improved = true;
            }
        }
        return steps == 0
            ? failure with { ShrinkTries = tries }
            : failure with { Shrunk = current, ShrunkOutcome = outcome, ShrinkSteps = steps, ShrinkTries = tries };
    }

    private static string Flatten(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" -> ", parts);
    }
}

/// <summary>Progress of a check run: worlds finished of the total (while shrinking: tries of the budget).</summary>
public sealed record CheckProgress(int Completed, int Total, string Property, CaseStatus Last, bool Shrinking);
