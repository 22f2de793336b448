using System.Reflection;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>The same options give the same trace, byte for byte, whatever else the machine is doing; different seeds differ.</summary>
public sealed class DeterminismTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    /// <summary>A world that uses every kind of fault and script op.</summary>
    public static WorldOptions Busy(ulong seed) => new()
    {
        Seed = seed,
        FaultProfile = FaultProfile.Symmetric(new LinkFaults
        {
            DropProbability = 0.1, DuplicateProbability = 0.1, DelayMeanMs = 40, ReorderProbability = 0.2,
            CorruptProbability = 0.05, ReplayProbability = 0.05, InjectProbability = 0.05,
        }) with { Partitions = [new Partition(700, 900, LinkDirection.BobToAlice)] },
        UserScript = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.RollOverAgent(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Crash(Party.Alice, 200), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(300),
            new ScriptOp.GoOffline(Party.Bob, 100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(200),
            new ScriptOp.SendWithCardEdit(Party.Bob), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100)),
        SettleMs = 1_000,
    };

    [Fact]
    public void SameSeedGivesByteIdenticalTraceWhileTheOtherCoreIsBusy()
    {
        var first = fixture.Run(Busy(31));
        using var stop = new CancellationTokenSource();
        var spinner = new Thread(() => { ulong x = 1; while (!stop.IsCancellationRequested) x = x * 6364136223846793005 + 1; GC.KeepAlive(x); }) { IsBackground = true };
        spinner.Start();
        WorldResult second;
        try { second = fixture.Run(Busy(31)); }
        finally { stop.Cancel(); spinner.Join(); }
        Assert.Equal(first.Trace.ToJsonLines(), second.Trace.ToJsonLines());
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.True(first.Counts.DatagramsSent > 10);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentTraces()
    {
        var a = fixture.Run(Busy(32));
        var b = fixture.Run(Busy(33));
        Assert.NotEqual(a.TraceHash, b.TraceHash);
    }

    [Fact]
    public void TheFirstEventIsTheOptionsLineStartingWithTheSeedAndNamingEveryOption()
    {
        var options = Busy(34);
        var r = fixture.Run(options);
        var first = r.Trace.Events[0];
        Assert.Equal(TraceKind.Options, first.Kind);
        var line = Assert.IsType<OptionsEvent>(first).Line;
        Assert.Equal(TraceSchema.Version, ((OptionsEvent)first).Schema);
        Assert.Equal("34", ((OptionsEvent)first).Seed);
        Assert.StartsWith("SEED=34 ", line);
        Assert.Equal(options.Describe(), line);
        Assert.Equal(options.Describe(), options.ToString());
        foreach (var p in typeof(WorldOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string snake = string.Concat(p.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
            string name = p.Name switch { "Seed" => "SEED", "FaultProfile" => "faults", "UserScript" => "script", _ => snake };
            Assert.Contains(name + "=", line);
        }
        Assert.Equal(TraceKind.Phase, r.Trace.Events[1].Kind);
    }

    [Fact]
    public void TheTraceReadsBackToTheSameEventsCountsAndHash()
    {
        var r = fixture.Run(Busy(35));
        var lines = r.Trace.ToJsonLines().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var read = TraceJson.ReadLines(lines).ToList();
        Assert.Equal(r.Trace.Events, read);
        var again = new TraceLog();
        foreach (var e in read) again.Append(e);
        Assert.Equal(r.TraceHash, again.Hash());
        Assert.Equal(r.Counts with { ScriptOpsSkipped = 0 }, WorldCounts.From(read), new CountsComparer());
    }

    [Fact]
    public void EveryEpochChangeIsTracedWithItsCommitAndCommitter()
    {
        var r = fixture.Run(Busy(36));
        foreach (var party in new[] { "alice", "bob" })
        {
            var epochs = r.Of<EpochEvent>().Where(e => e.Party == party).ToList();
            Assert.NotEmpty(epochs);
            Assert.All(epochs, e => Assert.Matches("^[0-9a-f]{16}$", e.CommitHash!));
            // The committer is the commit's MLS sender as the engine read it: known for every epoch after the first one each party entered.
            Assert.All(epochs.Skip(1), e => Assert.Matches("^(alice|bob)$", e.Committer!));
            var final = r.Of<StateEvent>().Last(e => e.Party == party);
            Assert.Equal(final.Epoch, epochs[^1].Epoch);
        }
        // Both parties saw the same commit for every epoch they both entered (no fork in an honest world).
        var byEpoch = r.Of<EpochEvent>().GroupBy(e => e.Epoch);
        Assert.All(byEpoch, g => Assert.Single(g.Select(e => e.CommitHash).Distinct()));
        Assert.True(r.Converged);
    }

    private sealed class CountsComparer : IEqualityComparer<WorldCounts>
    {
        public bool Equals(WorldCounts? x, WorldCounts? y) =>
            x is not null && y is not null && x.DatagramsSent == y.DatagramsSent && x.DatagramsDelivered == y.DatagramsDelivered
            && x.DatagramsLost == y.DatagramsLost && x.Outcomes.SequenceEqual(y.Outcomes) && x.Faults.SequenceEqual(y.Faults) && x.Events.SequenceEqual(y.Events);

        public int GetHashCode(WorldCounts obj) => obj.DatagramsSent;
    }
}
