using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// PAIRMLS.md "A datagram stands alone, whatever happens to its payload", as a fixed world beside the generated long
/// epochs: alice misses all of bob's epoch (a one-way partition while he sends 1,010 datagrams), then bob edits his
/// card. The first datagram to reach her is beyond the maximum forward distance, so its payload is Undecryptable, and
/// it carries an identity change, so its proposal cannot be cached without the payload's evidence: the staple alone
/// must take her into bob's epoch, and the chat goes on.
/// </summary>
public sealed class LongEpochTests(ITestOutputHelper output)
{
    [Fact]
    public void ADatagramBeyondTheForwardDistanceStillCommits_EvenWhenItsProposalCannotBeCached()
    {
        var scenario = Scenario.Parse("seed=12 r=2 suite=1 part=150..1000:ba send(bob,32) wait(100) send(alice,32) wait(100) burst(bob,1010) wait(900) edit(bob,32) wait(100) send(alice,32) wait(100) send(bob,32)");
        var (result, trace, _) = JudgedWorld.Run(scenario, output);
        var undecryptable = Assert.Single(trace.Receipts, r => r.Outcome.Party == "alice" && r.Outcome.Result == "Undecryptable");
        // Her Epoch event for bob's epoch comes with that datagram: the staple counted.
        Assert.Contains(trace.Events, e => e is EpochEvent { Party: "alice" } ep && ep.Epoch == undecryptable.Outcome.Epoch && ep.Seq < undecryptable.Outcome.Seq && ep.Seq > undecryptable.Deliver.Seq);
        Assert.True(result.Converged);
    }
}
