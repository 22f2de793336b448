using FsCheck;
using FsCheck.Fluent;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Tests.Generators;

/// <summary>
/// The generators reach late states (phase bias), respect each property's options, are
/// reproducible from (seed, property, case), and shrink: every candidate is simpler, and FsCheck
/// with <see cref="ScenarioGen.Arbitrary"/> shrinks a planted failure down to its core.
/// </summary>
public sealed class ScenarioGenTests
{
    private static List<Scenario> Sample(GenOptions options, int n = 200) =>
        Enumerable.Range(0, n).Select(i => ScenarioGen.Scenario(options).Sample(PropertyRunner.SizeOf(i), new Rnd((ulong)i + 1), 1)[0]).ToList();

    [Fact]
    public void PhasesReachIdentityWorkCrashesPartitionsAndTamperingInMostScenarios()
    {
        var all = Sample(GenOptions.Honest with { Restore = true });
        double Share(Func<Scenario, bool> f) => all.Count(f) / (double)all.Count;
        Assert.True(Share(s => s.Script.Any(o => o is ScriptOp.SendWithCardEdit)) > 0.4);
        Assert.True(Share(s => s.Script.Any(o => o is ScriptOp.RollOverAgent)) > 0.3);
        Assert.True(Share(s => s.Script.Any(o => o is ScriptOp.Crash or ScriptOp.CrashAt or ScriptOp.GoOffline)) > 0.3);
        Assert.True(Share(s => s.Script.Any(o => o is ScriptOp.Restore or ScriptOp.RestoreEpoch)) > 0.2);
        Assert.True(Share(s => s.Faults.Partitions.Count > 0) > 0.3);
        Assert.True(Share(s => s.Faults.AliceToBob.CorruptProbability > 0 || s.Faults.AliceToBob.InjectProbability > 0 || s.Faults.AliceToBob.ReplayProbability > 0) > 0.2);
        Assert.True(Share(s => s.Faults == FaultProfile.None || Scenario.SameFaults(s.Faults, FaultProfile.None)) > 0.05);
        // Crash points inside Send and Receive, of each kind.
        foreach (var point in CrashPoints.All)
            Assert.True(Share(s => s.Script.Any(o => o is ScriptOp.CrashAt c && c.Point == point)) > 0.03, $"crash point {point}");
        // The insider who holds header keys and re-seals altered copies, in a good share of worlds.
        Assert.True(Share(s => s.Faults.CanInsider) > 0.15);
        Assert.True(Sample(GenOptions.Honest with { Hostile = false }).All(s => !s.Faults.CanInsider));
        // Every script opens with the warm-up: Bob first (Alice joins from his Welcome).
        Assert.All(all, s => Assert.Equal(new ScriptOp.Send(Party.Bob), s.Script[0]));
    }

    [Fact]
    public void HonestGeneratorsMakeNoRollbackAndFsPcsAlwaysHasACapture()
    {
        Assert.All(Sample(GenOptions.Honest), s => Assert.False(s.HasRestore));
        Assert.All(Sample(Invariants.FsPcs.Options, 50), s => Assert.NotNull(s.Capture));
        // Rollbacks where the checker is defined across them, and (since the engine recovers from every rollback
        // the generators make) in the Liveness and Recovery properties.
        string[] withRestore = ["Parity", "Integrity", "ExactlyOnce", .. Invariants.EngineRecovers ? new[] { "Liveness", "Recovery" } : []];
        foreach (var p in Invariants.All)
            Assert.Equal(withRestore.Contains(p.Name), p.Options.Restore);
    }

    [Fact]
    public void ACaseIsTheSameWhateverRunsBesideIt()
    {
        foreach (var p in Invariants.All)
        {
            Assert.Equal(PropertyRunner.Generate(p, 42, 17), PropertyRunner.Generate(p, 42, 17));
            Assert.NotEqual(PropertyRunner.Generate(p, 42, 17), PropertyRunner.Generate(p, 43, 17));
        }
    }

    [Fact]
    public void EveryShrinkCandidateIsSimpler()
    {
        foreach (var s in Sample(GenOptions.Honest with { Restore = true, Capture = true }, 40))
        {
            var candidates = ScenarioShrinker.Shrink(s).ToList();
            Assert.NotEmpty(candidates);
            Assert.All(candidates, c => Assert.True(Weight(c) < Weight(s), $"{c} is not simpler than {s}"));
            Assert.All(candidates, c => Assert.Equal(s.Capture, c.Capture));
        }
    }

