using Sim.Engine.Crypto;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Simulator.Tests;

/// <summary>The network actor on its own, driven by a TestProbe: each fault setting schedules what it says.</summary>
public sealed class NetworkActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly byte[] Datagram = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    private NetworkActor.Transmitted Transmit(FaultProfile profile, params long[] times)
    {
        var root = new DeterministicRandomSource(7, "network-actor-tests");
        var network = Sys.ActorOf(NetworkActor.Props(profile, root.Derive("faults"), root.Derive("network")));
        var probe = CreateTestProbe();
        NetworkActor.Transmitted last = null!;
        foreach (var t in times)
        {
            network.Tell(new NetworkActor.Transmit(t, LinkDirection.AliceToBob, Datagram), probe.Ref);
            last = probe.ExpectMsg<NetworkActor.Transmitted>(Wait);
        }
        return last;
    }

    [Fact]
    public void DropAllSchedulesNothing()
    {
        var sent = Transmit(FaultProfile.Symmetric(new LinkFaults { DropProbability = 1.0, ReplayProbability = 0 }), 0);
        Assert.Empty(sent.Deliveries);
        Assert.Equal(FaultNames.Drop, Assert.Single(sent.Faults).Fault);
    }

    [Fact]
    public void NoFaultsScheduleOneDeliveryAfterTheMinimumDelay()
    {
        var sent = Transmit(FaultProfile.None, 100);
        var d = Assert.Single(sent.Deliveries);
        Assert.Equal(110, d.AtMs);
        Assert.Equal(Datagram, d.Bytes);
        Assert.Equal(TraceLog.IdOf(Datagram), d.DatagramId);
        Assert.Empty(sent.Faults);
    }

    [Fact]
    public void DuplicateSchedulesTheCopies()
    {
        var sent = Transmit(FaultProfile.Symmetric(new LinkFaults { DuplicateProbability = 1.0, DuplicateCopies = 2 }), 0);
        Assert.Equal(3, sent.Deliveries.Count);
        Assert.All(sent.Deliveries, d => Assert.Equal(Datagram, d.Bytes));
        Assert.Equal(FaultNames.Duplicate, Assert.Single(sent.Faults).Fault);
    }

    [Fact]
    public void PartitionSchedulesNothingUntilItHeals()
    {
        var profile = FaultProfile.None with { Partitions = [new Partition(0, 100, LinkDirection.AliceToBob)] };
        var during = Transmit(profile, 50);
        Assert.Empty(during.Deliveries);
        Assert.Equal(FaultNames.Partition, Assert.Single(during.Faults).Fault);
        Assert.Single(Transmit(profile, 100).Deliveries);
    }

    [Fact]
    public void CorruptionFlipsBitsInTheDeliveredCopy()
    {
        var sent = Transmit(FaultProfile.Symmetric(new LinkFaults { CorruptProbability = 1.0, CorruptBits = 4 }), 0);
        var d = Assert.Single(sent.Deliveries);
        int flipped = Datagram.Zip(d.Bytes, (a, b) => System.Numerics.BitOperations.PopCount((uint)(a ^ b))).Sum();
        Assert.Equal(4, flipped);
        Assert.Equal(TraceLog.IdOf(d.Bytes), Assert.Single(sent.Faults).DeliverId);
    }

    [Fact]
    public void ReplayResendsAnOlderDatagramAndInjectionForgesOne()
    {
        var sent = Transmit(FaultProfile.Symmetric(new LinkFaults { ReplayProbability = 1.0, InjectProbability = 1.0 }), 0, 10);
        Assert.Equal(3, sent.Deliveries.Count); // the datagram, the replay of the first, the forgery
        Assert.Equal([null, FaultNames.Replay, FaultNames.Inject], sent.Deliveries.Select(d => d.Via));
        Assert.Equal(Datagram, sent.Deliveries[1].Bytes);
        Assert.NotEqual(Datagram, sent.Deliveries[2].Bytes);
    }

    [Fact]
    public void ExponentialDelaysReorder()
    {
        var root = new DeterministicRandomSource(8);
        var network = Sys.ActorOf(NetworkActor.Props(FaultProfile.Symmetric(new LinkFaults { DelayMeanMs = 100 }), root.Derive("f"), root.Derive("n")));
        var arrivals = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            network.Tell(new NetworkActor.Transmit(i, LinkDirection.BobToAlice, Datagram), TestActor);
            arrivals.Add(Assert.Single(ExpectMsg<NetworkActor.Transmitted>(Wait).Deliveries).AtMs);
        }
        Assert.All(arrivals.Select((a, i) => a - i), d => Assert.True(d >= 10));
        Assert.NotEqual(arrivals.Order(), arrivals);
    }
}

