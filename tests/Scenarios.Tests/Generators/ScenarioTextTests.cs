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
    public void TextThatIsNotAScenarioIsRefusedByName(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Scenario.Parse(text));
        Assert.Contains(expected, e.Message);
    }
}
