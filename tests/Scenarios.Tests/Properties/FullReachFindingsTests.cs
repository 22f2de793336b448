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
}