/// <summary>The network's newer faults, each shown to do what it says (and to be off when off).</summary>
public sealed class NetworkFaultModelTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly byte[] Datagram = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    private List<NetworkActor.Transmitted> Transmit(FaultProfile profile, int count, long gapMs = 10, ForeignDatagrams? foreign = null)
    {
        var root = new DeterministicRandomSource(9, "network-fault-model-tests");
        var network = Sys.ActorOf(NetworkActor.Props(profile, root.Derive("faults"), root.Derive("network")));
        var probe = CreateTestProbe();
        if (foreign is not null)
        {
            network.Tell(new NetworkActor.UseForeign(foreign), probe.Ref);
            probe.ExpectMsg<NetworkActor.ProfileInUse>(Wait);
        }
        var all = new List<NetworkActor.Transmitted>();
        for (int i = 0; i < count; i++)
        {
            var bytes = Datagram.Append((byte)i).ToArray();
            network.Tell(new NetworkActor.Transmit(i * gapMs, LinkDirection.BobToAlice, bytes), probe.Ref);
            all.Add(probe.ExpectMsg<NetworkActor.Transmitted>(Wait));
        }
        return all;
    }

    [Theory]
    [InlineData(HoldOrder.InOrder)]
    [InlineData(HoldOrder.Reversed)]
    [InlineData(HoldOrder.Shuffled)]
    public void HeldDatagramsAreReleasedTogetherInTheChosenOrder(HoldOrder order)
    {
        var profile = FaultProfile.Symmetric(new LinkFaults { HoldProbability = 1.0, HoldMs = 300, HoldOrder = order });
        var sent = Transmit(profile, 8);
        var times = sent.Select(t => Assert.Single(t.Deliveries).AtMs).ToList();
        Assert.All(sent, t => Assert.Equal(FaultNames.Hold, Assert.Single(t.Faults).Fault));
        Assert.All(times, at => Assert.True(at >= 300, $"released at {at}, before the spell ends"));
        if (order == HoldOrder.InOrder) Assert.Equal(times.Order(), times);
        if (order == HoldOrder.Reversed) Assert.Equal(times.OrderDescending(), times);
        if (order == HoldOrder.Shuffled) Assert.NotEqual(times.Order(), times);
        // Off, nothing is held.
        Assert.DoesNotContain(Transmit(FaultProfile.None, 8).SelectMany(t => t.Faults), f => f.Fault == FaultNames.Hold);
    }

    [Theory]
    [InlineData(DelayShape.Uniform)]
    [InlineData(DelayShape.HeavyTailed)]
    [InlineData(DelayShape.Exponential)]
    public void DelayShapesHaveTheirMeanAndTheHeavyTailIsLong(DelayShape shape)
    {
        var f = new LinkFaults { DelayMinMs = 0, DelayMeanMs = 100, DelayShape = shape };
        var random = new DeterministicRandomSource(3, "delays");
        var draws = Enumerable.Range(0, 4000).Select(_ => NetworkActor.Delay(f, random)).ToList();
        Assert.InRange(draws.Average(), 70, 130);
        if (shape == DelayShape.Uniform) Assert.True(draws.Max() <= 200);
        if (shape == DelayShape.HeavyTailed) Assert.True(draws.Max() > 1500, $"max {draws.Max()}: no tail");
    }

    [Fact]
    public void RandomCountsVaryTheCopiesAndFlippedBits()
    {
        var profile = FaultProfile.Symmetric(new LinkFaults { DuplicateProbability = 1.0, DuplicateCopies = 5, CorruptProbability = 1.0, CorruptBits = 6, RandomCounts = true });
        var faults = Transmit(profile, 30).SelectMany(t => t.Faults).ToList();
        Assert.True(faults.Where(e => e.Fault == FaultNames.Duplicate).Select(e => e.Copies).Distinct().Count() > 2);
        Assert.True(faults.Where(e => e.Fault == FaultNames.Corrupt).Select(e => e.Bits).Distinct().Count() > 2);
        Assert.All(faults.Where(e => e.Fault == FaultNames.Duplicate), e => Assert.InRange(e.Copies!.Value, 1, 5));
        var fixedCounts = Transmit(profile with { BobToAlice = profile.BobToAlice with { RandomCounts = false } }, 10).SelectMany(t => t.Faults);
        Assert.All(fixedCounts.Where(e => e.Fault == FaultNames.Duplicate), e => Assert.Equal(5, e.Copies));
    }

    [Fact]
    public void ForeignDatagramsAreInjectedWithTheirSource()
    {
        var foreign = new ForeignDatagrams([[1, 2, 3], [4, 5, 6]], [[7, 8, 9]]);
        var profile = FaultProfile.Symmetric(new LinkFaults { ForeignProbability = 1.0, RivalProbability = 1.0 });
        var faults = Transmit(profile, 4, foreign: foreign).SelectMany(t => t.Faults).ToList();
        Assert.Equal(4, faults.Count(e => e.Why == "third_session"));
        Assert.Equal(4, faults.Count(e => e.Why == "second_acceptor"));
        Assert.All(faults.Where(e => e.Why == "second_acceptor"), e => Assert.Equal(TraceLog.IdOf([7, 8, 9]), e.DeliverId));
        // Without datagrams to inject, nothing is.
        Assert.DoesNotContain(Transmit(profile, 4).SelectMany(t => t.Faults), e => e.Fault == FaultNames.Inject);
    }
}
