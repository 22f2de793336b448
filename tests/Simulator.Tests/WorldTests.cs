using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>The world's phases, identity tracing, trace file and failure reporting.</summary>
public sealed class WorldTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Fact]
    public void SafetyThenLivenessEachClosedByStateEventsOfBothParties()
    {
        var r = fixture.Run(new WorldOptions { Seed = 51, UserScript = WorldKit.Chat(1) });
        var phases = r.Of<PhaseEvent>().Select(e => e.Phase).ToList();
        Assert.Equal(["safety", "liveness"], phases);
        var liveness = r.Of<PhaseEvent>().Last();
        Assert.Equal(r.SafetyPhaseEndMs, liveness.T);
        var states = r.Of<StateEvent>().ToList();
        Assert.Equal(["alice", "bob", "alice", "bob"], states.Select(e => e.Party));
        Assert.All(states.Take(2), s => Assert.True(s.Seq < liveness.Seq));
        Assert.Equal(states[^1].Seq, r.Trace.Events[^1].Seq);
        Assert.Equal(2, r.LivenessRoundTrips);
        Assert.True(r.Converged);
    }

    [Fact]
    public void CardEditsAndRolloversAreCommittedByThePeerAndTraced()
    {
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.RollOverAgent(Party.Bob), new ScriptOp.Wait(100));
        var r = fixture.Run(new WorldOptions { Seed = 52, UserScript = script });
        // Bob's next commit takes Alice's card edit: both sides trace it as committed, version 2.
        Assert.Contains(r.Of<IdentityEvent>(), e => e.Party == "bob" && e.Peer == "alice" && e.CardVersion == 2 && e.Change == "identity");
        Assert.Contains(r.Of<IdentityEvent>(), e => e.Party == "alice" && e.Peer == "alice" && e.CardVersion == 2);
        // Bob's rollover is taken by Alice's next commit (in the liveness phase at the latest).
        var bobAgent = r.Bob.Agent;
        Assert.Contains(r.Of<IdentityEvent>(), e => e.Party == "alice" && e.Peer == "bob" && e.Agent == bobAgent && e.Change == "agent");
        Assert.Equal(2ul, r.Bob.PeerCardVersion);
        Assert.Equal(bobAgent, r.Alice.PeerAgent);
        Assert.NotEqual(r.Of<JoinedEvent>().Single(e => e.Party == "bob").Agent, bobAgent);
        Assert.True(r.Converged);
    }

    [Fact]
    public void TheTraceHoldsNoPayloadOrSecretOnlyIdsAndHashes()
    {
        var r = fixture.Run(DeterminismTests.Busy(53));
        // Every value in the trace is a number, a short hex id/hash, or a word of the vocabulary; nothing long enough to be a key or a payload.
        foreach (var e in r.Trace.Events.Where(e => e.Kind != TraceKind.Options))
        {
            var hashes = e switch
            {
                StateEvent s => new[] { s.EpochAuth, s.TreeHash, s.GroupContextHash, s.CommitHash, s.Agent, s.PeerAgent },
                EpochEvent ep => [ep.CommitHash],
                RestartEvent rs => [rs.CommitHash],
                RestoreEvent ro => [ro.CommitHash],
                JoinedEvent j => [j.Agent],
                IdentityEvent i => [i.Agent],
                FaultEvent f => [f.DeliverId],
                _ => [],
            };
            foreach (var hex in hashes.Append(e.Datagram).OfType<string>())
                Assert.Matches("^[0-9a-f]{16}$", hex);
        }
        // A rejection's detail is the engine's own text: it names fields and numbers, never key bytes (no long hex run).
        Assert.All(r.Of<OutcomeEvent>(), e => Assert.DoesNotMatch("[0-9a-fA-F]{32}", e.Detail ?? ""));
    }

    [Fact]
    public void TheTraceFileIsTheJsonLines()
    {
        var r = fixture.Run(new WorldOptions { Seed = 54, UserScript = WorldKit.Chat(1) });
        string path = Path.Combine(Path.GetTempPath(), $"pairsim-trace-{Guid.NewGuid():N}.jsonl");
        try
        {
            r.Trace.WriteTo(path);
            Assert.Equal(r.Trace.Events, TraceJson.ReadFile(path).ToList());
            Assert.Equal(r.TraceHash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AWorldThatFailsSaysWhichSeedReproducesIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => fixture.Run(new WorldOptions { Seed = 55, Suite = 99 }));
        Assert.Contains("SEED=55 ", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new World(new WorldOptions { PayloadSizeBytes = 4 }));
    }

    [Fact]
    public async Task AWorldRunsOnce()
    {
        var world = new World(new WorldOptions { Seed = 56 }, fixture.System);
        await world.RunAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => world.RunAsync());
    }
}