    [Fact]
    public void FsCheckShrinksAPlantedFailureToItsCore()
    {
        // Planted: "a rollover while Alice's link drops" fails. The smallest failing scenario keeps one
        // rollover op (payload at most 32 bytes), one small drop probability, and nothing else.
        var arb = ScenarioGen.Arbitrary(GenOptions.Honest);
        var property = Prop.ForAll(arb, s => !(s.Script.Any(o => o is ScriptOp.RollOverAgent) && s.Faults.AliceToBob.DropProbability > 0));
        var e = Assert.ThrowsAny<Exception>(() => property.QuickCheckThrowOnFailure());
        var shrunkLine = e.Message.Split('\n').SkipWhile(l => !l.StartsWith("Shrunk", StringComparison.Ordinal)).Skip(1).First().Trim();
        var shrunk = Scenario.Parse(shrunkLine);
        Assert.True(Assert.IsType<ScriptOp.RollOverAgent>(Assert.Single(shrunk.Script)).PayloadBytes <= 32);
        Assert.Equal(LinkFaults.None with { DropProbability = shrunk.Faults.AliceToBob.DropProbability }, shrunk.Faults.AliceToBob);
        Assert.True(shrunk.Faults.AliceToBob.DropProbability <= 0.01);
        Assert.Equal(LinkFaults.None, shrunk.Faults.BobToAlice);
        Assert.Empty(shrunk.Faults.Windows);
        Assert.Empty(shrunk.Faults.Partitions);
    }

    [Fact]
    public void RestoreDepthShrinksTowardZeroFromEitherEnd()
    {
        Assert.Contains(new ScriptOp.Restore(Party.Alice, 2), ScenarioShrinker.Op(new ScriptOp.Restore(Party.Alice, 4)));
        Assert.Contains(new ScriptOp.Restore(Party.Alice, -1), ScenarioShrinker.Op(new ScriptOp.Restore(Party.Alice, -3)));
        Assert.Empty(ScenarioShrinker.Op(new ScriptOp.Restore(Party.Alice, 0)));
    }

    /// <summary>A measure every shrink step lowers: ops, their sizes and durations, faults, partition lengths.</summary>
    private static double Weight(Scenario s)
    {
        double w = s.Script.Count * 1e9 + s.Script.Sum(o => o switch
        {
            ScriptOp.Wait x => x.DurationMs,
            ScriptOp.Crash x => x.DownMs,
            ScriptOp.GoOffline x => x.DurationMs,
            ScriptOp.Restore x => Math.Abs(x.Depth) * 10.0,
            ScriptOp.RestoreEpoch x => Math.Abs(x.EpochsBack) * 10.0,
            ScriptOp.SendWithCardEdit x => 5000 + x.PayloadBytes,
            ScriptOp.RollOverAgent x => 5000 + x.PayloadBytes,
            ScriptOp.Send x => x.PayloadBytes,
            ScriptOp.Burst x => 100.0 * x.Count + x.PayloadBytes,
            _ => 0,
        });
        var f = s.Faults;
        w += (f.Windows.Count + f.Partitions.Count) * 1e8;
        w += f.Partitions.Sum(p => p.HealMs - p.StartMs + (p.Direction == LinkDirection.Both ? 1 : 0));
        w += f.Windows.Sum(x => x.ToMs - x.FromMs + Link(x.Faults));
        w += Link(f.AliceToBob) + Link(f.BobToAlice) + (f.AliceToBob == LinkFaults.None ? 0 : 1e7) + (f.BobToAlice == LinkFaults.None ? 0 : 1e7);
        return w + (s.RetentionWindow != 2 ? 1 : 0) + (s.Suite != 1 ? 1 : 0);
    }

    private static double Link(LinkFaults l) =>
        (l.DropProbability + l.DuplicateProbability + l.ReorderProbability + l.CorruptProbability + l.ReplayProbability + l.InjectProbability
         + l.HoldProbability + l.ForeignProbability + l.RivalProbability + l.InsiderProbability) * 1e6
        + Math.Abs(l.DuplicateCopies - 1) + Math.Abs(l.CorruptBits - 1) + l.DelayMeanMs + Math.Abs(l.DelayMinMs - 10) + Math.Abs(l.ReorderExtraMs - 200)
        + (l.DelayShape == DelayShape.Exponential ? 0 : 1) + (l.RandomCounts ? 1 : 0) + (l.InsiderEveryLayer ? 1 : 0) + (l.HoldOrder == HoldOrder.InOrder ? 0 : 1) + Math.Abs(l.HoldMs - 500);
}
