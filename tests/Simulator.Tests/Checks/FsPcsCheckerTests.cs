using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Xunit.Abstractions;


namespace Sim.Simulator.Tests.Checks;

/// <summary>
/// The FS/PCS judge on the stolen bytes alone: an honest copy opens nothing consumed before the
/// theft, and key material left in the bytes (planted: an older save of the same party appended to
/// the stolen one, as a store that forgot to overwrite would leave it) is found and named, although
/// the engine's own loader would never look there.
/// </summary>
public sealed class FsPcsCheckerTests(WorldFixture fixture, ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    // Bob writes (t=0) and Alice answers three times in her epoch (t=100, 150, 200): Bob consumes
    // generations 0, 1, 2 of Alice's epoch. Bob's disk is copied at 160 (generation 2 not yet
    // received) and at 400 (all three consumed). Then the round trip that heals a theft at 400: Bob
    // commits (500), Alice commits (600) and writes twice more in that epoch (700, 900); Bob's disk
    // is copied again at 800, between them.
    private WorldResult Run() => fixture.Run(new WorldOptions
    {
        Seed = 31,
        UserScript = new UserScript([
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(50), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(50), new ScriptOp.Send(Party.Alice),
            new ScriptOp.Wait(300), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(200), new ScriptOp.Send(Party.Alice),
            new ScriptOp.Wait(200)]),
        Captures = [new StateCapture(Party.Bob, 160), new StateCapture(Party.Bob, 400), new StateCapture(Party.Bob, 800)],
        KeepDatagrams = true,
    });

    [Fact]
    public void AnHonestCopyOpensNothingConsumedAndTheJudgeHolds()
    {
        var r = Run();
        var verdict = FsPcsChecker.Check(r.Captures[1], r.Datagrams, r.Trace.Events, PairOptions.Default, 31);
        output.WriteLine(verdict.ToString());
        Assert.True(verdict.Passed, verdict.Detail);
        Assert.Contains("opened none of 3 consumed and 2 post-heal datagrams", verdict.Detail);
    }

    [Fact]
    public void KeyMaterialLeftInTheSavedBytesIsFoundWhateverTheEngineSays()
    {
        var r = Run();
        var early = r.Captures[0].State!;
        var late = r.Captures[1];
        var planted = late with { State = [.. late.State!, .. early] };
        var verdict = FsPcsChecker.CheckSavedBytes(planted, r.Datagrams, r.Trace.Events, PairOptions.Default);
        output.WriteLine(verdict.ToString());
        Assert.False(verdict.Passed);
        Assert.StartsWith("forward secrecy: the saved bytes of bob", verdict.Detail);
        // The material it names lies in the planted part, behind the real state.
        int offset = int.Parse(System.Text.RegularExpressions.Regex.Match(verdict.Detail, @"at offset (\d+)").Groups[1].Value);
        Assert.True(offset >= late.State!.Length, $"offset {offset} is inside the real state of {late.State.Length} bytes");

        // The same bytes without the planted older copy hold.
        Assert.True(FsPcsChecker.CheckSavedBytes(late, r.Datagrams, r.Trace.Events, PairOptions.Default).Passed);
    }

    [Fact]
    public void KeysOfEpochsAfterTheHealingRoundTripInTheStolenBytesBreakPostCompromiseSecurity()
    {
        var r = Run();
        var late = r.Captures[1];
        // Planted: bytes of Bob's disk from after the round trip appended to the copy from t=400.
        var planted = late with { State = [.. late.State!, .. r.Captures[2].State!] };
        var verdict = FsPcsChecker.CheckSavedBytes(planted, r.Datagrams, r.Trace.Events, PairOptions.Default);
        output.WriteLine(verdict.ToString());
        Assert.False(verdict.Passed);
        Assert.StartsWith("post-compromise security: the saved bytes of bob from t=400ms open datagram", verdict.Detail);
    }
}
