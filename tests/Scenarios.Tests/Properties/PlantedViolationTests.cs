using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// The properties can fail: a planted rollback to before the invitee's agent rollover, which cannot
/// recover by design (docs/RECOVERY.md), is caught by Convergence (and shrunk, with a replay command
/// that reproduces it exactly) while Liveness reports it exempt; and a rollback under the FS/PCS
/// attacker's feet re-installs keys the party had deleted, which the FS/PCS judge reports.
/// </summary>
public sealed class PlantedViolationTests(ITestOutputHelper output)
{
    private static CheckOptions Options => new() { ShrinkBudget = 60 };

    [Fact]
    public async Task APlantedRollbackIsCaughtByConvergenceAndShrunk_AndLivenessSaysItIsExempt()
    {
        var rollback = ScenarioCatalog.Named("rollback")!.Scenario with
        {
            // Padding that shrinking must remove: more traffic and a lossy window.
            Script = [.. ScenarioCatalog.Named("rollback")!.Scenario.Script, new ScriptOp.Wait(300), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(200), new ScriptOp.Send(Party.Alice)],
        };
        var p = Invariants.Convergence;
        var outcome = await PropertyRunner.EvaluateAsync(p, rollback, null, Options.Timeout);
        Assert.Equal(CaseStatus.Violated, outcome.Status);
        // The same world is exempt from Liveness, and says so: the restored copy predates Alice's agent rollover.
        var live = await PropertyRunner.EvaluateAsync(Invariants.Liveness, rollback, null, Options.Timeout);
        Assert.Equal(CaseStatus.Held, live.Status);
        Assert.Contains("exempt", live.Detail);
        Assert.Contains(Simulator.Trace.TraceCoverage.RollbackPastAgentRollover, live.Coverage);

        var shrunk = await PropertyRunner.ShrinkAsync(p, new CaseResult(p.Name, 0, 0, rollback, outcome), null, Options);
        var message = shrunk.FailureMessage();
        output.WriteLine(message);
        Assert.NotNull(shrunk.Shrunk);
        Assert.True(shrunk.Shrunk!.Script.Count < rollback.Script.Count);
        Assert.Contains(shrunk.Shrunk.Script, o => o is ScriptOp.Restore);
        Assert.Contains($"scenario: {shrunk.Shrunk.Format()}", message);
        Assert.Contains($"seed: {shrunk.Shrunk.Seed}", message);
        Assert.Contains($"replay: pairsim replay --scenario \"{shrunk.Shrunk.Format()}\" --property Convergence", message);

        // The replay command's scenario reproduces the shrunk failure exactly.
        var again = await PropertyRunner.EvaluateAsync(p, Scenario.Parse(shrunk.Shrunk.Format()), null, Options.Timeout);
        Assert.Equal(CaseStatus.Violated, again.Status);
        Assert.Equal(shrunk.ShrunkOutcome!.TraceHash, again.TraceHash);
    }

    [Fact]
    public async Task WithoutARollbackTheSameScriptHasNoFork()
    {
        var rollback = ScenarioCatalog.Named("rollback")!.Scenario;
        var honest = rollback with { Script = rollback.Script.Where(o => o is not ScriptOp.Restore).ToList() };
        Assert.Equal(CaseStatus.Held, (await PropertyRunner.EvaluateAsync(Invariants.ForkFreedom, honest, null, Options.Timeout)).Status);
    }

    [Fact]
    public async Task TheStolenStateReadsOnlyWhatPcsAllows()
    {
        var stolen = ScenarioCatalog.Named("stolen")!.Scenario;
        var outcome = await PropertyRunner.EvaluateAsync(Invariants.FsPcs, stolen, null, Options.Timeout);
        output.WriteLine(outcome.Detail);
        Assert.Equal(CaseStatus.Held, outcome.Status);
        Assert.Contains("healed from epoch", outcome.Detail);
    }

    [Fact]
    public async Task ARollbackBeforeTheTheftHandsTheAttackerDeletedKeys()
    {
        // Alice delivers Bob's first messages, is then rolled back to her first save (from the oldest
        // end: depth -1) and the thief copies that older state: it still holds the keys of messages
        // Alice had delivered, so the FS judge must object. This is why FS/PCS generates no restore.
        var s = new Scenario(11, Sim.Simulator.Network.FaultProfile.None,
        [
            new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Restore(Party.Alice, -1), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
        ]) { Capture = new StateCapture(Party.Alice, 150) };
        var outcome = await PropertyRunner.EvaluateAsync(Invariants.FsPcs, s, null, Options.Timeout);
        output.WriteLine(outcome.Detail);
        Assert.Equal(CaseStatus.Violated, outcome.Status);
        Assert.StartsWith("forward secrecy", outcome.Detail);
    }

    [Fact]
    public async Task CapturingStateChangesNothingInTheWorld()
    {
        var calm = ScenarioCatalog.Named("calm")!.Scenario;
        var plain = World.Run(calm.ToWorldOptions());
        var watched = World.Run((calm with { Capture = new StateCapture(Party.Bob, 450) }).ToWorldOptions());
        // Only the Options line (which names every option, the capture too) differs.
        Assert.Contains("captures=[bob@450] keep_datagrams=true", ((Sim.Simulator.Trace.OptionsEvent)watched.Trace.Events[0]).Line);
        Assert.Equal(plain.Trace.Events.Skip(1), watched.Trace.Events.Skip(1));
        Assert.Empty(plain.Captures);
        Assert.NotNull(Assert.Single(watched.Captures).State);
        Assert.Equal(watched.Counts.DatagramsSent, watched.Datagrams.Count);
    }

    [Fact]
    public async Task AtRetentionZeroAMessageCrossingACommitExpiresSoDecryptabilityAsksForROfAtLeastOne()
    {
        // Found by `pairsim check --cases 250 --seed 99`: Bob sends while Alice's first commit is in
        // flight; at R = 0 Alice, already in the next epoch, keeps no key for his message.
        var crossing = Scenario.Parse("seed=523617646 r=0 suite=1 send(bob,32) wait(12) send(alice,32) send(bob,32)");
        var atZero = await PropertyRunner.EvaluateAsync(Invariants.Decryptability, crossing, null, Options.Timeout);
        output.WriteLine(atZero.Detail);
        Assert.Equal(CaseStatus.Violated, atZero.Status);
        Assert.Equal(CaseStatus.Held, (await PropertyRunner.EvaluateAsync(Invariants.Decryptability, crossing with { RetentionWindow = 1 }, null, Options.Timeout)).Status);
        Assert.Equal(1, Invariants.Decryptability.Options.MinRetentionWindow);
    }
}
