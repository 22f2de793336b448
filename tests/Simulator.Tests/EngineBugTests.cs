using Sim.Engine;

namespace Sim.Simulator.Tests;

/// <summary>
/// A world that fails on an engine bug (<see cref="MlsInternalException"/>, however deep in the chain of
/// causes an actor failure wraps it) says "engine bug" and the world's options (its seed); any other
/// failure says "world failed". The property runner reports both as undecided, never as a verdict.
/// </summary>
public sealed class EngineBugTests
{
    private const string Options = "seed=7 suite=1";

    [Fact]
    public void An_engine_bug_deep_in_the_causes_is_found_and_named()
    {
        var bug = new MlsInternalException("a Commit takes an Update of our leaf we hold no key for");
        var failure = new InvalidOperationException("member bob failed", new AggregateException(new TimeoutException("other"), bug));
        Assert.Same(bug, EngineBug.In(failure));
        var message = EngineBug.Describe("world", 1234, Options, failure);
        Assert.StartsWith("engine bug in the world at 1234 ms", message);
        Assert.Contains("we hold no key for", message);
        Assert.EndsWith(Options, message);
    }

    [Fact]
    public void Any_other_failure_is_not_called_an_engine_bug()
    {
        var failure = new InvalidOperationException("party failed", new ArgumentException("a bad option"));
        Assert.Null(EngineBug.In(failure));
        Assert.Equal($"world failed at 5 ms: {Options}", EngineBug.Describe("world", 5, Options, failure));
        Assert.Null(EngineBug.In(null));
    }
}
