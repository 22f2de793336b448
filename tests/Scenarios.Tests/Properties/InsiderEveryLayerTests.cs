using Sim.Engine.Pair;
using Sim.Scenarios.Catalog;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// The strongest insider (catalog scenario "insider": <c>layers:all</c>): it holds the header keys and alters
/// every layer of every datagram it can open, each copy delivered just before the original (the receiver still
/// misses the Commit it staples) and just after it (the Commit is known). Generated worlds meet each refusal of the
/// receive pipeline only by chance; this world meets every one of them in every run, so a receiver that refuses
/// for the wrong reason (PAIRMLS.md "Receiving": wrong parity, bad signature, fork, malformed), takes tampering
/// for rollback evidence, delivers or keeps anything altered, or stops the chat fails here.
/// </summary>
public sealed class InsiderEveryLayerTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryAlteredLayerIsRefusedForItsReason_AndEveryInvariantHolds()
    {
        var scenario = ScenarioCatalog.Named("insider")!.Scenario;
        var (_, trace, verdicts) = JudgedWorld.Run(scenario, output);

        // What the insider did: every mutation it has, and the refusal each kind of layer calls for.
        var insider = trace.Altered.Values.Where(f => f.Fault == "insider").ToList();
        var answers = trace.Receipts.Where(r => r.Deliver.Datagram is { } id && trace.Altered.TryGetValue(id, out var f) && f.Fault == "insider")
            .GroupBy(r => r.Outcome.Name).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{insider.Count} altered copies: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"))}");
        Assert.Equal(PairInsider.Mutations.Select(m => m.ToString()).Order(), insider.Select(f => f.Why!).Distinct().Order());
        foreach (var reason in new[] { "Rejected:WrongParity", "Rejected:BadSignature", "Rejected:Fork", "Rejected:Malformed" })
            Assert.True(answers.GetValueOrDefault(reason) > 0, $"no altered copy was {reason}");
        Assert.DoesNotContain(answers.Keys, name => name.StartsWith("RollbackDetected", StringComparison.Ordinal) || name == "Delivered" || name == "Resynced");
        Assert.Matches(@"; \d{2,} insider copies refused for the reason their altered layer calls for", verdicts.Single(v => v.Name == "Integrity").Detail);
    }
}
