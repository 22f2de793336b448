using Sim.Engine.Multi;

namespace Sim.Engine.Tests.Multi;

/// <summary>The N-party strategies of GROUPS.md on real MLS groups, driven by a FIFO test network.</summary>
public sealed class GroupMemberTests
{
    private static readonly MultiOptions Uncoordinated = new() { Strategy = MultiStrategy.Uncoordinated };
    private static readonly MultiOptions Sequenced = new() { Strategy = MultiStrategy.Sequenced };

    private static void AssertOneState(MiniNet net, params string[] names)
    {
        var first = net.Members[names[0]];
        string Describe() => string.Join("\n", net.Members.Values.Select(m => $"{m.Name}: member={m.IsMember} epoch={m.Epoch} chain={m.Chain} members={string.Join(",", m.Members)}"))
            + "\n" + string.Join("\n", net.Observations.Where(o => o.Seen is not MemberObservation.Delivered and not MemberObservation.Sent).TakeLast(60).Select(o => $"{o.Member}: {o.Seen}"));
        if (!names.All(n => net.Members[n].IsMember && net.Members[n].EpochAuthenticator.AsSpan().SequenceEqual(first.EpochAuthenticator)
            && net.Members[n].Members.Order().SequenceEqual(names.Order())))
            Assert.Fail(Describe());
        foreach (var n in names)
        {
            var m = net.Members[n];
            Assert.True(m.IsMember, $"{n} is not a member");
            Assert.Equal(first.Epoch, m.Epoch);
            Assert.Equal(first.EpochAuthenticator, m.EpochAuthenticator);
            Assert.Equal(names.Order(), m.Members.Order());
        }
    }

    [Fact]
    public void Sequenced_concurrent_commits_one_wins_the_other_retries()
    {
        var net = new MiniNet(Sequenced, 1, "a", "b", "c");
        net.Found("a", "b", "c");
        net.Take("b", net.Members["b"].Update(0));
        net.Take("c", net.Members["c"].Update(0));
        net.Run(3000);
        AssertOneState(net, "a", "b", "c");
        Assert.Equal(3UL, net.Members["a"].Epoch); // founding epoch 1, then both updates
        Assert.Equal(1, net.Ds!.Refused);
    }

    [Fact]
    public void Sequenced_adds_through_the_sequencer()
    {
        var net = new MiniNet(Sequenced, 2, "a", "b", "c", "d");
        net.Found("a", "b", "c");
        net.Take("b", net.Members["b"].Add("d", 0));
        net.Run(2000);
        AssertOneState(net, "a", "b", "c", "d");
    }

    [Fact]
    public void Race_concurrent_adds_fork_and_heal_onto_one_branch_with_every_member()
    {
        var net = new MiniNet(Uncoordinated, 3, "a", "b", "c", "d", "e");
        net.Found("a", "b", "c");
        net.Split = ["b", "d"]; // b adds d, c adds e, each side unaware of the other
        net.Take("b", net.Members["b"].Add("d", 0));
        net.Take("c", net.Members["c"].Add("e", 0));
        net.Run(500);
        net.Take("b", net.Members["b"].SendApplication(1, 32, net.NowMs));
        net.Take("c", net.Members["c"].SendApplication(2, 32, net.NowMs));
        net.Deliver();
        Assert.NotEqual(net.Members["b"].EpochAuthenticator, net.Members["c"].EpochAuthenticator);
        net.Heal();
        net.Run(6000);
        AssertOneState(net, "a", "b", "c", "d", "e");
        Assert.NotEmpty(net.Seen<MemberObservation.ForkDetected>());
        Assert.NotEmpty(net.Seen<MemberObservation.Rejoined>());
        Assert.NotEmpty(net.Seen<MemberObservation.Reproposed>());
    }

    [Theory]
    [InlineData(KeySharePolicy.VerifiedMembers)]
    [InlineData(KeySharePolicy.Off)]
    public void Netsplit_messages_of_the_losing_side_are_recovered_only_with_key_share(KeySharePolicy policy)
    {
        var names = new[] { "a", "b", "c", "d", "e", "f" };
        var net = new MiniNet(Uncoordinated with { KeyShare = policy }, 4, names);
        net.Found(names);
        net.Split = ["a", "b", "c"];
        foreach (var n in names) net.Take(n, net.Members[n].Update(net.NowMs));
        net.Run(1000);
        long id = 0;
        foreach (var n in names) net.Take(n, net.Members[n].SendApplication(++id, 40, net.NowMs));
        net.Deliver();
        net.Heal();
        net.Run(8000);
        AssertOneState(net, names);
        int recovered = net.Seen<MemberObservation.Delivered>().Count(d => d.ViaKeyShare);
        int shares = net.Seen<MemberObservation.KeyShareSent>().Count();
        if (policy == KeySharePolicy.Off) { Assert.Equal(0, shares); Assert.Equal(0, recovered); }
        else { Assert.True(recovered >= 9, $"recovered {recovered}"); Assert.All(net.Members.Values, m => Assert.Equal(0, m.UnreadableMessages)); }
    }

