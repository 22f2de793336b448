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
