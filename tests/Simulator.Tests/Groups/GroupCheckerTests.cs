using Sim.Simulator.Groups;

namespace Sim.Simulator.Tests.Groups;

/// <summary>Each GROUPS.md checker fails on a trace with a planted violation, and passes on the same trace without it.</summary>
public sealed class GroupCheckerTests
{
    private static GroupTraceEvent Options(string keyShare = "verified") =>
        new(0, 0, GroupTraceKind.Options) { Detail = $"SEED=1 scenario=t founders=a,b,c outsiders=d strategy=Uncoordinated key_share={keyShare}" };

    private static GroupTraceEvent Epoch(string member, ulong epoch, string members, long t = 0) =>
        new(t, 0, GroupTraceKind.Epoch) { Member = member, Epoch = epoch, Members = members, Commit = "c" + epoch, EpochAuth = "x" };

    private static GroupTraceEvent State(string member, string auth, string members = "a,b,c", bool isMember = true) =>
        new(9, 0, GroupTraceKind.State) { Member = member, Epoch = 2, EpochAuth = auth, Members = members, Detail = $"member={(isMember ? "true" : "false")}" };

    private static GroupTraceEvent Liveness => new(5, 0, GroupTraceKind.Phase) { Detail = "liveness" };

    [Fact]
    public void One_state_fails_when_a_member_ends_elsewhere()
    {
        var ok = GroupTrace.Of([Options(), Liveness, State("a", "x"), State("b", "x"), State("c", "x"), State("d", "z", isMember: false)]);
        var bad = GroupTrace.Of([Options(), Liveness, State("a", "x"), State("b", "x"), State("c", "y")]);
        Assert.True(new OneStateChecker().Check(ok).Passed);
        var v = new OneStateChecker().Check(bad);
        Assert.False(v.Passed);
        Assert.Contains("c ends", v.Violations[0]);
    }

    [Fact]
    public void One_state_fails_when_a_party_with_a_leaf_in_the_converged_tree_holds_no_state_of_it()
    {
        GroupTraceEvent S(string m, string auth, string members, bool isMember, string more = "") =>
            State(m, auth, members, isMember) with { Detail = $"member={(isMember ? "true" : "false")} leaves=0,1,2,5{more}" };
        const string tree = "a,b,c,d";
        var lost = GroupTrace.Of([Options(), Liveness, S("a", "x", tree, true), S("b", "x", tree, true), S("c", "x", tree, true), S("d", "", "", false)]);
        var v = new OneStateChecker().Check(lost);
        Assert.False(v.Passed);
        Assert.Equal("d has leaf 5 in the tree every member converged to (epoch 2 auth x) but holds no state of it (it is no member; its own epoch 2)", Assert.Single(v.Violations));
        // Judged from the members' trees: d outside a tree that does not hold it is fine; d still offline at the end is not judged.
        Assert.True(new OneStateChecker().Check(GroupTrace.Of([Options(), Liveness, S("a", "x", "a,b,c", true), S("b", "x", "a,b,c", true), S("c", "x", "a,b,c", true), S("d", "", "", false)])).Passed);
        Assert.True(new OneStateChecker().Check(GroupTrace.Of([Options(), Liveness, S("a", "x", tree, true), S("b", "x", tree, true), S("c", "x", tree, true), S("d", "", "", false, " offline=true")])).Passed);
        // A party in the tree with no state event at all is named too.
        Assert.Contains("d has leaf 5", new OneStateChecker().Check(GroupTrace.Of([Options(), Liveness, S("a", "x", tree, true), S("b", "x", tree, true), S("c", "x", tree, true)])).Violations[0]);
    }

    [Fact]
    public void Membership_fails_on_a_read_from_a_non_member_of_that_epoch()
    {
        GroupTraceEvent Read(string from) => new(3, 0, GroupTraceKind.Read) { Member = "a", Peer = from, Epoch = 2, MessageId = 1 };
        var ok = GroupTrace.Of([Options(), Epoch("a", 2, "a,b"), Read("b")]);
        var bad = GroupTrace.Of([Options(), Epoch("a", 2, "a,b"), Read("c")]);
        var never = GroupTrace.Of([Options(), Epoch("a", 1, "a,b,c"), Read("c")]);
        Assert.True(new MembershipChecker().Check(ok).Passed);
        Assert.False(new MembershipChecker().Check(bad).Passed);
        Assert.False(new MembershipChecker().Check(never).Passed);
    }

