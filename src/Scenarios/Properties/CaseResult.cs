using Sim.Scenarios.Generators;

namespace Sim.Scenarios.Properties;

/// <summary>How one property case ended: the invariant held, it was violated, or the run could not decide (the world threw or timed out).</summary>
public enum CaseStatus
{
    Held,
    Violated,
    Undecided,
}

/// <summary>One world judged by one property: the status, the verdict (or why it is undecided) and the trace hash.</summary>
public sealed record CaseOutcome(CaseStatus Status, string Detail, string? TraceHash, PropertyVerdict? Verdict = null)
{
    /// <summary>The states the world reached and the outcomes it saw (<see cref="Simulator.Trace.TraceCoverage"/>); empty when no world ran to its end.</summary>
    public IReadOnlySet<string> Coverage { get; init; } = new HashSet<string>();
}

/// <summary>
/// One generated case of a check run: which property, which case index of which check seed, the
/// scenario and its outcome, and for a violation the shrunk scenario and its outcome.
/// </summary>
public sealed record CaseResult(string Property, ulong CheckSeed, int Case, Scenario Scenario, CaseOutcome Outcome)
{
    public Scenario? Shrunk { get; init; }
    public CaseOutcome? ShrunkOutcome { get; init; }
    public int ShrinkSteps { get; init; }
    public int ShrinkTries { get; init; }
    /// <summary>False for a scenario given by hand (check --scenario): there is no case to regenerate.</summary>
    public bool Generated { get; init; } = true;

    public CaseStatus Status => Outcome.Status;

    /// <summary>The smallest failing scenario known (the shrunk one, else the original).</summary>
    public Scenario Smallest => Shrunk ?? Scenario;

    /// <summary>The one command that replays the (shrunk) failure exactly.</summary>
    public string ReplayCommand => Replay.Command(Smallest, Property, (ShrunkOutcome ?? Outcome).TraceHash);

    /// <summary>The command that regenerates the original (unshrunk) case from the check seed.</summary>
    public string RegenerateCommand => $"pairsim replay --seed {CheckSeed} --case {Case} --property {Property}";

    /// <summary>The failure message: the shrunk scenario text, the seed, and the one command that replays it.</summary>
    public string FailureMessage()
    {
        var o = ShrunkOutcome ?? Outcome;
        string what = Status == CaseStatus.Violated ? "FAILED" : "could not decide";
        var lines = new List<string>
        {
            $"Property {Property} {what} ({(Generated ? $"case {Case} of check seed {CheckSeed}" : "given scenario")}" +
                (Shrunk is null ? ")" : $"; shrunk in {ShrinkSteps} steps ({ShrinkTries} tries) from {Scenario.Script.Count} ops to {Shrunk.Script.Count})"),
            $"  {Property}: {o.Verdict?.ToString() ?? o.Detail}",
            $"  scenario: {Smallest.Format()}",
            $"  seed: {Smallest.Seed}" + (o.TraceHash is { } h ? $"  trace hash: {h}" : ""),
            $"  replay: {ReplayCommand}",
        };
        if (Generated) lines.Add($"  original case: {RegenerateCommand}");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>The replay command line for a scenario: with the trace hash, replay exits 2 unless it reproduces the very same trace.</summary>
public static class Replay
{
    public static string Command(Scenario scenario, string? property = null, string? traceHash = null) =>
        $"pairsim replay --scenario \"{scenario.Format()}\"" + (property is null ? "" : $" --property {property}") + (traceHash is null ? "" : $" --expect-hash {traceHash}");
}
