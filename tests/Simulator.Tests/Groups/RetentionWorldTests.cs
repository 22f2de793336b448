using Sim.Engine.Multi;
using Sim.Simulator.Groups;

namespace Sim.Simulator.Tests.Groups;

/// <summary>Fork-resilient retention (GROUPS.md strategy 4) in worlds: both branches read, one merged state, and the checkers catch a broken retention.</summary>
public sealed class RetentionWorldTests
{
    private static GroupWorldResult Split(MultiStrategy strategy) => GroupWorld.Run(GroupWorldKit.Split(strategy, keyShare: KeySharePolicy.Off));

    [Fact]
    public void Split_with_retention_reads_both_branches_merges_and_ends_in_one_state()
    {
        var result = Split(MultiStrategy.Retention);
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, v.ToString()));
        var m = GroupMetrics.From(result);
        var plain = GroupMetrics.From(Split(MultiStrategy.Uncoordinated));
        Assert.True(m.Converged);
        Assert.True(m.ForksCreated >= 1);
        Assert.True(plain.MessagesLost > 0, $"uncoordinated lost {plain.MessagesLost}");
        Assert.True(m.MessagesLost < plain.MessagesLost, $"retention lost {m.MessagesLost}, uncoordinated {plain.MessagesLost}");
        Assert.Equal(0, m.ReadsByKeyShare);
        Assert.True(m.RetainedExposureMs > 0);
        var events = result.Trace.Events;
        Assert.Contains(events, e => e.Kind == GroupTraceKind.Branch);
        Assert.Contains(events, e => e.Kind == GroupTraceKind.Merge);
        Assert.All(events.Where(e => e.Kind == GroupTraceKind.Read), e => Assert.False(string.IsNullOrEmpty(e.Commit)));
        // A branch read: a message read on a state other than the reader's chain at that epoch.
        Assert.Contains(events, e => e.Kind == GroupTraceKind.Read
            && events.Any(b => b.Kind == GroupTraceKind.Branch && b.Member == e.Member && b.Epoch == e.Epoch && b.Commit == e.Commit));
    }

    [Fact]
    public void What_is_retained_is_counted_and_dropped_states_are_zeroed_within_the_window()
    {
        var options = GroupWorldKit.Split(MultiStrategy.Retention, keyShare: KeySharePolicy.Off);
        var result = GroupWorld.Run(options with { Member = options.Member with { RetentionMs = 1_500 } });
        Assert.All(GroupChecks.Run(result.Trace), v => Assert.True(v.Passed, v.ToString()));
        var m = GroupMetrics.From(result);
        Assert.True(m.RetainedPeakMax >= 2, $"peak {m.RetainedPeakMax}");
        Assert.True(m.RetainedSecretsZeroed > 0);
        Assert.Equal(0, m.RetainedStatesMax); // the run outlasts the window: nothing is held at the end
        Assert.InRange(m.RetainedExposureMs, 1_500, 1_500 + options.TickMs);
    }

    [Fact]
    public void Storage_per_member_counts_what_is_kept_to_serve_others()
    {
        var result = Split(MultiStrategy.Retention);
        var m = GroupMetrics.From(result);
        Assert.All(GroupChecks.FinalStates(result.Trace), s => Assert.Matches(@"(^|\s)served_bytes=[1-9]\d*(\s|$)", s.Detail));
        Assert.True(m.ServedBytesPerMember > 0);
        Assert.True(m.StateBytesPerMember > 0);
        Assert.Equal(m.StateBytesPerMember + m.ServedBytesPerMember, m.StorageBytesPerMember);
    }

    [Fact]
    public void Broken_retention_is_caught_a_message_read_again_after_the_merge_and_a_read_on_a_branch_never_held()
    {
        var events = Split(MultiStrategy.Retention).Trace.Events.ToList();
        var merge = events.FindIndex(e => e.Kind == GroupTraceKind.Merge);
        var read = events.First(e => e.Kind == GroupTraceKind.Read);
        // Planted: after the merge a member reads an already-read message again (its retained state reused).
        var twice = events.ToList();
        twice.Insert(merge + 1, read with { T = events[merge].T });
        var once = GroupChecks.Run(GroupTrace.Of(twice)).Single(v => v.Checker == "read_once");
        Assert.False(once.Passed);
        Assert.Contains($"read message {read.MessageId} 2 times", once.Violations[0]);
        // Planted: a read naming a branch (epoch id) the reader never held.
        var foreign = events.Select(e => ReferenceEquals(e, read) ? e with { Commit = "00000000deadbeef" } : e).ToList();
        var membership = new MembershipChecker().Check(GroupTrace.Of(foreign));
        Assert.False(membership.Passed);
        Assert.Contains("never held", membership.Violations[0]);
        Assert.True(new MembershipChecker().Check(GroupTrace.Of(events)).Passed);
    }

    [Fact]
    public void Membership_judges_a_branch_read_by_that_branch_s_members()
    {
        var options = new GroupTraceEvent(0, 0, GroupTraceKind.Options) { Detail = "SEED=1 scenario=t founders=a,b,c outsiders=d,e strategy=Retention key_share=off" };
        var own = new GroupTraceEvent(1, 0, GroupTraceKind.Epoch) { Member = "a", Epoch = 2, Commit = "c1", Members = "a,b,c,d" };
        var branch = new GroupTraceEvent(2, 0, GroupTraceKind.Branch) { Member = "a", Epoch = 2, Commit = "c2", Members = "a,b,c,e" };
        GroupTraceEvent Read(string from, string commit) => new(3, 0, GroupTraceKind.Read) { Member = "a", Peer = from, Epoch = 2, MessageId = 1, Commit = commit };
        var checker = new MembershipChecker();
        Assert.True(checker.Check(GroupTrace.Of([options, own, branch, Read("e", "c2")])).Passed);
        Assert.True(checker.Check(GroupTrace.Of([options, own, branch, Read("d", "c1")])).Passed);
        Assert.False(checker.Check(GroupTrace.Of([options, own, branch, Read("d", "c2")])).Passed); // d is not in that branch
        Assert.False(checker.Check(GroupTrace.Of([options, own, branch, Read("e", "c1")])).Passed);
    }
}
