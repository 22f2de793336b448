using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Simulator.Tests.Checks;

/// <summary>
/// The Recovery checker on real rollback worlds (docs/RECOVERY.md), and on the same traces with one
/// violation planted each: the detection removed, an abandoned-branch datagram Delivered, a payload
/// Delivered twice, the recovery cut off, a card lost, a reused generation answered Duplicate with
/// nobody saying so. Each planted trace fails, naming what broke.
/// </summary>
public sealed class RecoveryCheckerTests(WorldFixture fixture, ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    private static readonly RecoveryChecker Checker = new();

    private static readonly ScriptOp[] Start =
    [
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
    ];

    /// <summary>Bob restored to before his last commit: he forks, Alice detects and offers, Bob rejoins (as RollbackRecoveryWorldTests).</summary>
    private List<TraceEvent> AcrossEpochs() => Run(31,
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
        new ScriptOp.Restore(Party.Bob, 2), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
        new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));

    private List<TraceEvent> Run(ulong seed, params ScriptOp[] ops)
    {
        var r = fixture.Run(new WorldOptions { Seed = seed, FaultProfile = FaultProfile.None, UserScript = new UserScript([.. Start, .. ops]) });
        return [.. r.Trace.Events];
    }

    private Verdict Judge(List<TraceEvent> trace)
    {
        var v = Checker.Check(new TraceQuery(trace), CheckContext.FromTrace(trace));
        output.WriteLine(v.ToString());
        return v;
    }

    private static List<TraceEvent> Replace(List<TraceEvent> trace, Func<TraceEvent, TraceEvent?> change) =>
        trace.Select(change).Where(e => e is not null).Select(e => e!).ToList();

    [Fact]
    public void A_recovered_rollback_passes_and_counts_the_messages_lost()
    {
        var v = Judge(AcrossEpochs());
        Assert.True(v.Passed && !v.Exempt, v.ToString());
        Assert.Matches(@"1 rollback\(s\); \d+ of \d+ messages sent after the first one lost", v.Detail);
        Assert.Contains("recovered within", v.Detail);
    }

    [Fact]
    public void A_world_without_rollback_has_nothing_to_recover()
    {
        var v = Judge(Run(30));
        Assert.True(v.Passed, v.ToString());
        Assert.Contains("no rollback", v.Detail);
    }

    [Fact]
    public void Planted_a_fork_nobody_detects_fails()
    {
        // Every report of the rollback turned into a plain refusal: the fork is in the Epoch events, nobody says so.
        var trace = Replace(AcrossEpochs(), e => e is OutcomeEvent o && (o.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced || o.Name == "Rejected:Fork")
            ? o with { Result = OutcomeEvent.Rejected, Reason = "UnknownEpoch", PayloadId = null, PayloadHash = null }
            : e);
        var v = Judge(trace);
        Assert.False(v.Passed);
        Assert.Contains("made a second commit for epoch", v.Detail);
        Assert.Contains("no party detected it", v.Detail);
    }

    [Fact]
    public void Planted_an_abandoned_branch_datagram_delivered_fails()
    {
        var trace = AcrossEpochs();
        var query = new TraceQuery(trace);
        // Alice's answer to Bob's forked datagram (sent under his second commit) becomes a delivery.
        var fork = trace.OfType<OutcomeEvent>().First(o => o.Party == "alice" && o.Name == "RollbackDetected:Fork");
        var send = query.Sends[query.DeliverOf(fork)!.Datagram!];
        var planted = Replace(trace, e => ReferenceEquals(e, fork)
            ? fork with { Result = OutcomeEvent.Delivered, Reason = null, Detail = null, PayloadId = send.PayloadId, PayloadHash = send.PayloadHash }
            : e);
        var v = Judge(planted);
        Assert.False(v.Passed);
        Assert.Contains("a message of an abandoned branch", v.Detail);
    }

    [Fact]
    public void Planted_a_second_delivery_fails()
    {
        var trace = AcrossEpochs();
        var last = trace.OfType<OutcomeEvent>().Last(o => o.IsDelivered);
        var first = trace.OfType<OutcomeEvent>().First(o => o.IsDelivered && o.Party == last.Party && o.Seq > trace.OfType<RestoreEvent>().First().Seq);
        var planted = Replace(trace, e => ReferenceEquals(e, last) ? last with { PayloadId = first.PayloadId, PayloadHash = first.PayloadHash } : e);
        var v = Judge(planted);
        Assert.False(v.Passed);
        Assert.Contains("twice", v.Detail);
    }

    [Fact]
    public void Planted_a_recovery_that_never_completes_fails()
    {
        // The liveness phase's deliveries all lost: the parties never converge after faults stop.
        var trace = AcrossEpochs();
        long liveness = trace.OfType<PhaseEvent>().Last(p => p.Phase == PhaseEvent.Liveness).Seq;
        var planted = Replace(trace, e => e is OutcomeEvent o && o.Seq > liveness && o.IsDelivered
            ? o with { Result = OutcomeEvent.Expired, PayloadId = null, PayloadHash = null }
            : e);
        var v = Judge(planted);
        Assert.False(v.Passed);
        Assert.Contains("never converged after faults stopped", v.Detail);
    }

    [Fact]
    public void Planted_a_lost_card_fails()
    {
        // Alice edits her card, Bob commits it, Alice is restored to before the edit and recovers it from the offer;
        // planted: her final state says the old version.
        var trace = Run(32,
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, 2), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        Assert.True(Judge(trace).Passed);
        var final = trace.OfType<StateEvent>().Last(s => s.Party == "alice");
        var planted = Replace(trace, e => ReferenceEquals(e, final) ? final with { CardVersion = final.CardVersion - 1 } : e);
        var v = Judge(planted);
        Assert.False(v.Passed);
        Assert.Contains("the recovery lost a card", v.Detail);
    }

    [Fact]
    public void Planted_a_silently_reused_generation_fails()
    {
        // Bob restored within his epoch sends a generation again; Alice's report of it planted away as a Duplicate.
        var trace = Run(36,
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Bob, 1), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100));
        Assert.True(Judge(trace).Passed);
        var planted = Replace(trace, e => e is OutcomeEvent { Result: OutcomeEvent.RollbackDetected } o ? o with { Result = OutcomeEvent.Duplicate, Reason = null, Detail = null } : e);
        var v = Judge(planted);
        Assert.False(v.Passed);
        Assert.Contains("send generations again", v.Detail);
    }
}
