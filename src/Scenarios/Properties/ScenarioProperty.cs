using FsCheck;
using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Properties;

/// <summary>What a property concluded about one world: held or not, the first event that breaks it, and a sentence.</summary>
public sealed record PropertyVerdict(bool Held, string Detail, TraceEvent? At = null)
{
    public override string ToString() =>
        Held ? $"ok ({Detail})"
             : $"FAILED{(At is { } e ? $" at seq {e.Seq} (t={e.T}ms, {TraceJson.KindName(e.Kind)})" : "")}: {Detail}";
}

/// <summary>
/// One invariant of PAIRMLS.md as a property over scenarios (DESIGN.md "Properties are the
/// product"): a generator of scenarios (with the options this invariant needs), and a judge of the
/// world a scenario produces.
/// </summary>
public abstract class ScenarioProperty
{
    protected ScenarioProperty(string name, string invariant, GenOptions options, string scope)
    {
        Name = name;
        Invariant = invariant;
        Options = options;
        Scope = scope;
    }

    /// <summary>The invariant's name (the checker's, where there is one).</summary>
    public string Name { get; }

    /// <summary>The invariant, in one sentence.</summary>
    public string Invariant { get; }

    /// <summary>What the generator produces for this property, and why (e.g. whether rollbacks are in).</summary>
    public string Scope { get; }

    public GenOptions Options { get; }

    public Gen<Scenario> Generator => ScenarioGen.Scenario(Options);

    public Arbitrary<Scenario> Arbitrary => ScenarioGen.Arbitrary(Options);

    /// <summary>The world to run for <paramref name="scenario"/>.</summary>
    public virtual WorldOptions WorldFor(Scenario scenario) => scenario.ToWorldOptions();

    /// <summary>Judges the world's result. May throw only on a bug (the runner then reports the case as undecided).</summary>
    public abstract PropertyVerdict Judge(Scenario scenario, WorldResult result);

    public override string ToString() => Name;
}