    [Theory]
    [InlineData(MultiStrategy.Uncoordinated)]
    [InlineData(MultiStrategy.Retention)]
    public void Key_share_never_gives_a_joiner_a_message_sent_before_it_joined(MultiStrategy strategy)
    {
        // An attacker on the wire keeps a's message to b and replays it to d once d has joined: d cannot read it (its
        // epoch's keys were never d's, RFC 9420 §16.2), asks a for it by key-share, and a must refuse: d was not a
        // recipient. Without the recipients check a re-encrypts the plaintext for d.
        var net = new MiniNet(new MultiOptions { Strategy = strategy, KeyShare = KeySharePolicy.VerifiedMembers }, 7, "a", "b", "c", "d");
        net.Found("a", "b", "c");
        byte[]? kept = null;
        net.Tap = o => { if (o.Kind == MultiKind.Application && o.To == "b") kept ??= o.Bytes; };
        net.Take("a", net.Members["a"].SendApplication(1, 32, net.NowMs));
        net.Deliver();
        net.Tap = null;
        net.Take("b", net.Members["b"].Add("d", net.NowMs));
        net.Run(2000);
        AssertOneState(net, "a", "b", "c", "d");
        net.Take("d", net.Members["d"].Receive(Assert.IsType<byte[]>(kept), net.NowMs));
        net.Run(3000);
        Assert.DoesNotContain(net.Observations, o => o.Member == "d" && o.Seen is MemberObservation.Delivered { ViaKeyShare: true });
        Assert.DoesNotContain(net.Seen<MemberObservation.KeyShareSent>(), k => k.To == "d");
    }

    [Fact]
    public void A_second_commit_for_a_left_epoch_moves_a_member_with_retained_state_without_external_commit()
    {
        var net = new MiniNet(Uncoordinated with { RetainedStates = 2 }, 5, "a", "b", "c");
        net.Found("a", "b", "c");
        // Both commit for epoch 1 before either hears of the other.
        net.Take("b", net.Members["b"].Update(0));
        net.Take("c", net.Members["c"].Update(0));
        net.Deliver();
        net.Run(3000);
        AssertOneState(net, "a", "b", "c");
        Assert.Contains(net.Seen<MemberObservation.ForkDetected>(), f => f.How == "commits");
    }

