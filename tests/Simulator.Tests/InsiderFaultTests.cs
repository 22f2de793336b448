using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// The insider fault (PAIRMLS.md "Fault model"): the network holds the header keys the parties'
/// sends teach it, opens datagrams, changes one layer or field and re-seals them. The engine must
/// answer every such copy with a typed Rejected (or a correct outcome); nothing altered is Delivered.
/// </summary>
public sealed class InsiderFaultTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    private WorldResult Run(ulong seed, double p) =>
        fixture.Run(new WorldOptions { Seed = seed, FaultProfile = Both(new LinkFaults { InsiderProbability = p }), UserScript = Chat(rounds: 6) });

    [Fact]
    public void EveryInsiderCopyReachesInsideTheSealAndIsRejected()
    {
        var r = Run(31, 1.0);
        var query = new TraceQuery(r.Trace.Events);
        var insider = r.Of<FaultEvent>().Where(f => f.Fault == FaultNames.Insider).ToList();
        // Every datagram after the acceptor's first epoch (sealed to the invitation, which no header key opens) gets a copy.
        Assert.True(insider.Count >= 5, $"{insider.Count} insider faults");
        Assert.All(insider, f => Assert.NotEqual(f.Datagram, f.DeliverId));
        Assert.True(insider.Select(f => f.Why).Distinct().Count() >= 4, "mutations: " + string.Join(", ", insider.Select(f => f.Why)));

        var answers = query.Receipts.Where(x => x.Deliver.Via == FaultNames.Insider).Select(x => x.Outcome).ToList();
        Assert.NotEmpty(answers);
        // Never Delivered. A copy of an already delivered datagram may be recognised as Duplicate (its generation was
        // consumed: the engine needs no key to say so), of a late one as Expired; everything else is Rejected.
        Assert.All(answers, o => Assert.Contains(o.Result, new[] { OutcomeEvent.Rejected, OutcomeEvent.Duplicate, OutcomeEvent.Expired }));
        Assert.Contains(answers, o => o.Result == OutcomeEvent.Rejected);
        foreach (var x in query.Receipts.Where(x => x.Deliver.Via == FaultNames.Insider))
            Console.WriteLine($"{query.Altered[x.Deliver.Datagram!].Why}: {x.Outcome.Name} {x.Outcome.Detail}");
        // The seal passed: MLS (or PairMLS's framing) refused them, not "no key opens it".
        Assert.Contains(answers, o => o.Reason != "NotForThisSession");
        Assert.All(Checkers.Run(r.Trace.Events), v => Assert.True(v.Passed, v.ToString()));
        // Each refusal left the receiver's saved state byte-identical (the party compares its save with its disk).
        Assert.DoesNotContain(answers, o => o.StateAltered);
        Assert.True(r.Converged);
    }

    [Fact]
    public void TheInsiderIsDeterministicAndOffUnlessAsked()
    {
        Assert.Equal(Run(32, 0.5).TraceHash, Run(32, 0.5).TraceHash);
        var off = Run(32, 0);
        Assert.DoesNotContain(off.Of<FaultEvent>(), f => f.Fault == FaultNames.Insider);
        Assert.DoesNotContain("insider", off.Options.Describe());
        Assert.Contains("insider_probability=0.5", new WorldOptions { FaultProfile = Both(new LinkFaults { InsiderProbability = 0.5 }) }.Describe());
    }

    [Fact]
    public void AnInsiderCopyDeliveredWouldFailIntegrity()
    {
        // Planted: the same world's trace with one insider copy's refusal turned into a delivery of the original's payload.
        var r = Run(33, 1.0);
        var events = r.Trace.Events.ToList();
        var query = new TraceQuery(events);
        var receipt = query.Receipts.First(x => x.Deliver.Via == FaultNames.Insider);
        var fault = (FaultEvent)query.Altered[receipt.Deliver.Datagram!];
        var original = query.Sends[fault.Datagram!];
        int at = events.IndexOf(receipt.Outcome);
        events[at] = receipt.Outcome with { Result = OutcomeEvent.Delivered, Reason = null, Detail = null, PayloadId = original.PayloadId, PayloadHash = original.PayloadHash };
        var integrity = new IntegrityChecker().Check(events, CheckContext.FromTrace(events));
        Assert.False(integrity.Passed);
        Assert.Contains("insider", integrity.Detail);
        Assert.Contains("its payload bytes are those of the original", integrity.Detail);
    }

    private WorldResult EveryLayer(ulong seed) =>
        fixture.Run(new WorldOptions { Seed = seed, FaultProfile = Both(new LinkFaults { InsiderProbability = 1, InsiderEveryLayer = true }), UserScript = Chat(rounds: 4) });

    [Fact]
    public void EveryLayerDeliversEachMutationBeforeAndAfterTheOriginal_AndAWrongReasonFailsIntegrity()
    {
        var r = EveryLayer(34);
        var query = new TraceQuery(r.Trace.Events);
        Assert.Contains("insider_every_layer=true", r.Options.Describe());
        var altered = query.Altered.Values.Where(f => f.Fault == FaultNames.Insider && f.Side is null).GroupBy(f => f.Datagram!).ToList();
        Assert.NotEmpty(altered);
        var arrivals = r.Of<DeliverEvent>().GroupBy(d => d.Datagram!).ToDictionary(g => g.Key, g => g.First().T);
        foreach (var copies in altered)
        {
            // Every mutation that applies to an ordinary datagram (the re-seal too: keys of several epochs are known by then), twice.
            var mutations = copies.GroupBy(f => f.Why!).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(mutations.Values, n => Assert.Equal(2, n));
            if (!arrivals.TryGetValue(copies.Key, out long original)) continue;
            var times = copies.Where(f => arrivals.ContainsKey(f.DeliverId!)).Select(f => arrivals[f.DeliverId!] - original).Distinct().Order().ToList();
            Assert.Equal([-1L, 1L], times);
        }
        Assert.Contains(altered, c => c.Select(f => f.Why).Distinct().Count() >= 18);
        Assert.All(Checkers.Run(r.Trace.Events), v => Assert.True(v.Passed, v.ToString()));
        // Reflected copies go back to their sender, whose own epoch they claim the peer sent in.
        var reflected = query.Receipts.Where(x => query.Altered.TryGetValue(x.Deliver.Datagram!, out var f) && f.Side == "reflected").ToList();
        Assert.NotEmpty(reflected);
        Assert.All(reflected, x => Assert.Equal(query.Sends[query.Altered[x.Deliver.Datagram!].Datagram!].Party, x.Deliver.Party));
        Assert.All(reflected, x => Assert.Equal("Rejected:WrongParity", x.Outcome.Name));

        // Planted: one WrongParity refusal of a copy whose proposal names the receiver as its sender reported as a bad signature.
        var events = r.Trace.Events.ToList();
        var receipt = query.Receipts.First(x => x.Deliver.Via == FaultNames.Insider && query.Altered[x.Deliver.Datagram!].Why == "ProposalSender");
        Assert.Equal("Rejected:WrongParity", receipt.Outcome.Name);
        events[events.IndexOf(receipt.Outcome)] = receipt.Outcome with { Reason = "BadSignature" };
        var integrity = new IntegrityChecker().Check(events, CheckContext.FromTrace(events));
        Assert.False(integrity.Passed);
        Assert.Contains("altered by ProposalSender, with Rejected:BadSignature", integrity.Detail);
        Assert.Equal(r.TraceHash, EveryLayer(34).TraceHash);
    }
}
