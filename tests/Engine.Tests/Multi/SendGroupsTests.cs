using Sim.Engine.Multi;

namespace Sim.Engine.Tests.Multi;

/// <summary>GROUPS.md strategy 3, send groups: one group per member, only its owner commits, randomness imported by exported PSKs.</summary>
public sealed class SendGroupsTests
{
    private static readonly MultiOptions Send = new() { Strategy = MultiStrategy.SendGroups };

    private static void AssertOneState(MiniNet net, params string[] names)
    {
        var first = net.Members[names[0]];
        string Describe() => string.Join("\n", net.Members.Values.Select(m => $"{m.Name}: member={m.IsMember} epoch={m.Epoch} members={string.Join(",", m.Members)} groups={string.Join(" ", m.SendGroupViews().Select(v => $"{v.Owner}@{v.Epoch}"))}"))
            + "\n" + string.Join("\n", net.Observations.Where(o => o.Seen is not MemberObservation.Delivered and not MemberObservation.Sent).TakeLast(60).Select(o => $"{o.Member}: {o.Seen}"));
        foreach (var n in names)
        {
            var m = net.Members[n];
            if (!m.IsMember || !m.EpochAuthenticator.AsSpan().SequenceEqual(first.EpochAuthenticator) || !m.Members.SequenceEqual(names.Order(StringComparer.Ordinal)))
                Assert.Fail(Describe());
            Assert.Equal(names.Order(StringComparer.Ordinal), m.SendGroupViews().Select(v => v.Owner).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Founding_gives_every_member_every_group_in_epoch_1()
    {
        var net = new MiniNet(Send, 11, "a", "b", "c");
        net.FoundSendGroups("a", "b", "c");
        AssertOneState(net, "a", "b", "c");
        Assert.All(net.Members.Values, m => Assert.All(m.SendGroupViews(), v => Assert.Equal(1UL, v.Epoch)));
        Assert.Equal("a", net.Members["a"].SendGroupViews()[0].Owner); // our own group first
    }

    [Fact]
    public void Split_both_sides_update_and_send_then_heal_into_one_state_without_forks()
    {
        var names = new[] { "a", "b", "c", "d", "e", "f" };
        var net = new MiniNet(Send, 12, names);
        net.FoundSendGroups(names);
        net.Split = ["a", "b", "c"];
        foreach (var n in names) net.Take(n, net.Members[n].Update(net.NowMs));
        net.Run(1000);
        long id = 0;
        foreach (var n in names) net.Take(n, net.Members[n].SendApplication(++id, 40, net.NowMs));
        net.Deliver();
        foreach (var n in new[] { "a", "f" }) net.Take(n, net.Members[n].Update(net.NowMs)); // imports the other side's epochs after the heal
        net.Heal();
        net.Run(4000);
        AssertOneState(net, names);
        Assert.Empty(net.Seen<MemberObservation.ForkDetected>());
        Assert.Empty(net.Seen<MemberObservation.Rejoined>());
        // Every message was read by MLS by each of the five others: no fork, nothing lost.
        Assert.Equal(names.Length * (names.Length - 1), net.Seen<MemberObservation.Delivered>().Count(d => !d.ViaKeyShare));
        Assert.All(net.Members.Values, m => Assert.Equal(0, m.UnreadableMessages));
        // The owners' own commits: founding (1) plus one or two updates.
        Assert.Equal(3UL, net.Members["a"].Epoch);
        Assert.Equal(2UL, net.Members["b"].Epoch);
    }

    [Fact]
    public void An_owners_commit_waits_for_the_epoch_its_imported_PSK_comes_from()
    {
        var net = new MiniNet(Send, 13, "a", "b", "c");
        net.FoundSendGroups("a", "b", "c");
        net.Withhold = (from, d) => from == "b" && d.To == "c"; // c does not hear b for a while
        net.Take("b", net.Members["b"].Update(0));
        net.Deliver();
        net.Take("a", net.Members["a"].Update(0)); // a imports b's epoch 2, which c has not reached
        net.Deliver();
        Assert.Equal(1UL, net.Members["c"].SendGroupViews().Single(v => v.Owner == "a").Epoch);
        net.Release();
        net.Withhold = null;
        net.Release();
        net.Run(1000);
        AssertOneState(net, "a", "b", "c");
        var cEntered = net.Observations.Where(o => o.Member == "c").Select(o => o.Seen).OfType<MemberObservation.EpochEntered>().ToList();
        int bAt2 = cEntered.FindIndex(e => e.Group == "b" && e.Epoch == 2), aAt2 = cEntered.FindIndex(e => e.Group == "a" && e.Epoch == 2);
        Assert.True(bAt2 >= 0 && aAt2 > bAt2, $"c entered b@2 at {bAt2}, a@2 at {aAt2}");
    }

    [Fact]
    public void A_receiver_that_lost_an_imported_PSK_is_re_added_by_the_owner()
    {
        var net = new MiniNet(Send with { PskEpochs = 0 }, 14, "a", "b", "c");
        net.FoundSendGroups("a", "b", "c");
        net.Take("b", net.Members["b"].Update(0));
        net.Deliver();
        net.Withhold = (from, _) => from == "a";
        net.Take("a", net.Members["a"].Update(0)); // imports b's epoch 2
        net.Deliver();
        net.Take("b", net.Members["b"].Update(0)); // b's epoch 3: with no PSK window, epoch 2's export is deleted everywhere
        net.Deliver();
        net.Withhold = null;
        net.Release();
        net.Run(3000);
        AssertOneState(net, "a", "b", "c");
        Assert.Contains(net.Observations, o => o.Seen is MemberObservation.Rejected r && r.Reason == "imported PSK no longer held");
        Assert.Contains(net.Observations, o => o.Member == "c" && o.Seen is MemberObservation.Rejoined { How: "welcome" });
    }

    [Fact]
    public void Adds_and_removes_spread_to_every_members_own_group()
    {
        var net = new MiniNet(Send, 15, "a", "b", "c", "d");
        net.FoundSendGroups("a", "b", "c");
        net.Take("b", net.Members["b"].Add("d", 0));
        net.Run(3000);
        AssertOneState(net, "a", "b", "c", "d");
        net.Take("a", net.Members["a"].Remove("c", net.NowMs));
        net.Run(3000);
        AssertOneState(net, "a", "b", "d");
        Assert.False(net.Members["c"].IsMember);
        // After the removal nobody reads c any more: c's message reaches no one.
        int before = net.Seen<MemberObservation.Delivered>().Count();
        net.Take("c", net.Members["c"].SendApplication(99, 32, net.NowMs));
        net.Deliver();
        Assert.Equal(before, net.Seen<MemberObservation.Delivered>().Count());
    }

    [Fact]
    public void Bad_bytes_are_rejected_and_change_nothing()
    {
        var net = new MiniNet(Send, 16, "a", "b");
        net.FoundSendGroups("a", "b");
        net.AssertJunkRejected("a", 16);
    }
}
