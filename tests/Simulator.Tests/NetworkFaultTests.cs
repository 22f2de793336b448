using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// One world per network fault of PAIRMLS.md "Fault model of the network", each checking that the
/// fault does what it says and that the receiver's outcomes are the ones the rules require. The
/// liveness phase (faults off) must then bring both parties together.
/// </summary>
public sealed class NetworkFaultTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Fact]
    public void DropAllDeliversNothing()
    {
        var r = fixture.Run(new WorldOptions { Seed = 11, FaultProfile = Both(new LinkFaults { DropProbability = 1.0 }), UserScript = Chat() });
        var safety = r.Safety().ToList();
        int sends = safety.OfType<SendEvent>().Count();
        Assert.True(sends > 0);
        Assert.DoesNotContain(safety, e => e.Kind is TraceKind.Deliver or TraceKind.Outcome);
        Assert.Equal(sends, safety.OfType<FaultEvent>().Count(e => e.Fault == FaultNames.Drop));
        // Alice never heard from Bob, so she never joined and never sent.
        Assert.DoesNotContain(safety, e => e.Party == "alice" && e.Kind is TraceKind.Joined or TraceKind.Send);
        Assert.True(r.Converged);
    }

    [Fact]
    public void DuplicateDeliversEachDatagramTwiceAndTheCopyIsDuplicate()
    {
        var r = fixture.Run(new WorldOptions { Seed = 12, FaultProfile = Both(new LinkFaults { DuplicateProbability = 1.0, DuplicateCopies = 1 }), UserScript = Chat() });
        var safety = r.Safety().ToList();
        var sent = safety.OfType<SendEvent>().Select(e => e.Datagram!).ToList();
        Assert.NotEmpty(sent);
        foreach (var id in sent)
        {
            Assert.Equal(2, safety.OfType<DeliverEvent>().Count(e => e.Datagram == id));
            var outcomes = safety.OfType<OutcomeEvent>().Where(e => e.Datagram == id).Select(e => e.Name).ToList();
            Assert.Equal(["Delivered", "Duplicate"], outcomes);
        }
        Assert.True(r.Converged);
    }

    [Fact]
    public void APartitionCutsDatagramsAlreadyInFlightWhenItStarts()
    {
        // Bob's first datagram leaves at 0 with 500 ms of delay; a one-way partition bob->alice starts at 100 while it travels.
        var script = UserScript.Of(new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(1000), new ScriptOp.Send(Party.Bob));
        var slow = new LinkFaults { DelayMinMs = 500 };
        var profile = new FaultProfile { AliceToBob = slow, BobToAlice = slow, Partitions = [new Partition(100, 300, LinkDirection.BobToAlice)] };
        var r = fixture.Run(new WorldOptions { Seed = 31, FaultProfile = profile, UserScript = script });
        var first = r.Of<SendEvent>().First();
        var cut = Assert.Single(r.Of<FaultEvent>(), e => e.Fault == FaultNames.Partition);
        Assert.Equal(first.Datagram, cut.Datagram);
        Assert.Equal("in_flight", cut.Why);
        Assert.Equal(500, cut.T);
        Assert.DoesNotContain(r.Of<DeliverEvent>(), e => e.Datagram == first.Datagram);
        // The later one travels after the partition healed and arrives; the other direction was never cut.
        Assert.Contains(r.Of<OutcomeEvent>(), e => e.Datagram == r.Of<SendEvent>().ElementAt(1).Datagram && e.Name == "Delivered");
        // Without the partition the first one arrives: the cut is the partition's doing.
        var open = fixture.Run(new WorldOptions { Seed = 31, FaultProfile = profile with { Partitions = [] }, UserScript = script });
        Assert.Contains(open.Of<DeliverEvent>(), e => e.Datagram == open.Of<SendEvent>().First().Datagram);
    }

    [Fact]
    public void AThirdSessionsDatagramsAreNeverDelivered()
    {
        var r = fixture.Run(new WorldOptions { Seed = 32, FaultProfile = Both(new LinkFaults { ForeignProbability = 1.0 }), UserScript = Chat() });
        var injected = r.Of<FaultEvent>().Where(e => e.Why == "third_session").Select(e => e.DeliverId).ToHashSet();
        Assert.NotEmpty(injected);
        var outcomes = r.Of<OutcomeEvent>().Where(o => injected.Contains(o.Datagram)).ToList();
        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.Equal("Rejected:NotForThisSession", o.Name));
        Assert.True(Sim.Simulator.Checks.Checkers.Run(r.Trace.Events).Single(v => v.Name == "Integrity").Passed);
    }

    [Fact]
    public void PartitionDeliversNothingAcrossItUntilItHeals()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(300), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(900),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(300), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(300), new ScriptOp.Send(Party.Bob));
        var profile = FaultProfile.None with { Partitions = [new Partition(0, 1000)] };
        var r = fixture.Run(new WorldOptions { Seed = 13, FaultProfile = profile, UserScript = script });
        var safety = r.Safety().ToList();
        var before = safety.OfType<SendEvent>().Where(e => e.T < 1000).ToList();
        var after = safety.OfType<SendEvent>().Where(e => e.T >= 1000).ToList();
        Assert.Equal(2, before.Count);
        Assert.Equal(3, after.Count);
        foreach (var s in before) Assert.Contains(safety.OfType<FaultEvent>(), e => e.Fault == FaultNames.Partition && e.Datagram == s.Datagram);
        Assert.DoesNotContain(safety.OfType<DeliverEvent>(), e => e.T < 1000);
        // Once healed, traffic flows both ways: every later datagram is Delivered.
        foreach (var s in after) Assert.Contains(safety.OfType<OutcomeEvent>(), e => e.Datagram == s.Datagram && e.Name == "Delivered");
        Assert.True(r.Converged);
    }

    [Fact]
    public void CorruptedDatagramsAreRejectedAndNeverDelivered()
    {
        var r = fixture.Run(new WorldOptions { Seed = 14, FaultProfile = Both(new LinkFaults { CorruptProbability = 1.0, CorruptBits = 3 }), UserScript = Chat() });
        var safety = r.Safety().ToList();
        var corrupt = safety.OfType<FaultEvent>().Where(e => e.Fault == FaultNames.Corrupt).ToList();
        Assert.NotEmpty(corrupt);
        var outcomes = safety.OfType<OutcomeEvent>().ToList();
        Assert.Equal(corrupt.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.StartsWith("Rejected:", o.Name));
        var sentIds = r.Of<SendEvent>().Select(e => e.Datagram).ToHashSet();
        // Nothing that was not sent by a party is ever Delivered (in either phase).
        Assert.All(r.Of<OutcomeEvent>().Where(e => e.Name == "Delivered"), o => Assert.Contains(o.Datagram, sentIds));
        Assert.True(r.Converged);
    }

    [Fact]
    public void ReplayedDatagramsAreNeverDeliveredTwice()
    {
        var r = fixture.Run(new WorldOptions { Seed = 15, FaultProfile = Both(new LinkFaults { ReplayProbability = 1.0 }), UserScript = Chat(4) });
        var replays = r.Of<FaultEvent>().Where(e => e.Fault == FaultNames.Replay).ToList();
        Assert.True(replays.Count >= 4);
        var replayed = r.Of<DeliverEvent>().Where(e => e.Via == "replay").ToList();
        Assert.Equal(replays.Count, replayed.Count);
        // Each replayed copy: Duplicate, Expired or Rejected; never a second Delivered of any datagram.
        foreach (var d in replayed)
        {
            var outcome = r.Trace.Events.OfType<OutcomeEvent>().First(e => e.Seq > d.Seq);
            Assert.Equal(d.Datagram, outcome.Datagram);
            Assert.True(outcome.Name is "Duplicate" or "Expired" || outcome.Name.StartsWith("Rejected:"), outcome.Name);
        }
        Assert.All(r.Of<OutcomeEvent>().Where(e => e.Name == "Delivered").GroupBy(e => e.Datagram), g => Assert.Single(g));
        Assert.True(r.Converged);
    }

    [Fact]
    public void InjectedDatagramsAreRejected()
    {
        var r = fixture.Run(new WorldOptions { Seed = 16, FaultProfile = Both(new LinkFaults { InjectProbability = 1.0 }), UserScript = Chat() });
        var injected = r.Of<DeliverEvent>().Where(e => e.Via == "inject").ToList();
        Assert.Equal(r.Counts.Fault(FaultNames.Inject), injected.Count);
        Assert.NotEmpty(injected);
        foreach (var d in injected)
        {
            var outcome = r.Trace.Events.OfType<OutcomeEvent>().First(e => e.Seq > d.Seq);
            Assert.Equal(d.Datagram, outcome.Datagram);
            Assert.StartsWith("Rejected:", outcome.Name);
        }
        // Every honest datagram still gets through.
        Assert.Equal(r.Counts.DatagramsSent, r.Counts.Outcome("Delivered"));
        Assert.True(r.Converged);
    }

    [Fact]
    public void DelayedAndReorderedDatagramsAreStillDeliveredWithinTheWindow()
    {
        var burst = (Party p) => Enumerable.Repeat<ScriptOp>(new ScriptOp.Send(p), 6);
        var script = new UserScript([.. burst(Party.Bob), new ScriptOp.Wait(1500), .. burst(Party.Alice), new ScriptOp.Wait(1500), .. burst(Party.Bob)]);
        var faults = new LinkFaults { DelayMinMs = 5, DelayMeanMs = 80, ReorderProbability = 0.4, ReorderExtraMs = 300 };
        var r = fixture.Run(new WorldOptions { Seed = 17, FaultProfile = Both(faults), UserScript = script });
        var safety = r.Safety().ToList();
        var sendOrder = safety.OfType<SendEvent>().Select(e => e.Datagram!).ToList();
        var arrivalOrder = safety.OfType<DeliverEvent>().Select(e => e.Datagram!).ToList();
        Assert.Equal(sendOrder.Count, arrivalOrder.Count);
        Assert.NotEqual(sendOrder, arrivalOrder); // the network reordered them...
        Assert.Equal(sendOrder.Order(), arrivalOrder.Order());
        // ...and every one was Delivered all the same.
        Assert.Equal(sendOrder.Count, safety.OfType<OutcomeEvent>().Count(e => e.Name == "Delivered"));
        Assert.True(r.Converged);
    }

    [Fact]
    public void OnlyAProfileThatCanReplayMakesTheNetworkRemember()
    {
        Assert.False(FaultProfile.None.CanReplay);
        Assert.False(Both(new LinkFaults { DropProbability = 0.5, DuplicateProbability = 0.5, CorruptProbability = 0.5 }).CanReplay);
        Assert.True((FaultProfile.None with { BobToAlice = new LinkFaults { ReplayProbability = 0.01 } }).CanReplay);
        Assert.True((FaultProfile.None with { Windows = [new FaultWindow(100, 200, LinkDirection.AliceToBob, new LinkFaults { ReplayProbability = 1 })] }).CanReplay);
        // A replay window late in the world replays datagrams sent before it opened: the memory was kept all along.
        var r = fixture.Run(new WorldOptions
        {
            Seed = 16,
            FaultProfile = FaultProfile.None with { Windows = [new FaultWindow(500, 10_000, LinkDirection.Both, new LinkFaults { ReplayProbability = 1 })] },
            UserScript = Chat(4),
        });
        var early = r.Of<SendEvent>().Where(e => e.T < 500).Select(e => e.Datagram).ToHashSet();
        Assert.Contains(r.Of<FaultEvent>(), e => e.Fault == FaultNames.Replay && early.Contains(e.DeliverId!));
        Assert.True(r.Converged);
    }
}
