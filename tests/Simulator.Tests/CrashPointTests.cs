using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// Crash points inside Send and Receive (PAIRMLS.md "Crashes"), done as Akka supervision does: the
/// party actor throws, its supervisor restarts it, the new instance reloads the last persisted state.
/// Persist-before-send must keep every invariant, exactly-once first, at every crash point.
/// </summary>
public sealed class CrashPointTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    /// <summary>Bob and Alice chat; <paramref name="party"/>'s next send (or state-changing receive) after the first exchange crashes at <paramref name="point"/>.</summary>
    private WorldResult Run(Party party, CrashPoint point, LinkFaults? faults = null, ulong seed = 41) => fixture.Run(new WorldOptions
    {
        Seed = seed,
        FaultProfile = Both(faults ?? LinkFaults.None),
        UserScript = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.CrashAt(party, point),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100)),
    });

    private static void AllHold(WorldResult r) => Assert.All(Checkers.Run(r.Trace.Events), v => Assert.True(v.Passed, v.ToString()));

    [Fact]
    public void ACrashBeforeSendPersistsLosesTheDatagramAndTheStateAndNothingBreaks()
    {
        var r = Run(Party.Bob, CrashPoint.SendBeforePersist);
        var crash = Assert.Single(r.Of<CrashEvent>());
        Assert.Equal("send_before_persist", crash.Point);
        var restart = r.Trace.Events.SkipWhile(e => e != crash).Skip(1).First();
        Assert.IsType<RestartEvent>(restart);
        // The crashed send left nothing: of Bob's three sends in the script, two reached the network.
        Assert.Equal(2, r.Safety().OfType<SendEvent>().Count(s => s.Party == "bob"));
        Assert.IsNotType<EpochEvent>(r.Trace.Events.TakeWhile(e => e != crash).Last());
        AllHold(r);
        Assert.True(r.Converged);
    }

    [Fact]
    public void ACrashAfterPersistBeforeTransmitKeepsTheStateButNotTheDatagram()
    {
        var r = Run(Party.Bob, CrashPoint.SendAfterPersist);
        var crash = Assert.Single(r.Of<CrashEvent>());
        Assert.Equal("send_after_persist", crash.Point);
        // Bob's crashed send committed into his next epoch and persisted it: its Epoch event stays, and the restart reloads that epoch.
        var events = r.Trace.Events.ToList();
        int at = events.IndexOf(crash);
        var kept = Assert.IsType<EpochEvent>(events[at - 1]);
        Assert.Equal("bob", kept.Party);
        Assert.Equal(kept.Epoch, Assert.IsType<RestartEvent>(events[at + 1]).Epoch);
        AllHold(r);
        Assert.True(r.Converged);
    }

    [Fact]
    public void ACrashAfterReceiveBeforePersistLosesTheDeliveryAndADuplicateIsDeliveredOnce()
    {
        // Every datagram comes twice: the copy after the crash is the first the restarted party delivers.
        var r = Run(Party.Alice, CrashPoint.ReceiveBeforePersist, new LinkFaults { DuplicateProbability = 1, DuplicateCopies = 1 });
        var crash = Assert.Single(r.Of<CrashEvent>());
        Assert.Equal("receive_before_persist", crash.Point);
        var events = r.Trace.Events.ToList();
        int at = events.IndexOf(crash);
        var deliver = Assert.IsType<DeliverEvent>(events[at - 1]);
        Assert.Equal("alice", deliver.Party);
        // No Outcome answers that delivery: the user saw nothing; its duplicate is Delivered once, afterwards.
        var query = new TraceQuery(events);
        Assert.DoesNotContain(query.Receipts, x => x.Deliver == deliver);
        var later = query.Receipts.Where(x => x.Deliver.Datagram == deliver.Datagram && x.Deliver.Seq > deliver.Seq).Select(x => x.Outcome.Result).ToList();
        Assert.Equal([OutcomeEvent.Delivered], later);
        AllHold(r);
        Assert.True(r.Converged);
    }

    [Fact]
    public void EveryCrashPointOfEitherPartyUnderFaultsKeepsEveryInvariantAndIsDeterministic()
    {
        var faults = new LinkFaults { DropProbability = 0.1, DuplicateProbability = 0.3, DelayMeanMs = 40, ReorderProbability = 0.2 };
        foreach (var party in new[] { Party.Alice, Party.Bob })
            foreach (var point in CrashPoints.All)
            {
                var r = Run(party, point, faults, seed: 43);
                AllHold(r);
                Assert.Equal(r.TraceHash, Run(party, point, faults, seed: 43).TraceHash);
            }
    }

    [Fact]
    public void ADeliveryBeforeTheCrashAndAgainAfterItFailsExactlyOnce()
    {
        // Planted: what a party that handed a payload to its user before persisting would do.
        var r = Run(Party.Alice, CrashPoint.ReceiveBeforePersist, new LinkFaults { DuplicateProbability = 1, DuplicateCopies = 1 });
        var events = r.Trace.Events.ToList();
        var crash = r.Of<CrashEvent>().Single();
        int at = events.IndexOf(crash);
        var deliver = (DeliverEvent)events[at - 1];
        var after = new TraceQuery(events).Receipts.First(x => x.Deliver.Datagram == deliver.Datagram && x.Deliver.Seq > deliver.Seq).Outcome;
        events.Insert(at, after with { Seq = crash.Seq });
        var renumbered = events.Select((e, i) => e with { Seq = i }).ToList();
        var v = new ExactlyOnceChecker().Check(renumbered, CheckContext.FromTrace(renumbered));
        Assert.False(v.Passed);
        Assert.Contains("twice", v.Detail);
    }
}
