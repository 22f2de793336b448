using System.Runtime.Serialization;
using Akka.Actor;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cluster;
using Sim.Scenarios.Reports;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Tests.Cluster;

/// <summary>What crosses the wire between coordinator and workers: messages and a world's row round-trip exactly; bad bytes are refused.</summary>
public sealed class ClusterMessageTests
{
    [Fact]
    public void AWorldsRowRoundTripsWithItsFailedVerdicts()
    {
        // The rollback catalog scenario breaks ForkFreedom: its verdict names the violating event.
        var metrics = WorldMetrics.Of(World.Run(ScenarioCatalog.Named("rollback")!.Scenario.ToWorldOptions()));
        Assert.Contains(metrics.Verdicts, v => !v.Passed && v.FirstViolation is not null);
        var back = WorldMetricsJson.Decode(WorldMetricsJson.Encode(metrics));
        var none = Array.Empty<Verdict>();
        Assert.Equal(metrics with { Verdicts = none }, back with { Verdicts = none });
        Assert.Equal(metrics.Verdicts.Select(v => v.ToString()), back.Verdicts.Select(v => v.ToString()));
        Assert.Equal(metrics.Verdicts.Select(v => v.FirstViolation is { } e ? TraceJson.ToLine(e) : null), back.Verdicts.Select(v => v.FirstViolation is { } e ? TraceJson.ToLine(e) : null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("{\"Seed\":\"x\"}")]
    public void ABadRowIsAFormatException(string json) => Assert.Throws<FormatException>(() => WorldMetricsJson.Decode(json));

    [Fact]
    public void MessagesRoundTripAndBadBytesAreRefused()
    {
        using var system = ActorSystem.Create("cluster-message-test");
        var serializer = new ClusterSerializer((ExtendedActorSystem)system);
        IClusterMessage[] messages = [new WorkerHello(), new WorkerReady(3), new WorkItem(7, ClusterJobs.SweepWorld, "seed=1 send(bob,32)"), new WorkDone(7, "{}"), new WorkFailed(7, "boom")];
        foreach (var m in messages)
            Assert.Equal(m, serializer.FromBinary(serializer.ToBinary(m), serializer.Manifest(m)));
        Assert.Throws<SerializationException>(() => serializer.FromBinary("{"u8.ToArray(), "item"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary("{\"Index\":1}"u8.ToArray(), "item"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "System.String"));
    }

    [Fact]
    public void AnUnknownJobKindFailsTheItemNotTheWorker()
    {
        using var system = ActorSystem.Create("cluster-job-test");
        var e = Assert.Throws<ArgumentException>(() => ClusterJobs.RunAsync("mine-bitcoin", "", system).GetAwaiter().GetResult());
        Assert.Contains("mine-bitcoin", e.Message, StringComparison.Ordinal);
    }
}
