using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>Restore by epoch (the newest save at least n epochs back) and replays from the whole history of a link.</summary>
public sealed class RestoreByEpochAndHistoryTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Fact]
    public void RestoreByEpochLoadsTheNewestSaveOfAnOlderEpoch()
    {
        var ops = Chat(rounds: 4).Ops.Append(new ScriptOp.RestoreEpoch(Party.Alice, 2)).Append(new ScriptOp.RestoreEpoch(Party.Bob, -1));
        var r = fixture.Run(new WorldOptions { Seed = 51, UserScript = new UserScript([.. ops]) });
        var restores = r.Of<RestoreEvent>().ToList();
        Assert.Equal(2, restores.Count);
        var alice = restores[0];
        Assert.Equal("alice", alice.Party);
        Assert.Equal(2, alice.EpochsBack);
        // Her newest save was in her last epoch; the state loaded is at least 2 epochs older, and the saves after it are gone.
        var aliceEpochs = r.Trace.Events.TakeWhile(e => e != alice).OfType<EpochEvent>().Where(e => e.Party == "alice").Select(e => e.Epoch!.Value).ToList();
        Assert.True(alice.Epoch <= aliceEpochs.Max() - 2, $"restored to {alice.Epoch}, newest {aliceEpochs.Max()}");
        Assert.True(alice.SavesLost > 0);
        Assert.Equal(alice.SavesLost, alice.Depth);
        // -1: back to the oldest epoch Bob's disk holds (the welcome epoch: his first save was his Accept).
        var bob = restores[1];
        Assert.Equal(r.Of<JoinedEvent>().Single(j => j.Party == "bob").Epoch, bob.Epoch);
    }

    [Fact]
    public void RestoreByEpochOutOfRangeIsANoOp()
    {
        var ops = Chat(rounds: 1).Ops.Append(new ScriptOp.RestoreEpoch(Party.Alice, 50));
        var r = fixture.Run(new WorldOptions { Seed = 52, UserScript = new UserScript([.. ops]) });
        Assert.Empty(r.Of<RestoreEvent>());
        Assert.Equal(1, r.Counts.ScriptOpsSkipped);
    }

    [Fact]
    public void AWholeHistoryReplayReachesFurtherBackThanTheNetworksMemory()
    {
        // 60 sends each way with a replay at every send: an ordinary replay picks among the newest 4 datagrams of the link
        // (NetworkMemory 4 here), a whole-history one among all of them.
        long Oldest(bool whole)
        {
            var r = fixture.Run(new WorldOptions
            {
                Seed = 53,
                NetworkMemory = 4,
                FaultProfile = Both(new LinkFaults { ReplayProbability = 1, ReplayWholeHistory = whole }),
                UserScript = Chat(rounds: 30, gapMs: 20),
            });
            var sends = r.Of<SendEvent>().Select((s, i) => (s.Datagram, i)).GroupBy(x => x.Datagram!).ToDictionary(g => g.Key, g => g.First().i);
            var replays = r.Of<FaultEvent>().Where(f => f.Fault == FaultNames.Replay).ToList();
            Assert.NotEmpty(replays);
            // How many sends back the replayed datagram was, at most.
            return replays.Max(f => sends[f.Datagram!] - sends[f.DeliverId!]);
        }
        Assert.True(Oldest(whole: false) <= 2 * 4 + 2);
        Assert.True(Oldest(whole: true) > 20);
    }
}
