using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Xunit.Abstractions;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// The world and the checkers together: real PairMLS worlds under each fault are judged by every
/// checker from their traces alone. Honest worlds must pass every invariant; a planted rollback
/// must be caught as a fork.
/// </summary>
public sealed class WorldCheckersTests(WorldFixture fixture, ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    public static TheoryData<string> Profiles => new() { "none", "drop", "duplicate", "reorder", "partition", "corrupt", "replay", "inject", "mixed" };

    private static FaultProfile ProfileNamed(string name) => name switch
    {
        "none" => FaultProfile.None,
        "drop" => Both(new LinkFaults { DropProbability = 0.3 }),
        "duplicate" => Both(new LinkFaults { DuplicateProbability = 0.5, DuplicateCopies = 2 }),
        "reorder" => Both(new LinkFaults { DelayMeanMs = 150, ReorderProbability = 0.3 }),
        "partition" => FaultProfile.None with { Partitions = [new Partition(200, 900), new Partition(1200, 1500, LinkDirection.BobToAlice)] },
        "corrupt" => Both(new LinkFaults { CorruptProbability = 0.3 }),
        "replay" => Both(new LinkFaults { ReplayProbability = 0.4 }),
        "inject" => Both(new LinkFaults { InjectProbability = 0.4 }),
        _ => Both(new LinkFaults
        {
            DropProbability = 0.15, DuplicateProbability = 0.2, DelayMeanMs = 80, ReorderProbability = 0.2,
            CorruptProbability = 0.1, ReplayProbability = 0.1, InjectProbability = 0.1,
        }),
    };

    private static UserScript Busy() => UserScript.Of(
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
        new ScriptOp.SendWithCardEdit(Party.Bob, 32), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(150),
        new ScriptOp.Send(Party.Alice), new ScriptOp.RollOverAgent(Party.Alice, 32), new ScriptOp.Wait(200),
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.SendWithCardEdit(Party.Alice, 32), new ScriptOp.Wait(300),
        new ScriptOp.Crash(Party.Bob, 200), new ScriptOp.Wait(300), new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Alice),
        new ScriptOp.Wait(200), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(200), new ScriptOp.Send(Party.Alice));

    [Theory]
    [MemberData(nameof(Profiles))]
    public void HonestWorldsHoldEveryInvariant(string profile)
    {
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var r = fixture.Run(new WorldOptions { Seed = 100 * seed + (ulong)profile.Length, FaultProfile = ProfileNamed(profile), UserScript = Busy() });
            var verdicts = Checkers.Run(r.Trace.Events);
            foreach (var v in verdicts) output.WriteLine($"{profile} seed {r.Options.Seed}: {v}");
            Assert.All(verdicts, v => Assert.True(v.Passed, $"{v} (seed {r.Options.Seed})"));
        }
    }

    [Fact]
    public void PlantedRollbackForkIsDetected()
    {
        // Alice commits w+1, is rolled back to the save before that commit, and commits w+1 again.
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, 1), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100));
        var r = fixture.Run(new WorldOptions { Seed = 77, UserScript = script });
        var fork = Checkers.Run(r.Trace.Events).Single(v => v.Name == new ForkFreedomChecker().Name);
        output.WriteLine(fork.ToString());
        // Bob holds the first commit for w+1 and detects Alice's second one: the rollback's fork is detected.
        Assert.True(fork.Passed, fork.ToString());
        Assert.Contains("detected", fork.Detail);
        Assert.Contains(r.Trace.Events.OfType<Trace.OutcomeEvent>(), o => o.Name == "RollbackDetected:Fork");
        // Without the rollback, the same second commit is a fork no one may make.
        var noRollback = r.Trace.Events.Where(e => e is not Trace.RestoreEvent).Select((e, i) => e with { Seq = i }).ToList();
        Assert.False(Checkers.Run(noRollback).Single(v => v.Name == fork.Name).Passed);
    }
}
