using Sim.Scenarios.Properties;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// The property suite in CI: every invariant of PAIRMLS.md over <see cref="Cases"/> generated
/// scenarios each (fixed seed, so a red run is reproducible), in one class so the properties run one
/// after another, each spreading its worlds over the cores. About two minutes on 2 cores; the larger
/// run is <c>pairsim check --cases 10000</c>. A failure prints the shrunk scenario, its seed and the
/// one command that replays it.
/// </summary>
public sealed class InvariantPropertiesTests(ITestOutputHelper output)
{
    /// <summary>
    /// Cases per property: 200 in CI. The mutation run (README, "Mutation testing") sets
    /// <c>PAIRSIM_PROPERTY_CASES</c> to fewer so that one run of the properties per mutant fits its hour.
    /// </summary>
    public static int Cases { get; } = FromEnvironment("PAIRSIM_PROPERTY_CASES", 200, minimum: 1);

    /// <summary>Shrink steps after a failure: 120 in CI; the mutation run sets <c>PAIRSIM_PROPERTY_SHRINK=0</c> (a kill needs no shrunk scenario).</summary>
    public static int ShrinkBudget { get; } = FromEnvironment("PAIRSIM_PROPERTY_SHRINK", 120, minimum: 0);

    /// <summary>The check seed of the CI run.</summary>
    public const ulong Seed = 20_251_1;

    [Fact] public Task Convergence() => Holds(Invariants.Convergence);
    [Fact] public Task Liveness() => Holds(Invariants.Liveness);
    [Fact] public Task Decryptability() => Holds(Invariants.Decryptability);
    [Fact] public Task Parity() => Holds(Invariants.Parity);
    [Fact] public Task ForkFreedom() => Holds(Invariants.ForkFreedom);
    [Fact] public Task Integrity() => Holds(Invariants.Integrity);
    [Fact] public Task ExactlyOnce() => Holds(Invariants.ExactlyOnce);
    [Fact] public Task IdentityLiveness() => Holds(Invariants.IdentityLiveness);
    [Fact] public Task FsPcs() => Holds(Invariants.FsPcs);
    [Fact] public Task Recovery() => Holds(Invariants.Recovery);

    private async Task Holds(ScenarioProperty property)
    {
        var report = await PropertyRunner.CheckAsync(new CheckOptions
        {
            Seed = Seed,
            Cases = Cases,
            Properties = [property],
            ShrinkBudget = ShrinkBudget,
        });
        output.WriteLine($"PROPERTY {property.Name}: {report.Cases.Count(c => c.Status == CaseStatus.Held)}/{report.Cases.Count} cases held in {report.Elapsed.TotalSeconds:F1} s (seed {Seed}; {property.Scope})");
        var failures = report.Failures.Select(f => f.FailureMessage()).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
        Assert.Equal(Cases, report.Cases.Count);
    }

    private static int FromEnvironment(string name, int fallback, int minimum)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text)) return fallback;
        // A bad value fails loudly rather than silently running the CI count.
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new InvalidOperationException($"{name}={text}: expected an integer of at least {minimum}");
    }
}
