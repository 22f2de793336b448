using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>All checkers together, and re-checking a trace saved as JSON Lines.</summary>
public class CheckersTests
{
    [Fact]
    public void All_has_one_checker_per_invariant_with_distinct_names()
    {
        Assert.Equal(
            ["Convergence", "Liveness", "Decryptability", "Parity", "ForkFreedom", "Integrity", "ExactlyOnce", "IdentityLiveness", "Recovery"],
            Checkers.All.Select(c => c.Name));
    }

    [Fact]
    public void A_clean_trace_passes_every_checker()
    {
        var verdicts = Checkers.Run(Clean());
        Assert.All(verdicts, v => Assert.True(v.Passed, v.ToString()));
    }

    /// <summary>A trace that breaks several invariants: a rollback of alice, a second commit for epoch 6 and a replay delivered twice.</summary>
    private static List<TraceEvent> Broken()
    {
        var good = Clean();
        var restore = new RestoreEvent { Party = "alice", Epoch = 5, Depth = 1 };
        var trace = InsertAfter(good, good.Count - 1, restore, Epoch("alice", 6, "c6-again", "alice"), Send("alice", "d5", 6, 5));
        var at = Find(trace, e => e is OutcomeEvent { PayloadId: 3 });
        return InsertAfter(trace, at, Fault("replay", "d3", "d3"), Deliver("alice", "d3"), Outcome("alice", "Delivered", 5, 3));
    }

    [Fact]
    public void A_broken_trace_fails_the_checkers_it_breaks()
    {
        var verdicts = Checkers.Run(Broken()).ToDictionary(v => v.Name);
        Assert.False(verdicts["ForkFreedom"].Passed);
        Assert.False(verdicts["Integrity"].Passed);
        Assert.False(verdicts["ExactlyOnce"].Passed);
        Assert.True(verdicts["Parity"].Passed, verdicts["Parity"].ToString());
        Assert.True(verdicts["Convergence"].Passed, verdicts["Convergence"].ToString());
        Assert.Contains("FAILED at seq", verdicts["ForkFreedom"].ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_trace_saved_as_json_lines_gives_identical_verdicts(bool broken)
    {
        var trace = broken ? Broken() : Clean();
        var log = new TraceLog();
        foreach (var e in trace) log.Append(e);
        var reread = TraceJson.ReadLines(log.ToJsonLines().Split('\n')).ToList();
        Assert.Equal(trace, reread);
        Assert.Equal(Checkers.Run(trace), Checkers.Run(reread));

        var path = Path.Combine(Path.GetTempPath(), $"pairsim-trace-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path, log.ToJsonLines());
            Assert.Equal(Checkers.Run(trace), Checkers.RunFile(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_empty_trace_passes_the_safety_checkers_and_fails_convergence()
    {
        var verdicts = Checkers.Run([]).ToDictionary(v => v.Name);
        Assert.False(verdicts["Convergence"].Passed);
        Assert.Null(verdicts["Convergence"].FirstViolation);
        foreach (var name in new[] { "Decryptability", "Parity", "ForkFreedom", "Integrity", "ExactlyOnce", "IdentityLiveness" })
            Assert.True(verdicts[name].Passed, verdicts[name].ToString());
    }
}
