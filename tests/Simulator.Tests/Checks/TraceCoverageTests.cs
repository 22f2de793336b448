using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.Checks.TraceScenario;

namespace Sim.Simulator.Tests.Checks;

/// <summary>TraceCoverage: each state is reported only when the trace reached it.</summary>
public class TraceCoverageTests
{
    private static readonly List<TraceEvent> Good = Clean();

    private static IReadOnlySet<string> Of(IReadOnlyList<TraceEvent> trace, long forwardDistance = 1000) => TraceCoverage.Of(new TraceQuery(trace), forwardDistance);

    [Fact]
    public void A_clean_conversation_reaches_none_of_the_fault_states()
    {
        var seen = Of(Good);
        Assert.Contains("outcome Delivered", seen);
        Assert.DoesNotContain(TraceCoverage.LongEpoch, seen);
        Assert.DoesNotContain(TraceCoverage.CardEditStorm, seen);
        Assert.DoesNotContain(TraceCoverage.RollbackInEpoch, seen);
        Assert.DoesNotContain(TraceCoverage.OneWayPartition, seen);
    }

    [Fact]
    public void More_sends_in_one_epoch_than_the_forward_distance_is_a_long_epoch()
    {
        var at = Find(Good, e => e is SendEvent { PayloadId: 1 });
        var two = InsertAfter(Good, at, Send("bob", "d1b", 3, 90), Send("bob", "d1c", 3, 91));
        Assert.Contains(TraceCoverage.LongEpoch, Of(two, forwardDistance: 2));
        Assert.DoesNotContain(TraceCoverage.LongEpoch, Of(two, forwardDistance: 3));
    }

    [Fact]
    public void Three_card_edits_before_the_peer_commits_one_is_a_storm()
    {
        var at = Find(Good, e => e is SendEvent { PayloadId: 2 });
        var storm = InsertAfter(Good, at, Send("alice", "e1", 4, 80, card: 3), Send("alice", "e2", 4, 81, card: 4));
        Assert.Contains(TraceCoverage.CardEditStorm, Of(storm));
        Assert.DoesNotContain(TraceCoverage.CardEditStorm, Of(InsertAfter(Good, at, Send("alice", "e1", 4, 80, card: 3))));
    }

    [Fact]
    public void A_rollback_is_within_the_epoch_or_across_epochs()
    {
        var end = Good.Count - 1;
        Assert.Contains(TraceCoverage.RollbackInEpoch, Of(InsertAfter(Good, end, new RestoreEvent { Party = "alice", Epoch = 6, Depth = 1 })));
        var across = Of(InsertAfter(Good, end, new RestoreEvent { Party = "alice", Epoch = 4, Depth = 3 }));
        Assert.Contains(TraceCoverage.RollbackAcrossEpochs, across);
        Assert.DoesNotContain(TraceCoverage.RollbackInEpoch, across);
    }

    [Fact]
    public void Partitions_come_from_the_options_event()
    {
        var options = (OptionsEvent)Good[0];
        var oneWay = Replace<OptionsEvent>(Good, 0, o => o with { Partitions = [new PartitionSpan(0, 200, "bob_to_alice")] });
        Assert.Contains(TraceCoverage.OneWayPartition, Of(oneWay));
        Assert.DoesNotContain(TraceCoverage.LongPartition, Of(oneWay));
        var longBoth = Replace<OptionsEvent>(Good, 0, o => o with { Partitions = [new PartitionSpan(0, 1500, "both")] });
        Assert.Contains(TraceCoverage.LongPartition, Of(longBoth));
        Assert.DoesNotContain(TraceCoverage.OneWayPartition, Of(longBoth));
        Assert.Empty(options.Partitions);
    }

    [Fact]
    public void Each_outcome_and_fault_name_is_listed()
    {
        var at = Find(Good, e => e is OutcomeEvent { PayloadId: 4 });
        var seen = Of(InsertAfter(Good, at, Fault("corrupt", "d4", "bad"), Deliver("bob", "bad"), Outcome("bob", "Rejected:NotForThisSession", null),
            new FaultEvent { Fault = "partition", Datagram = "d4", Why = "in_flight" }));
        Assert.Contains("outcome Rejected:NotForThisSession", seen);
        Assert.Contains("fault corrupt", seen);
        Assert.Contains(TraceCoverage.InFlightCut, seen);
    }
}
