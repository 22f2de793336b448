using FsCheck;
using FsCheck.Fluent;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Tests.Generators;

/// <summary>The one-line scenario text: an exact round trip for every generated scenario, and clear errors for text that is not one.</summary>
public sealed class ScenarioTextTests
{
    [Fact]
    public void ParseOfFormatIsTheSameScenarioForGeneratedScenarios()
    {
        var any = Gen.OneOf(
            ScenarioGen.Scenario(GenOptions.Honest),
            ScenarioGen.Scenario(GenOptions.Honest with { Restore = true, Capture = true }));
        Prop.ForAll(Arb.From(any), s =>
        {
            var text = s.Format();
            var back = Scenario.Parse(text);
            return back.Equals(s) && back.Format() == text && !text.Contains('\n') && !text.Contains('"');
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TheInsiderReadsAndWritesAsAProbability()
    {
        var s = Scenario.Parse("seed=3 ab=insider:0.25 send(bob,32)");
        Assert.Equal(0.25, s.Faults.AliceToBob.InsiderProbability);
        Assert.True(s.Faults.CanInsider);
        Assert.Contains(" ab=insider:0.25 ", s.Format());
        Assert.Equal(s, Scenario.Parse(s.Format()));
        var e = Assert.ThrowsAny<FormatException>(() => Scenario.Parse("seed=3 ab=insider:2 send(bob,32)"));
        Assert.Contains("insider 2", e.Message);

        // Every layer: a flag of the link, written only when set.
        var all = Scenario.Parse("seed=3 ab=insider:1,layers:all send(bob,32)");
        Assert.True(all.Faults.AliceToBob.InsiderEveryLayer);
        Assert.Contains(" ab=insider:1,layers:all ", all.Format());
        Assert.Equal(all, Scenario.Parse(all.Format()));
        Assert.Equal(s, Scenario.Parse("seed=3 ab=insider:0.25,layers:one send(bob,32)"));
        Assert.Contains("layers some is not 'all'", Assert.ThrowsAny<FormatException>(() => Scenario.Parse("seed=3 ab=insider:1,layers:some send(bob,32)")).Message);
    }

    [Fact]
    public void CrashPointsReadAndWriteByName()
    {
        var s = Scenario.Parse("seed=3 crashat(bob,send_after_persist) crashat(alice,receive_before_persist) crashat(bob,send_before_persist)");
        Assert.Equal<ScriptOp>([new ScriptOp.CrashAt(Party.Bob, CrashPoint.SendAfterPersist), new ScriptOp.CrashAt(Party.Alice, CrashPoint.ReceiveBeforePersist),
            new ScriptOp.CrashAt(Party.Bob, CrashPoint.SendBeforePersist)], s.Script);
        Assert.Equal(s, Scenario.Parse(s.Format()));
        var e = Assert.ThrowsAny<FormatException>(() => Scenario.Parse("seed=3 crashat(bob,mid_commit)"));
        Assert.Contains("unknown crash point 'mid_commit'", e.Message);
    }

    [Fact]
    public void RepeatGroupsExpandAndNest()
    {
        var s = Scenario.Parse("seed=4 repeat(2){ send(bob,32) repeat(3){wait(50) send(alice,32)} } restore(bob,1)");
        var inner = new ScriptOp[] { new ScriptOp.Wait(50), new ScriptOp.Send(Party.Alice) };
        ScriptOp[] once = [new ScriptOp.Send(Party.Bob), .. inner, .. inner, .. inner];
        Assert.Equal<ScriptOp>([.. once, .. once, new ScriptOp.Restore(Party.Bob, 1)], s.Script);
        // Sugar: the text written out holds the ops, and reads back as the same scenario.
        Assert.Equal(s, Scenario.Parse(s.Format()));
        Assert.DoesNotContain("repeat", s.Format());
    }

    [Theory]
    [InlineData("seed=4 repeat(0){ send(bob,32) }", "repeat count must be 1..")]
    [InlineData("seed=4 repeat(2){ send(bob,32)", "never closed")]
    [InlineData("seed=4 send(bob,32) }", "closes no repeat")]
    [InlineData("seed=4 repeat(2) send(bob,32)", "followed by { ops }")]
    [InlineData("seed=4 repeat(2){ r=3 send(bob,32) }", "holds only ops")]
    [InlineData("seed=4 repeat(2){ }", "empty")]
    [InlineData("seed=4 repeat(100000){ repeat(100000){ send(bob,32) } }", "more than 1,000,000 ops")]
    public void BadRepeatGroupsAreErrorsThatSayWhy(string text, string why) =>
        Assert.Contains(why, Assert.ThrowsAny<FormatException>(() => Scenario.Parse(text)).Message);

    [Fact]
    public void RestoreByEpochAndWholeHistoryReplayReadAndWrite()
    {
        var s = Scenario.Parse("seed=5 ab=replay:0.5,history:all restoreepoch(alice,1) restoreepoch(bob,-1)");
        Assert.True(s.Faults.AliceToBob.ReplayWholeHistory);
        Assert.True(s.Faults.ReplaysWholeHistory);
        Assert.Equal<ScriptOp>([new ScriptOp.RestoreEpoch(Party.Alice, 1), new ScriptOp.RestoreEpoch(Party.Bob, -1)], s.Script);
        Assert.True(s.HasRestore);
        Assert.Equal(s, Scenario.Parse(s.Format()));
        Assert.Contains("history 7 is not 'all'", Assert.ThrowsAny<FormatException>(() => Scenario.Parse("seed=5 ab=history:7")).Message);
    }

    [Fact]
    public void EveryCatalogScenarioRoundTrips()
    {
        foreach (var e in ScenarioCatalog.All) Assert.Equal(e.Scenario, Scenario.Parse(e.Scenario.Format()));
    }

    [Fact]
    public void AHandWrittenScenarioReadsAsWritten()
    {
        var s = Scenario.Parse("seed=42 r=3 suite=2 capture=bob@1200 ab=drop:0.1,dup:0.25,copies:2 win=0..500:ba:mean:80,reorder:0.3 part=200..900 part=1200..1500:ab " +
                               "send(bob,32) wait(100) edit(alice,8) rollover(bob,1000) offline(alice,300) crash(bob,200) restore(alice,-1)");
        Assert.Equal(42UL, s.Seed);
        Assert.Equal(3, s.RetentionWindow);
        Assert.Equal((ushort)2, s.Suite);
        Assert.Equal(new StateCapture(Party.Bob, 1200), s.Capture);
        Assert.Equal(new LinkFaults { DropProbability = 0.1, DuplicateProbability = 0.25, DuplicateCopies = 2 }, s.Faults.AliceToBob);
        Assert.Equal(LinkFaults.None, s.Faults.BobToAlice);
        Assert.Equal(new FaultWindow(0, 500, LinkDirection.BobToAlice, new LinkFaults { DelayMeanMs = 80, ReorderProbability = 0.3 }), Assert.Single(s.Faults.Windows));
        Assert.Equal([new Partition(200, 900), new Partition(1200, 1500, LinkDirection.AliceToBob)], s.Faults.Partitions);
        Assert.Equal<ScriptOp>(
            [new ScriptOp.Send(Party.Bob, 32), new ScriptOp.Wait(100), new ScriptOp.SendWithCardEdit(Party.Alice, 8), new ScriptOp.RollOverAgent(Party.Bob, 1000),
             new ScriptOp.GoOffline(Party.Alice, 300), new ScriptOp.Crash(Party.Bob, 200), new ScriptOp.Restore(Party.Alice, -1)], s.Script);
    }

    [Fact]
    public void ABurstReadsAndRoundTrips()
    {
        var s = Scenario.Parse("seed=3 burst(bob,1200) burst(alice,5,64)");
        Assert.Equal<ScriptOp>([new ScriptOp.Burst(Party.Bob, 1200), new ScriptOp.Burst(Party.Alice, 5, 64)], s.Script);
        Assert.Equal("seed=3 r=2 suite=1 burst(bob,1200) burst(alice,5,64)", s.Format());
    }

    [Fact]
    public void DefaultsAreLeftOut()
    {
        Assert.Equal("seed=7 r=2 suite=1 send(bob,32)", Scenario.Calm(7, new ScriptOp.Send(Party.Bob)).Format());
    }

    [Theory]
    [InlineData("r=2 send(bob,32)", "no seed")]
    [InlineData("seed=1 colour=red", "unknown setting 'colour'")]
    [InlineData("seed=1 dance(bob,3)", "unknown op 'dance'")]
    [InlineData("seed=1 send(carol,32)", "unknown party 'carol'")]
    [InlineData("seed=1 ab=drop:lots", "ab=drop:lots")]
    [InlineData("seed=1 part=5:ab", "from..to")]
    [InlineData("seed=-1", "seed=-1")]
    [InlineData("seed=1 ab=drop:1.5", "drop 1.5 is not a probability")]
    [InlineData("seed=1 ab=dup:-0.1", "dup -0.1 is not a probability")]
    [InlineData("seed=1 ab=copies:0", "copies 0 is outside 1..64")]
    [InlineData("seed=1 ab=delay:-5", "delay -5 is outside")]
    [InlineData("seed=1 ab=bits:0", "bits 0 is outside")]
    [InlineData("seed=1 r=65", "r (the retention window) 65 is outside 0..64")]
    [InlineData("seed=1 suite=9", "suite 9 is outside 1..7")]
    [InlineData("seed=1 part=900..200", "900..200 ends before it starts")]
    [InlineData("seed=1 part=500..900 part=100..300", "starts before the previous one")]
    [InlineData("seed=1 win=500..900:both:drop:0.1 win=100..300:both:drop:0.1", "starts before the previous one")]
    [InlineData("seed=1 wait(-3)", "wait -3 is outside")]
    [InlineData("seed=1 crash(bob,-1)", "crash down time -1")]
    [InlineData("seed=1 send(bob,4)", "payload size 4 is outside 8..")]
    [InlineData("seed=1 wait(99999999999999999999)", "wait(99999999999999999999)")]
    [InlineData("seed=1 burst(bob,0)", "burst count 0 is outside 1..100000")]
    [InlineData("seed=1 burst(bob,100001)", "burst count 100001")]
    public void TextThatIsNotAScenarioIsRefusedByName(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Scenario.Parse(text));
        Assert.Contains(expected, e.Message);
    }
}
