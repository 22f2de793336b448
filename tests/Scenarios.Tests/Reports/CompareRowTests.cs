using System.Security.Cryptography;
using Sim.Scenarios.Reports;
using Sim.Simulator;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>
/// One world of `pairsim compare` as a unit: the grid's worlds, a world's row and its JSON (what a
/// cluster worker sends back), bad input refused, and the CPU share each world is charged.
/// </summary>
public sealed class CompareRowTests
{
    [Fact]
    public void AGridIsEveryStrategyTimesEveryPointAndTheParityWorlds()
    {
        var grid = new CompareGrid { Strategies = ["pairmls", "statickeys"], RetentionWindows = [0], Faults = [CompareFaults.Drop, CompareFaults.Partition], DropProbabilities = [0, 0.2], OfflineMs = [500], WorldsPerPoint = 2, ParityWorlds = 3 };
        var worlds = CompareWorld.Of(grid);
        // 3 strategies (pairmls-R0 from the R axis) × (2 profiles × 2 drops + 1 offline time) × 2 seeds, and the parity worlds.
        Assert.Equal(3 * (2 * 2 + 1) * 2 + 2 * 3, worlds.Count);
        Assert.Equal(["pairmls", "statickeys", "pairmls-R0"], worlds.Select(w => w.Strategy).Distinct().Take(3));
        Assert.Equal(2 * 2 * 2, worlds.Count(w => w.Strategy == "pairmls-R0" && w.Workload == CompareWorld.Chat));
        Assert.All(worlds.Where(w => w.Faults == CompareFaults.Partition), w => Assert.NotEmpty(w.ToWorldOptions().FaultProfile.Partitions));
        Assert.Equal(worlds.Count, worlds.Distinct().Count()); // no world twice
        Assert.All(worlds, w => Assert.Equal(w, CompareWorld.FromJson(w.ToJson())));
    }

    [Fact]
    public async Task AChatWorldsRowRoundTripsAndCarriesTheTheftAndTheDatagrams()
    {
        var world = new CompareWorld(CompareWorld.Chat, "pairmls", new CompareGrid().WorldSeed(0)) { Drop = 0, Messages = 16 };
        var system = SimulatorActorSystem.Create("compare-row-test");
        try
        {
            var row = await Compare.RunWorldAsync(world, system);
            Assert.Equal(world, row.World);
            Assert.True(row.Sent >= 16 && row.Delivered > 0 && row.Delivered <= row.Sent, $"{row.Delivered}/{row.Sent} delivered at drop 0");
            Assert.True(row.Datagrams > 0 && row.Sizes.Sum(s => s.Edits + s.Others) == row.Datagrams);
            Assert.True(row.Healed, "PairMLS locks the thief out");
            var back = CompareRow.FromJson(row.ToJson());
            Assert.Equal(row.ToJson(), back.ToJson());
            Assert.True(row.SameFigures(back));
            // The comparison the cluster test relies on can fail: another figure, or another size histogram.
            Assert.False(row.SameFigures(back with { Sent = back.Sent + 1 }));
            Assert.False(row.SameFigures(back with { Sizes = [.. back.Sizes.Skip(1)] }));
            Assert.True(row.SameFigures(back with { CpuMicros = back.CpuMicros + 1 }));
            // The same world run again gives the same figures (the CPU aside).
            Assert.True(row.SameFigures(await Compare.RunWorldAsync(world, system)));
        }
        finally { await system.Terminate(); }
    }

    [Fact]
    public async Task UndeliveredArrivalsAreCountedByCauseEpochNotReachedForTheSelfCommitBaselineExpiredForPairMlsAtR0()
    {
        var seed = new CompareGrid().WorldSeed(0);
        var system = SimulatorActorSystem.Create("compare-row-causes");
        try
        {
            // Self-commit sends its commit and its message apart: a message that overtakes its commit is refused for an epoch not reached.
            var self = await Compare.RunWorldAsync(new CompareWorld(CompareWorld.Chat, "selfcommit", seed) { Drop = 0 }, system);
            Assert.True(self.Delivered < self.Sent && self.EpochNotReached > 0, $"{self.Delivered}/{self.Sent} delivered, {self.EpochNotReached} epoch not reached");
            // PairMLS staples the commit: none refused so; at R = 0 a datagram held back past the peer's commit is Expired.
            var r0 = await Compare.RunWorldAsync(new CompareWorld(CompareWorld.Chat, "pairmls-R0", seed) { Faults = CompareFaults.Reorder, Drop = 0 }, system);
            Assert.True(r0.Expired > 0 && r0.EpochNotReached == 0, $"R = 0: {r0.Expired} expired, {r0.EpochNotReached} epoch not reached");
        }
        finally { await system.Terminate(); }
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"workload\":\"mine\",\"strategy\":\"pairmls\",\"seed\":1}")]
    [InlineData("{\"workload\":\"chat\",\"strategy\":\"nope\",\"seed\":1}")]
    [InlineData("{\"workload\":\"chat\",\"strategy\":\"pairmls\",\"seed\":1,\"drop\":1.5}")]
    [InlineData("{\"workload\":\"chat\",\"strategy\":\"pairmls\",\"seed\":1,\"messages\":3}")]
    [InlineData("{\"workload\":\"edit\",\"strategy\":\"pairmls\",\"seed\":-1}")]
    [InlineData("{\"workload\":\"chat\",\"strategy\":\"pairmls\",\"seed\":1,\"faults\":\"flood\"}")]
    [InlineData("{\"workload\":\"chat\",\"strategy\":\"pairmls-R99\",\"seed\":1}")]
    public void ABadWorldIsAFormatException(string json)
    {
        Assert.Throws<FormatException>(() => CompareWorld.FromJson(json));
        Assert.Throws<FormatException>(() => CompareRow.FromJson($"{{\"world\":{(json.Length == 0 ? "null" : json)},\"trace_hash\":\"x\"}}"));
    }

    [Fact]
    public void OverlappingWorldsShareTheProcessCpuBetweenThem()
    {
        var cpu = new CpuShare();
        var before = Environment.CpuUsage.TotalTime;
        long a = cpu.Start();
        Burn();
        long b = cpu.Start();
        Burn();
        double shareA = cpu.Stop(a);
        Burn();
        double shareB = cpu.Stop(b);
        var span = (Environment.CpuUsage.TotalTime - before).TotalMicroseconds;
        Assert.True(shareA > 0 && shareB > 0, $"{shareA} / {shareB} µs");
        Assert.True(shareA + shareB <= span + 1, $"{shareA} + {shareB} µs charged, {span} µs used");
        Assert.Throws<InvalidOperationException>(() => cpu.Stop(a));
    }

    /// <summary>Some tens of ms of CPU work on this thread.</summary>
    private static void Burn()
    {
        var data = new byte[1 << 20];
        for (int i = 0; i < 40; i++) data[i] ^= SHA256.HashData(data)[0];
    }
}
