using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// docs/RECOVERY.md "Detection" and "Within the current epoch", as fixed worlds beside the generated ones: bob is
/// restored to the save before his second datagram of his epoch (a card edit, so that datagram carried a second
/// update proposal) and sends that generation again. Alice delivered the first one, so she sees the generation come
/// again with another reuse_guard: RollbackDetected:GenerationReused, in her current epoch (she drops bob's cached
/// proposals: her next Commit covers none, and bob, who lost one of them, follows it at once) or, when her own
/// Commit already left that epoch, in a past one (she offers a resync, which bob takes). The generated worlds roll
/// back within an epoch only now and then; these do it in every run. Every checker is asked, IdentityLiveness too
/// (bob's edit erased by his restore is exempt; one alice's Commit took before it is judged).
/// </summary>
public sealed class WithinEpochRollbackTests(ITestOutputHelper output)
{
    private const string Prefix = "seed=9 r=2 suite=1 send(bob,32) wait(100) send(alice,32) wait(100) send(bob,32) edit(bob,32) wait(100) ";
    private const string After = " send(bob,32) wait(100) send(alice,32) wait(100) send(bob,32) wait(100)";

    private (TraceQuery Trace, List<Receipt> Alice, List<Receipt> Bob) Run(string script, string faults = "")
    {
        var (result, trace, _) = JudgedWorld.Run(Scenario.Parse(Prefix.Replace("suite=1 ", "suite=1 " + faults) + script + After), output);
        Assert.True(result.Converged);
        return (trace, trace.Receipts.Where(r => r.Outcome.Party == "alice").ToList(), trace.Receipts.Where(r => r.Outcome.Party == "bob").ToList());
    }

    [Fact]
    public void AGenerationReusedInTheCurrentEpochIsDetected_AndTheNextCommitCoversNoProposalTheRestoredPartyLost()
    {
        var (trace, alice, bob) = Run("restore(bob,1)");
        var restore = trace.Events.OfType<RestoreEvent>().Single();
        var detected = Assert.Single(alice, r => r.Outcome.Name == "RollbackDetected:GenerationReused");
        Assert.Equal(restore.Epoch, detected.Outcome.Epoch);
        Assert.DoesNotContain(trace.Events.TakeWhile(e => e.Seq < detected.Outcome.Seq), e => e is EpochEvent { Party: "alice" } ep && ep.Epoch > restore.Epoch);
        // Bob follows alice's next Commit as it is: it covers no proposal of his epoch, so none he lost.
        Assert.DoesNotContain(bob, r => r.Outcome.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced or OutcomeEvent.Rejected);
        Assert.All(bob, r => Assert.Equal(OutcomeEvent.Delivered, r.Outcome.Result));
    }

    [Fact]
    public void AGenerationReusedInAPastEpochIsDetected_AndTheDetectorsOfferIsTaken()
    {
        // Alice commits out of bob's epoch before his copy, restored to before the edit, sends its generation 1 again.
        var (trace, alice, bob) = Run("send(alice,32) restore(bob,1)");
        var restore = trace.Events.OfType<RestoreEvent>().Single();
        var detected = Assert.Single(alice, r => r.Outcome.Name == "RollbackDetected:GenerationReused");
        Assert.Equal(restore.Epoch, detected.Outcome.Epoch);
        Assert.Contains(trace.Events.TakeWhile(e => e.Seq < detected.Outcome.Seq), e => e is EpochEvent { Party: "alice" } ep && ep.Epoch == restore.Epoch + 1);
        // Alice's Commit took the edit's proposal, which bob's copy no longer holds: he asks, she offers, he rejoins.
        Assert.Contains(bob, r => r.Outcome.Name == "RollbackDetected:UnknownOwnProposal" && r.Outcome.Epoch == restore.Epoch + 1);
        Assert.Contains(bob, r => r.Outcome.Result == OutcomeEvent.Resynced);
        // The detection says she offers, and her next datagram is an offer envelope (read from its bytes; Recovery judges it).
        Assert.True(detected.Outcome.Offered);
        Assert.Equal("offer", trace.Events.OfType<SendEvent>().First(s => s.Party == "alice" && s.Seq > detected.Outcome.Seq).Envelope);
    }

    [Fact]
    public void APreRestoreDatagramArrivingAfterTheDetectionBringsNoLostProposalBack()
    {
        // bob's third datagram (sent after the edit, carrying its proposal and evidence) is delayed 60 ms; he is then
        // restored to before the edit and sends its generation again. Alice detects the reuse first, then Delivers the
        // late datagram: she no longer takes bob's proposals of that epoch (docs/RECOVERY.md "Within an epoch"), so her
        // next Commit covers none, and bob, who lost the edit's proposal, follows it at once.
        var (trace, alice, bob) = Run("send(bob,32) wait(5) restore(bob,2)", "win=300..302:ba:delay:60 ");
        var restore = trace.Events.OfType<RestoreEvent>().Single();
        var detected = Assert.Single(alice, r => r.Outcome.Name == "RollbackDetected:GenerationReused");
        var late = trace.Events.OfType<SendEvent>().Last(s => s.Party == "bob" && s.Seq < restore.Seq);
        var lateReceipt = Assert.Single(alice, r => r.Deliver.Datagram == late.Datagram);
        Assert.True(lateReceipt.Outcome.Seq > detected.Outcome.Seq, "the pre-restore datagram must arrive after the detection");
        Assert.Equal(OutcomeEvent.Delivered, lateReceipt.Outcome.Result);
        Assert.DoesNotContain(bob, r => r.Outcome.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced or OutcomeEvent.Rejected);
    }
}

