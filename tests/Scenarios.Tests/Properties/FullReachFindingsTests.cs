using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;
using Sim.Simulator;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// The worlds `pairsim check --full-reach --cases 100` found failing (docs/RECOVERY.md "Known gaps"),
/// shrunk, each replayed as a test: the world still meets the fault that broke it, and the property now holds.
/// </summary>
public sealed class FullReachFindingsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<(WorldResult Result, PropertyVerdict Verdict)> Run(ScenarioProperty property, string text)
    {
        var scenario = Scenario.Parse(text);
        var result = await new World(property.WorldFor(scenario)).RunAsync(new CancellationTokenSource(Timeout).Token);
        var verdict = property.Judge(scenario, result);
        output.WriteLine(verdict.Detail);
        return (result, verdict);
    }

    /// <summary>
    /// Seed 3, cases 55 and 87: an insider re-sealed a recovery offer under another epoch's header key, and the
    /// receiver, which could follow the offerer (the offer was moot for it), Delivered it. The offer now names the
    /// epoch whose key seals it (signed), and a moot offer is verified when its body is delivered.
    /// </summary>
    [Theory]
    [InlineData("seed=1122920425 r=2 suite=1 ab=drop:0.05,delay:0,corrupt:0.2,bits:3,replay:0.1,hold:0.5,holdms:1500,order:reversed,insider:0.3 ba=drop:0.05,delay:0,corrupt:0.2,bits:3,replay:0.1,hold:0.5,holdms:1500,order:reversed,insider:0.3 win=245..1147:both:delay:30,reorder:0.1,hold:0.2,holdms:1500,order:reversed send(bob,32) wait(150) send(alice,32) wait(150) send(bob,32) wait(150) send(alice,32) wait(150) send(bob,32) wait(103) send(alice,32) wait(21) wait(54) send(alice,32) rollover(bob,8) restore(alice,1) wait(278) send(alice,32) crashat(bob,receive_before_persist) wait(250) send(bob,32) wait(100) send(bob,32) wait(100) send(alice,32)")]
    [InlineData("seed=252811013 r=0 suite=1 ab=drop:0.1,dup:0.3,delay:0,mean:200,reorder:0.1,corrupt:0.2,replay:0.1,inject:0.3,foreign:0.3,insider:0.1 ba=drop:0.1,dup:0.3,delay:0,mean:200,reorder:0.1,corrupt:0.2,replay:0.1,inject:0.3,foreign:0.3,insider:0.1 win=91..600:ba:dup:0.3,copies:3,delay:5,mean:20,reorder:0.3,extra:100,counts:random,insider:0.3 win=165..1113:ab:drop:0.1,dup:0.3,copies:3,reorder:0.3,extra:100,corrupt:0.2,bits:8,inject:0.1 send(bob,32) wait(100) send(alice,32) wait(100) wait(530) send(alice,200) wait(213) send(alice,32) send(alice,32) edit(bob,200) rollover(alice,32) send(alice,32) send(alice,32) restore(alice,1) send(alice,32) wait(45) send(alice,32) wait(100) send(bob,32)")]
    public async Task AnOfferTheInsiderResealedUnderAnotherEpochsKey_IsRejected(string text)
    {
        var (result, verdict) = await Run(Invariants.Integrity, text);
        Assert.True(verdict.Held, verdict.Detail);
        var trace = new TraceQuery(result.Trace.Events);
        var resealed = trace.Events.OfType<FaultEvent>().Where(f => f.Fault == "insider" && f.Why == "SealEpoch").Select(f => f.DeliverId).ToHashSet();
        Assert.Contains(trace.Events.OfType<OutcomeEvent>(), o => resealed.Contains(o.Datagram)
            && o.Result == OutcomeEvent.Rejected && o.Detail?.Contains("recovery offer is sealed under the header key") == true);
    }

    private static ScenarioProperty Recovery => Invariants.Reported.Single(p => p.Name == "Recovery");

    /// <summary>
    /// Seed 2, cases 63 and 73: Bob restored by save (the peer offers, under the key his datagram came in), then again,
    /// deeper, into his Welcome epoch: that copy never held the offer's key, so every offer was NotForThisSession and he
    /// stayed behind for good. His request under an older key now lowers the offer's seal, and he rejoins.
    /// </summary>
    [Theory]
    [InlineData("seed=1747103809 r=3 suite=1 send(bob,32) wait(150) send(alice,32) wait(150) send(bob,32) wait(150) edit(bob,32) rollover(alice,32) restore(bob,2) wait(282) send(bob,32) restoreepoch(bob,-1) wait(55)")]
    [InlineData("seed=552815440 r=3 suite=1 ab=drop:0.05,delay:5,mean:80,inject:0.1 ba=delay:5,mean:200,reorder:0.1,extra:500,corrupt:0.05,replay:0.1,inject:0.3,counts:random,foreign:0.3,insider:0.1 send(bob,32) wait(100) send(alice,32) wait(100) send(bob,32) wait(100) send(alice,32) wait(100) edit(bob,8) send(bob,8) wait(279) send(bob,32) wait(217) send(bob,32) send(bob,32) restore(bob,1) send(bob,32) wait(11) restoreepoch(bob,-1) wait(5) send(alice,32) offline(bob,50)")]
    public async Task ARestoreDeeperThanTheStandingOffersKey_StillRejoins(string text)
    {
        foreach (var property in new[] { Invariants.Liveness, Recovery })
        {
            var (result, verdict) = await Run(property, text);
            Assert.True(verdict.Held, $"{property.Name}: {verdict.Detail}");
            var bob = result.Trace.Events.OfType<OutcomeEvent>().Where(o => o.Party == "bob").ToList();
            Assert.Contains(bob, o => o.Result == OutcomeEvent.Resynced);
            Assert.Equal(2, result.Trace.Events.OfType<RestoreEvent>().Count(r => r.Party == "bob"));
        }
    }

    /// <summary>
    /// Seed 2, case 87: Bob restored in his Welcome epoch to before three datagrams; Alice had the third, and her Commit
    /// took its proposal, which his copy never made: Bob detected an unknown own proposal and they converged only in the
    /// third round trip. His request now makes Alice take only the proposals of requests: her Commit applies to his copy.
    /// </summary>
    [Fact]
    public async Task ARequestInTheEpochThePeerHasNotLeft_MakesItsCommitApplyToTheCopy()
    {
        const string text = "seed=618795509 r=1 suite=1 ab=dup:0.3,copies:3,reorder:0.1,corrupt:0.05,bits:3,foreign:0.3,insider:0.1 ba=drop:0.2,mean:200,replay:0.1 win=873..1324:ba:reorder:0.1,extra:500,hold:0.5,holdms:100,order:reversed,foreign:0.1 part=338..1838 part=760..810:ab part=990..1190:ab send(bob,32) wait(20) send(alice,32) wait(20) send(bob,32) wait(20) send(alice,32) wait(20) send(alice,32) send(alice,32) rollover(alice,8) send(bob,32) wait(270) restore(bob,3) wait(228)";
        foreach (var property in new[] { Invariants.Liveness, Recovery })
        {
            var (result, verdict) = await Run(property, text);
            Assert.True(verdict.Held, $"{property.Name}: {verdict.Detail}");
            Assert.Single(result.Trace.Events.OfType<RestoreEvent>(), r => r.Party == "bob");
            Assert.DoesNotContain(result.Trace.Events.OfType<OutcomeEvent>(), o => o.Name == "RollbackDetected:UnknownOwnProposal");
        }
    }
}
