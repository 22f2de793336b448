using Sim.Engine.Multi;
using Sim.Simulator.Groups;
using Sim.Simulator.Network;

namespace Sim.Simulator.Tests.Groups;

/// <summary>GROUPS.md PCS figure: computed from the trace's Theft and Attack events; it reports a lockout, or "never".</summary>
public sealed class PcsMetricTests
{
    private static GroupWorldOptions Chat(MultiStrategy strategy, IEnumerable<GroupOp> extra, long theftMs) => new()
    {
        Seed = 5,
        Scenario = "test-pcs",
        Founders = ["m0", "m1", "m2"],
        Member = new MultiOptions { Strategy = strategy },
        Links = new LinkFaults { DelayMinMs = 10, DelayMeanMs = 5 },
        Script = [.. Enumerable.Range(0, 8).Select(i => new GroupOp(200 + i * 100, $"m{i % 3}", GroupOpKind.Send)), .. extra],
        SafetyPhaseEndMs = 1_500,
        LivenessBudgetMs = 10_000,
        PcsTheftMs = theftMs,
    };

    [Fact]
    public void Nobody_commits_after_the_theft_so_the_attacker_is_never_locked_out()
    {
        var result = GroupWorld.Run(Chat(MultiStrategy.Sequenced, [], 100));
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, v.ToString()));
        var m = GroupMetrics.From(result);
        Assert.Equal("m0", m.PcsVictim); // no update after the theft: the first founder
        Assert.True(m.PcsNever);
        Assert.Null(m.PcsLockoutMs);
        Assert.Equal(8, m.PcsMessagesSeen);
        Assert.Equal(8, m.PcsMessagesRead);
    }

    [Theory]
    [InlineData(MultiStrategy.Sequenced)]
    [InlineData(MultiStrategy.Uncoordinated)]
    [InlineData(MultiStrategy.SendGroups)]
    public void The_victims_update_locks_the_attacker_out(MultiStrategy strategy)
    {
        // m1 updates at 450; with send groups the others import its new epoch 200 ms after taking it.
        var options = Chat(strategy, [new GroupOp(450, "m1", GroupOpKind.Update)], 100);
        var result = GroupWorld.Run(options with { Member = options.Member with { ImportAfterMs = 200 } });
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, v.ToString()));
        var m = GroupMetrics.From(result);
        Assert.Equal("m1", m.PcsVictim);
        Assert.False(m.PcsNever);
        Assert.NotNull(m.PcsLockoutMs);
        Assert.True(m.PcsLockoutMs >= 350, $"locked out {m.PcsLockoutMs} ms after the theft, before the update");
        Assert.True(m.PcsCommitsToLockout >= 1);
        Assert.True(m.PcsMessagesRead is > 0 and < 8, $"read {m.PcsMessagesRead}");
    }

    [Fact]
    public void Lockout_is_the_first_message_of_the_final_unreadable_run()
    {
        GroupTraceEvent Try(long t, bool read) => new(t, 0, GroupTraceKind.Attack) { Member = "a", Peer = "b", Datagram = "d" + t, Detail = read ? "read" : "unreadable" };
        GroupTraceEvent Entered(long t, string commit) => new(t, 0, GroupTraceKind.Epoch) { Member = "b", Epoch = 2, Commit = commit, EpochAuth = "x", Members = "a,b" };
        var options = new GroupWorldOptions { Founders = ["a", "b", "c"], Links = new LinkFaults { DelayMinMs = 10 } };
        GroupMetrics Of(params GroupTraceEvent[] events)
        {
            var trace = GroupTrace.Of([new(0, 0, GroupTraceKind.Options) { Detail = "SEED=1 strategy=Sequenced" }, new(100, 0, GroupTraceKind.Theft) { Member = "a" }, .. events]);
            return GroupMetrics.From(new GroupWorldResult(options, trace, trace.Hash(), []));
        }
        var m = Of(Try(200, true), Try(300, false), Entered(350, "c1"), Entered(360, "c1"), Try(400, true), Entered(450, "c2"), Try(500, false), Try(600, false));
        Assert.Equal(400, m.PcsLockoutMs); // theft 100, the final unreadable run starts at 500
        Assert.Equal(2, m.PcsCommitsToLockout); // c1 and c2 (c1 entered twice counts once)
        Assert.Equal(20, m.PcsRoundTripsToLockout);
        Assert.Equal(2, m.PcsMessagesRead);
        var never = Of(Try(200, false), Try(300, true));
        Assert.True(never.PcsNever);
        Assert.Null(never.PcsLockoutMs);
        Assert.False(Of().PcsNever);
        Assert.Null(GroupMetrics.From(new GroupWorldResult(options, GroupTrace.Of([new(0, 0, GroupTraceKind.Options) { Detail = "SEED=1" }]), "", [])).PcsTheftMs);
    }
}
