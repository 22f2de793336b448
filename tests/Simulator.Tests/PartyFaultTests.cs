using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>Party faults of PAIRMLS.md "Fault model": offline, crash and restart from the last saved state, and rollback.</summary>
public sealed class PartyFaultTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Fact]
    public void CrashAndRestartResumeFromTheLastSavedState()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice),          // Alice commits her first epoch and persists before sending
            new ScriptOp.Crash(Party.Alice, 500),    // ...and crashes at once
            new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob),            // lost: Alice is down
            new ScriptOp.Wait(600),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        var r = fixture.Run(new WorldOptions { Seed = 21, UserScript = script });
        var alice = r.Trace.Events.Where(e => e.Party == "alice").ToList();
        var crash = Assert.Single(alice.OfType<CrashEvent>());
        var restart = Assert.Single(alice.OfType<RestartEvent>());
        Assert.Equal(crash.T + 500, restart.T);
        var lastEpochBeforeCrash = alice.OfType<EpochEvent>().Last(e => e.Seq < crash.Seq);
        Assert.Equal(lastEpochBeforeCrash.Epoch, restart.Epoch);
        Assert.Equal(lastEpochBeforeCrash.CommitHash, restart.CommitHash);
        // Bob's datagram in between was lost at the crashed receiver.
        Assert.Contains(r.Trace.Events.OfType<FaultEvent>(), e => e.Fault == FaultNames.Offline && e.Party == "alice" && e.T > crash.T && e.T < restart.T);
        // After the restart Alice sends in the same epoch, with the same commit: no second commit, no fork.
        var nextSend = alice.OfType<SendEvent>().First(e => e.Seq > restart.Seq);
        Assert.Equal(restart.Epoch, nextSend.Epoch);
        Assert.Equal(1, alice.OfType<EpochEvent>().Count(e => e.Epoch == restart.Epoch));
        Assert.Equal("Delivered", r.Trace.Events.OfType<OutcomeEvent>().First(e => e.Datagram == nextSend.Datagram).Name);
        Assert.DoesNotContain(r.Of<OutcomeEvent>(), e => e.Name == "Rejected:Fork");
        Assert.True(r.Converged);
    }

    [Fact]
    public void OfflinePartyLosesWhatIsSentToItAndCatchesUp()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.GoOffline(Party.Alice, 400),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(50),   // cannot leave
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(500),    // cannot arrive
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        var r = fixture.Run(new WorldOptions { Seed = 22, UserScript = script });
        var offline = Assert.Single(r.Of<OfflineEvent>());
        var online = Assert.Single(r.Of<OnlineEvent>());
        Assert.Equal(offline.T + 400, online.T);
        var lost = r.Of<FaultEvent>().Where(e => e.Fault == FaultNames.Offline).ToList();
        Assert.Equal(2, lost.Count);
        Assert.Contains(lost, e => e.Side == "sender" && e.Why == "offline");
        Assert.Contains(lost, e => e.Side == "receiver" && e.Why == "offline");
        Assert.DoesNotContain(r.Of<DeliverEvent>(), e => e.T > offline.T && e.T < online.T);
        Assert.True(r.Converged);
    }

    [Fact]
    public void PlantedRollbackMakesASecondCommitForOneEpochVisibleInTheTrace()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),   // Alice joins (save 1)
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), // Alice commits w+1 (save 2); Bob follows her
            new ScriptOp.Restore(Party.Alice, 1),                   // Alice is rolled back to save 1...
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100)); // ...and commits w+1 again, differently
        var r = fixture.Run(new WorldOptions { Seed = 23, UserScript = script });
        var restore = Assert.Single(r.Of<RestoreEvent>());
        Assert.Equal("alice", restore.Party);
        var forked = r.Of<EpochEvent>().Where(e => e.Party == "alice").GroupBy(e => e.Epoch)
            .Single(g => g.Select(e => e.CommitHash).Distinct().Count() == 2);
        Assert.Equal(restore.Epoch + 1, forked.Key);
        // Bob, who holds the first commit for that epoch, detects the second (signed by Alice's agent of then) as a fork.
        var second = r.Of<SendEvent>().Last(e => e.Party == "alice" && e.Epoch == forked.Key);
        Assert.Equal("RollbackDetected:Fork", r.Trace.Events.OfType<OutcomeEvent>().First(e => e.Datagram == second.Datagram).Name);
        Assert.True(r.Bob.ForksDetected >= 1);
    }

    [Fact]
    public void OpsThatDoNotApplyAreSkippedNotFailed()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Alice),             // Alice has not joined
            new ScriptOp.Restore(Party.Bob, 5),          // deeper than Bob's disk
            new ScriptOp.Crash(Party.Bob, 100), new ScriptOp.Crash(Party.Bob, 100), // the second finds him down
            new ScriptOp.Wait(200), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        var r = fixture.Run(new WorldOptions { Seed = 24, UserScript = script });
        Assert.Equal(3, r.Counts.ScriptOpsSkipped);
        Assert.True(r.Converged);
    }
}
