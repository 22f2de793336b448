using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using Xunit.Abstractions;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// docs/RECOVERY.md in worlds: a party restored from an older save inside a running world (a
/// rollback) is detected (a RollbackDetected outcome in the trace, or a Resynced one at the party
/// that fell behind), and after faults stop the two converge within the Liveness bound; every
/// checker, Liveness included, passes on the trace alone. Nothing a party sent on its abandoned
/// branch is Delivered after the recovery; the messages lost are counted (and printed).
/// </summary>
public sealed class RollbackRecoveryWorldTests(WorldFixture fixture, ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    private static readonly ScriptOp[] Start =
    [
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
    ];

    private WorldResult RunJudged(ulong seed, FaultProfile faults, params ScriptOp[] ops)
    {
        var r = fixture.Run(new WorldOptions { Seed = seed, FaultProfile = faults, UserScript = new UserScript([.. Start, .. ops]) });
        var verdicts = Checkers.Run(r.Trace.Events);
        foreach (var v in verdicts) output.WriteLine($"seed {seed}: {v}");
        Assert.All(verdicts, v => Assert.True(v.Passed, v.ToString()));
        Assert.True(r.Converged, "the world did not converge");
        return r;
    }

    /// <summary>Detected, recovered, nothing of the abandoned branch delivered after; returns the messages the rollback lost.</summary>
    private int AssertRecovered(WorldResult r, string rolledBack)
    {
        string peer = rolledBack == "alice" ? "bob" : "alice";
        var events = r.Trace.Events;
        var restore = r.Of<RestoreEvent>().First(e => e.Party == rolledBack);
        Assert.Contains(r.Of<OutcomeEvent>(), o => o.Seq > restore.Seq && (o.Result == OutcomeEvent.RollbackDetected || o.Result == OutcomeEvent.Resynced));
        var resynced = r.Outcomes(rolledBack).FirstOrDefault(o => o.Seq > restore.Seq && o.Result == OutcomeEvent.Resynced);
        var abandoned = r.Of<SendEvent>().Where(s => s.Party == rolledBack && s.Seq > restore.Seq && (resynced is null || s.Seq < resynced.Seq))
            .Select(s => s.Datagram).ToHashSet();
        if (resynced is not null)
        {
            // After the peer delivered the first datagram of the rejoined party, nothing it sent on the abandoned branch is delivered.
            var rejoined = r.Of<SendEvent>().Where(s => s.Party == rolledBack && s.Seq > resynced.Seq).Select(s => s.Datagram).ToHashSet();
            var back = r.Outcomes(peer).First(o => o.IsDelivered && rejoined.Contains(o.Datagram));
            Assert.DoesNotContain(r.Outcomes(peer), o => o.Seq > back.Seq && o.IsDelivered && abandoned.Contains(o.Datagram));
        }
        var sent = r.Of<SendEvent>().Where(s => s.Seq > restore.Seq).ToList();
        var delivered = r.Of<OutcomeEvent>().Where(o => o.IsDelivered).Select(o => o.Datagram).ToHashSet();
        int lost = sent.Count(s => !delivered.Contains(s.Datagram));
        output.WriteLine($"{rolledBack} rolled back at seq {restore.Seq}: {sent.Count} messages sent after it, {lost} lost; " +
                         $"outcomes: {string.Join(", ", r.Of<OutcomeEvent>().Where(o => o.Seq > restore.Seq && !o.IsDelivered).Select(o => o.Name).GroupBy(n => n).Select(g => $"{g.Key} x{g.Count()}"))}");
        return lost;
    }

    [Fact]
    public void AcrossEpochs_TheForkIsDetectedAndTheRolledBackPartyRejoins()
    {
        // Bob is rolled back to before his last commit and commits that epoch again.
        var r = RunJudged(31, FaultProfile.None,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 2), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        Assert.Contains(r.Outcomes("alice"), o => o.Name == "RollbackDetected:Fork");
        Assert.Contains(r.Outcomes("bob"), o => o.Result == OutcomeEvent.Resynced);
        AssertRecovered(r, "bob");
    }

    [Fact]
    public void IntoItsOwnEpoch_TheLostCardEditIsKept()
    {
        // Alice edits her card, Bob commits it, Alice is restored to before the edit.
        var r = RunJudged(32, FaultProfile.None,
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, 2), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        Assert.Contains(r.Outcomes("alice"), o => o.Result == OutcomeEvent.Resynced);
        Assert.Equal(r.Alice.CardVersion, r.Bob.PeerCardVersion);
        Assert.True(r.Alice.CardVersion >= 2, $"Alice's card version {r.Alice.CardVersion}: the edit Bob committed was lost");
        AssertRecovered(r, "alice");
    }

    [Fact]
    public void ARollbackDuringAPartition_RecoversAfterItHeals()
    {
        var faults = FaultProfile.None with { Partitions = [new Partition(900, 1800)] };
        var r = RunJudged(33, faults,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(200),
            new ScriptOp.Restore(Party.Bob, 3), new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(300),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(600));
        AssertRecovered(r, "bob");
    }

    [Fact]
    public void ASecondRollbackDuringRecovery_RestartsIt()
    {
        var r = RunJudged(34, FaultProfile.None,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 2), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 2), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100));
        Assert.Equal(2, r.Of<RestoreEvent>().Count(e => e.Party == "bob"));
        AssertRecovered(r, "bob");
    }

    [Fact]
    public void BothRolledBackToDifferentPoints_Converge()
    {
        var r = RunJudged(35, Both(new LinkFaults { DelayMeanMs = 40, ReorderProbability = 0.2 }),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, 4), new ScriptOp.Restore(Party.Bob, 1), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        AssertRecovered(r, "alice");
    }

    [Fact]
    public void WithinAnEpoch_TheReusedGenerationIsDetected_AndTheNextCommitLetsTheRolledBackPartyFollow()
    {
        // Bob sends three datagrams in his epoch, is restored to after the second and sends the third generation again.
        var r = RunJudged(36, FaultProfile.None,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 1), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        Assert.Contains(r.Outcomes("alice"), o => o.Name == "RollbackDetected:GenerationReused");
        AssertRecovered(r, "bob");
    }

    [Fact]
    public void ASecondRollbackOfTheOfferingParty_ToBeforeItsCommitIntoTheOfferedEpoch_IsDetectedByTheRejoinedParty()
    {
        // Bob forks (restored to before his commit), Alice offers, Bob rejoins; then Alice is restored to before her
        // Commit into the epoch she offered (her saves: Bob's commit received, her commit, the fork received, the offer).
        var r = RunJudged(37, FaultProfile.None,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 2), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, 3), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100));
        Assert.Contains(r.Outcomes("bob"), o => o.Result == OutcomeEvent.Resynced);
        var aliceRestore = r.Of<RestoreEvent>().Single(e => e.Party == "alice");
        Assert.Contains(r.Outcomes("bob"), o => o.Seq > aliceRestore.Seq && o.Name == "RollbackDetected:Fork");
        AssertRecovered(r, "alice");
    }

    [Theory]
    [InlineData(39ul, false)]
    [InlineData(40ul, true)]
    public void TheRestoredPartyIsTheSecondSender_TheOffersPayloadReachesIt_AndTheyConvergeWithinTwoRoundTrips(ulong seed, bool byEpoch)
    {
        // The gate's finding (docs/RECOVERY.md "The offer's payload"): Alice, the second sender of each liveness round, is
        // restored with no datagram of hers sent before faults stop. Bob's first probe datagram cannot reach her copy, her
        // request makes Bob offer, and the offer's payload, sealed to her proposal's key, is Delivered with her resync.
        var r = RunJudged(seed, FaultProfile.None,
            byEpoch ? new ScriptOp.RestoreEpoch(Party.Alice, 1) : new ScriptOp.Restore(Party.Alice, -2));
        var restore = r.Of<RestoreEvent>().Single(e => e.Party == "alice");
        var resynced = Assert.Single(r.Outcomes("alice"), o => o.Seq > restore.Seq && o.Result == OutcomeEvent.Resynced);
        Assert.True(resynced.IsDelivered, $"the offer's payload was not delivered with the resync: {resynced}");
        var sent = new TraceQuery(r.Trace.Events).Sends[resynced.Datagram!];
        Assert.Equal(sent.PayloadId, resynced.PayloadId);
        Assert.Equal(sent.PayloadHash, resynced.PayloadHash);
        var liveness = Checkers.Run(r.Trace.Events).Single(v => v.Name == "Liveness");
        Assert.Contains("within 2 round trip", liveness.Detail);
        AssertRecovered(r, "alice");
    }

    [Theory]
    [InlineData(1764084174ul, 0, 4)]
    [InlineData(41ul, 2, 8)]
    public void TheAcceptorRestoredIntoTheWelcomeEpoch_AfterTheInviteeDeletedTheInitKey_IsDetectedAndRecovers(ulong seed, int r, int sends)
    {
        // The gate's last finding (docs/RECOVERY.md "The acceptor restored into w"): Bob restored to his first save (in w)
        // after Alice moved more than R + 2 epochs on and deleted the invitation's init key. His requests are dual-sealed:
        // Alice opens them with the header key of w + 1, recognises them (Expired) and offers; Bob rejoins.
        var ops = new List<ScriptOp>();
        for (int i = 0; i < sends; i++) ops.AddRange([new ScriptOp.Send(i % 2 == 0 ? Party.Bob : Party.Alice), new ScriptOp.Wait(18)]);
        ops[^1] = new ScriptOp.Restore(Party.Bob, -1);
        var result = fixture.Run(new WorldOptions { Seed = seed, RetentionWindow = r, FaultProfile = FaultProfile.None, UserScript = new UserScript(ops) });
        var verdicts = Checkers.Run(result.Trace.Events);
        foreach (var v in verdicts) output.WriteLine($"seed {seed}: {v}");
        Assert.All(verdicts, v => Assert.True(v.Passed, v.ToString()));
        Assert.True(result.Converged, "the world did not converge");
        var restore = result.Of<RestoreEvent>().Single(e => e.Party == "bob");
        Assert.Contains(result.Outcomes("alice"), o => o.Seq > restore.Seq && o.Result == OutcomeEvent.Expired);
        Assert.Contains(result.Outcomes("bob"), o => o.Seq > restore.Seq && o.Result == OutcomeEvent.Resynced);
        Assert.Contains("within 2 round trip", verdicts.Single(v => v.Name == "Liveness").Detail);
        AssertRecovered(result, "bob");
    }

    [Fact]
    public void ARestoreToBeforeTheInviteesAgentRollover_IsExemptFromLiveness_AndSaysWhy()
    {
        // Alice (the invitee) rolls over her invitation agent in her first Commit; restored to the state she joined with,
        // her copy holds only the invitation agent, which Bob no longer accepts: unrecoverable by design (docs/RECOVERY.md).
        var r = fixture.Run(new WorldOptions
        {
            Seed = 38, FaultProfile = FaultProfile.None,
            UserScript = new UserScript([
                new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
                new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Restore(Party.Alice, 2), new ScriptOp.Wait(100),
                new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100)]),
        });
        var verdicts = Checkers.Run(r.Trace.Events);
        foreach (var v in verdicts) output.WriteLine(v.ToString());
        output.WriteLine(string.Join(", ", r.Of<OutcomeEvent>().Where(o => !o.IsDelivered).Select(o => $"{o.Party}: {o.Name}")));
        var liveness = verdicts.Single(v => v.Name == "Liveness");
        Assert.True(liveness.Exempt, liveness.ToString());
        Assert.Contains("alice was restored", liveness.Detail);
        Assert.False(r.Converged);
        var found = Assert.Single(RollbackPastRollover.In(new TraceQuery(r.Trace.Events)));
        Assert.Equal("alice", found.Party);
    }
}