    [Fact]
    public void Membership_fails_on_a_send_group_read_from_a_member_the_reader_saw_removed()
    {
        GroupTraceEvent In(string member, string group, ulong epoch, string members) => Epoch(member, epoch, members) with { Group = group };
        GroupTraceEvent Read(string from) => new(3, 0, GroupTraceKind.Read) { Member = "a", Group = from, Peer = from, Epoch = 1, MessageId = 1 };
        // a holds c's group (epoch 1); b's group drops c in epoch 2.
        var before = new[] { Options(), In("a", "c", 1, "a,b,c"), In("a", "b", 1, "a,b,c") };
        var ok = GroupTrace.Of([.. before, Read("c"), In("a", "b", 2, "a,b")]);
        var bad = GroupTrace.Of([.. before, In("a", "b", 2, "a,b"), Read("c")]);
        var readdedInOneCommit = GroupTrace.Of([.. before, In("a", "b", 2, "a,b,c"), Read("c")]);
        var neverEntered = GroupTrace.Of([.. before, Read("c") with { Group = "d" }]);
        Assert.True(new MembershipChecker().Check(ok).Passed);
        Assert.True(new MembershipChecker().Check(readdedInOneCommit).Passed);
        var v = new MembershipChecker().Check(bad);
        Assert.False(v.Passed);
        Assert.Contains("seen removed", v.Violations[0]);
        Assert.False(new MembershipChecker().Check(neverEntered).Passed); // a group (d's) whose epoch a never entered
    }

    [Fact]
    public void Read_once_fails_on_a_message_read_twice()
    {
        GroupTraceEvent Read(long id, string? how = null) => new(3, 0, GroupTraceKind.Read) { Member = "a", Peer = "b", Epoch = 1, MessageId = id, Detail = how };
        Assert.True(new ExactlyOnceReadChecker().Check(GroupTrace.Of([Options(), Read(1), Read(2)])).Passed);
        Assert.False(new ExactlyOnceReadChecker().Check(GroupTrace.Of([Options(), Read(1), Read(1, "key_share")])).Passed);
    }

    [Fact]
    public void Key_share_policy_fails_when_off_or_to_a_non_member_or_unverified()
    {
        GroupTraceEvent Share(string to) => new(4, 0, GroupTraceKind.Send) { Member = "a", Peer = to, DatagramKind = "keyshare", Datagram = "k", Bytes = 10 };
        var checker = new KeySharePolicyChecker();
        Assert.True(checker.Check(GroupTrace.Of([Options(), Epoch("a", 2, "a,b"), Share("b")])).Passed);
        Assert.False(checker.Check(GroupTrace.Of([Options("off"), Epoch("a", 2, "a,b"), Share("b")])).Passed);
        Assert.False(checker.Check(GroupTrace.Of([Options(), Epoch("a", 2, "a,b"), Share("c")])).Passed);
        Assert.False(checker.Check(GroupTrace.Of([Options(), Epoch("a", 2, "a,b,mallory"), Share("mallory")])).Passed);
    }

    [Fact]
    public void Key_share_policy_fails_when_a_member_reads_by_key_share_a_message_it_was_not_sent()
    {
        var sent = new GroupTraceEvent(1, 0, GroupTraceKind.AppSent) { Member = "a", Datagram = "m1", MessageId = 1, Epoch = 1, Members = "b,c" };
        GroupTraceEvent Read(string who) => new(6, 0, GroupTraceKind.Read) { Member = who, Peer = "a", Datagram = "m1", MessageId = 1, Epoch = 3, Detail = "key_share" };
        var checker = new KeySharePolicyChecker();
        Assert.True(checker.Check(GroupTrace.Of([Options(), Epoch("a", 3, "a,b,c,d"), sent, Read("c")])).Passed);
        var v = checker.Check(GroupTrace.Of([Options(), Epoch("a", 3, "a,b,c,d"), sent, Read("d")]));
        Assert.False(v.Passed);
        Assert.Contains("d read message 1 by key-share", v.Violations[0]);
    }
}
