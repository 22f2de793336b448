using Sim.Simulator.Agents;

namespace Sim.Simulator.Tests;

/// <summary>Many worlds in parallel: each gives the trace it gives alone; results keep the input order; progress is reported per world; RunMany's aggregate adds up.</summary>
public sealed class WorldRunnerTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParallelWorldsGiveTheTracesTheyGiveAlone(bool sharedSystem)
    {
        var worlds = WorldRunner.Seeds(DeterminismTests.Busy(0), 40, 4);
        var progress = new List<int>();
        var results = WorldRunner.Run(worlds, new WorldRunnerOptions { MaxParallelism = 2, SharedActorSystem = sharedSystem }, p => progress.Add(p.Completed));
        Assert.Equal([1, 2, 3, 4], progress);
        Assert.Equal(worlds.Select(w => w.Seed), results.Select(r => r.Options.Seed));
        Assert.Equal(fixture.Run(worlds[2]).TraceHash, results[2].TraceHash);
        Assert.Equal(4, results.Select(r => r.TraceHash).Distinct().Count());
    }

    [Fact]
    public void RunManyGivesTheSameTracesWithTwoWorkersAsWithOneAndItsCountsAddUp()
    {
        var template = DeterminismTests.Busy(0);
        var alone = WorldRunner.Run(WorldRunner.Seeds(template, 70, 4), new WorldRunnerOptions { MaxParallelism = 1 });
        var progress = new List<int>();
        var two = WorldRunner.RunMany(template, 70, 4, parallelism: 2, p => progress.Add(p.Completed));
        var one = WorldRunner.RunMany(template, 70, 4, parallelism: 1);

        Assert.Equal(alone.Select(r => r.TraceHash), one.TraceHashes);
        Assert.Equal(one.TraceHashes, two.TraceHashes);
        Assert.Equal([1, 2, 3, 4], progress);
        Assert.Equal((4, 2, 70UL), (two.Worlds, two.Parallelism, two.FirstSeed));
        Assert.Equal(alone.Sum(r => (long)r.Counts.DatagramsSent), two.DatagramsSent);
        Assert.Equal(alone.Sum(r => (long)r.Counts.DatagramsDelivered), two.DatagramsDelivered);
        Assert.Equal(alone.Where(r => !r.Converged).Select(r => r.Options.Seed), two.NotConverged);
        Assert.Empty(two.Failures);
        Assert.True(two.WallSeconds > 0 && two.DatagramsPerSecond > 0);
    }

    [Fact]
    public void RunManyListsEveryFailingWorldWithItsSeedAndRunsTheRest()
    {
        // A payload too small for its id is refused by the world: every world fails, none stops the others.
        var progress = new List<WorldProgress>();
        var summary = WorldRunner.RunMany(new WorldOptions { PayloadSizeBytes = 4 }, 9, 3, parallelism: 2, progress.Add);
        Assert.Equal([1, 2, 3], progress.Select(p => p.Completed));
        Assert.All(progress, p => Assert.True(p.Last is null && p.Failure is not null));
        Assert.Equal([9UL, 10UL, 11UL], summary.Failures.Select(f => f.Seed));
        Assert.All(summary.Failures, f => Assert.Contains("payload_size_bytes", f.Message));
        Assert.Equal([null, null, null], summary.TraceHashes);
        Assert.Equal(0, summary.DatagramsSent);
        Assert.False(summary.AllPassed);
    }

    [Fact]
    public void ChatAlternatesFromBobWithAGapAfterEachMessage()
    {
        var chat = UserScript.Chat(5, gapMs: 30, payloadBytes: 40);
        var sends = chat.Ops.OfType<ScriptOp.Send>().ToList();
        Assert.Equal([Party.Bob, Party.Alice, Party.Bob, Party.Alice, Party.Bob], sends.Select(s => s.Party));
        Assert.All(sends, s => Assert.Equal(40, s.PayloadBytes));
        Assert.Equal(150, chat.DurationMs);
        Assert.Equal([0L, 30, 60, 90, 120], chat.Timed().Where(t => t.Op is ScriptOp.Send).Select(t => t.AtMs));

        var r = fixture.Run(new WorldOptions { Seed = 3, UserScript = UserScript.Chat(6, gapMs: 20), LivenessRoundTrips = 1 });
        Assert.True(r.Converged);
        Assert.Equal(6, r.Of<Trace.OutcomeEvent>().Count(e => e.Name == "Delivered" && e.PayloadId <= 6));
    }
}