    [Fact]
    public void A_loser_refuses_the_GroupInfo_of_a_winner_that_lags_behind_the_best_chain_it_knows()
    {
        var net = new MiniNet(Uncoordinated with { RetainedStates = 0 }, 11, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        GroupMember M(string n) => net.Members[n];
        // Two branches of two commits each; b and d miss their side's second commit (they lag one epoch).
        net.Split = ["a", "b"];
        net.Take("a", M("a").Update(0));
        net.Take("c", M("c").Update(0));
        net.Deliver();
        net.Withhold = (_, o) => o.To is "b" or "d";
        net.Take("a", M("a").Update(0));
        net.Take("c", M("c").Update(0));
        net.Deliver();
        Assert.Equal((3UL, 2UL, 3UL, 2UL), (M("a").Epoch, M("b").Epoch, M("c").Epoch, M("d").Epoch));
        var (up, lag, loser) = M("a").Chain.Compare(M("c").Chain) == ChainRelation.ForkWeWin ? (M("a"), M("b"), M("c")) : (M("c"), M("d"), M("a"));
        byte[] AskGroupInfo() => new MultiDatagram(MultiKind.CatchUp, loser.Name, ulong.MaxValue, loser.Chain.Tip).ToBytes();

        // The loser learns the winning chain at its tip (epoch 3) from the up-to-date winner.
        var reply = new MultiDatagram(MultiKind.ChainReply, up.Name, up.Epoch, up.Chain.Tip) { Chain = up.Chain.Commits }.ToBytes();
        Assert.Contains(loser.Receive(reply, 0).Observations, o => o is MemberObservation.ForkDetected);
        // The lagging winner's GroupInfo (epoch 2, a strict prefix of that chain) would fork it at epoch 2: refused, named.
        var stale = lag.Receive(AskGroupInfo(), 0).Sends.Single(s => s.Kind == MultiKind.GroupInfoReply);
        Assert.Contains(loser.Receive(stale.Bytes, 0).Observations, o => o is MemberObservation.Rejected { Reason: "group info behind the best chain known" });
        // The up-to-date winner's GroupInfo is taken (the loser's wait before rejoining starts): nothing refused.
        var fresh = up.Receive(AskGroupInfo(), 0).Sends.Single(s => s.Kind == MultiKind.GroupInfoReply);
        Assert.DoesNotContain(loser.Receive(fresh.Bytes, 0).Observations, o => o is MemberObservation.Rejected);
        // Healed, everyone ends on the winning branch, in one state.
        net.Heal();
        net.Run(15_000);
        AssertOneState(net, "a", "b", "c", "d");
    }

    [Theory]
    [InlineData(0, true)]  // no retained state, the removing Commit withheld: it learns from a signed GroupInfo
    [InlineData(2, false)] // the removing Commit arrives and is verified on the state it kept
    public void A_member_removed_on_the_winning_branch_learns_it_and_leaves(int retained, bool withholdCommits)
    {
        // a removes c while, cut off, c removes a. Whichever branch wins, its victim is on the losing branch
        // and must leave instead of waiting for ever for a re-add (found by churn at N = 8).
        var net = new MiniNet(Uncoordinated with { RetainedStates = retained }, 21, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        GroupMember M(string n) => net.Members[n];
        net.Split = ["a", "b"];
        net.Take("a", M("a").Remove("c", 0));
        net.Take("c", M("c").Remove("a", 0));
        net.Deliver();
        Assert.Equal(["a", "b", "d"], M("a").Members.Order());
        Assert.Equal(["b", "c", "d"], M("c").Members.Order());
        var (victim, survivors) = M("a").Chain.Compare(M("c").Chain) == ChainRelation.ForkWeWin
            ? (M("c"), new[] { "a", "b", "d" }) : (M("a"), new[] { "b", "c", "d" });
        if (withholdCommits) net.Withhold = (_, o) => o.To == victim.Name && o.Kind == MultiKind.Commit;
        net.Split = null;
        net.Release();
        net.Run(15_000);
        AssertOneState(net, survivors);
        Assert.False(victim.IsMember, $"{victim.Name} still thinks it is a member");
        Assert.Contains(net.Observations, o => o.Member == victim.Name && o.Seen is MemberObservation.EpochEntered { How: "removed" });
    }

    [Fact]
    public void Retention_a_member_removed_on_the_winning_branch_leaves_from_the_removing_commit()
    {
        // As above, with retention: the removing Commit is processed on the retained fork point (its parent),
        // so that path must leave too, at once (churn at N = 8 waited 8 s for a GroupInfo on a dead branch).
        var net = new MiniNet(new MultiOptions { Strategy = MultiStrategy.Retention, KeyShare = KeySharePolicy.Off }, 21, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        GroupMember M(string n) => net.Members[n];
        net.Split = ["a", "b"];
        net.Take("a", M("a").Remove("c", 0));
        net.Take("c", M("c").Remove("a", 0));
        net.Deliver();
        var (victim, survivors) = M("a").Chain.Compare(M("c").Chain) == ChainRelation.ForkWeWin
            ? (M("c"), new[] { "a", "b", "d" }) : (M("a"), new[] { "b", "c", "d" });
        net.Heal();
        Assert.False(victim.IsMember, $"{victim.Name} still thinks it is a member");
        Assert.Contains(net.Observations, o => o.Member == victim.Name && o.Seen is MemberObservation.EpochEntered { How: "removed" });
        net.Run(10_000);
        AssertOneState(net, survivors);
        Assert.False(victim.IsMember);
    }

    [Fact]
    public void Bad_bytes_are_rejected_and_change_nothing()
    {
        var net = new MiniNet(Uncoordinated, 6, "a", "b");
        net.Found("a", "b");
        net.AssertJunkRejected("a", 6);
    }

    [Fact]
    public void Uncoordinated_retained_states_are_zeroed_when_dropped_over_the_count_and_on_a_switch()
    {
        var net = new MiniNet(Uncoordinated with { RetainedStates = 1, KeyShare = KeySharePolicy.Off }, 12, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        var b = net.Members["b"];
        net.Take("a", net.Members["a"].Update(0));
        net.Deliver();
        var first = Assert.Single(b.RetainedStatesForTests);
        net.Take("a", net.Members["a"].Update(0)); // b leaves another epoch: one retained state at most, the older one goes
        net.Deliver();
        Assert.Single(b.RetainedStatesForTests);
        DroppedStates.AssertZeroed([first], b);
        Assert.True(b.SecretsZeroed > 0);

        // A fork: the loser switches from its retained fork point onto the winner, and drops the states of the epochs it leaves.
        net.Split = ["a", "b"];
        net.Take("a", net.Members["a"].Update(0));
        net.Take("c", net.Members["c"].Update(0));
        net.Deliver();
        string loser = net.Members["a"].Chain.Compare(net.Members["c"].Chain) == ChainRelation.ForkWeWin ? "d" : "b";
        var kept = net.Members[loser].RetainedStatesForTests.ToList();
        Assert.NotEmpty(kept);
        net.Heal();
        net.Run(3000);
        AssertOneState(net, "a", "b", "c", "d");
        DroppedStates.AssertZeroed(kept, net.Members[loser]);
        net.Take("b", net.Members["b"].SendApplication(9, 32, net.NowMs)); // and every member still works
        net.Deliver();
        Assert.Equal(3, net.Seen<MemberObservation.Delivered>().Count(d => d.MessageId == 9));
    }
}
