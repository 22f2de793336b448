using Sim.Engine.Crypto;
using Sim.Engine.Multi;

namespace Sim.Engine.Tests.Multi;

/// <summary>GROUPS.md PCS: an attacker with a copy of a member's state follows the group until the victim's fresh randomness reaches it.</summary>
public sealed class PcsAttackerTests
{
    private static List<AttackerRead> Tapped(MiniNet net, PcsAttacker attacker)
    {
        var reads = new List<AttackerRead>();
        net.Tap = o => { if (attacker.Observe(o.Bytes) is { } r) reads.Add(r); };
        return reads;
    }

    private static bool Send(MiniNet net, List<AttackerRead> reads, string from, long id)
    {
        int before = reads.Count;
        net.Take(from, net.Members[from].SendApplication(id, 32, net.NowMs));
        net.Deliver();
        return Assert.Single(reads.Skip(before)).Read;
    }

    [Fact]
    public void One_group_the_copy_follows_others_commits_and_is_locked_out_by_the_victims_own()
    {
        var net = new MiniNet(new MultiOptions { Strategy = MultiStrategy.Uncoordinated }, 21, "a", "b", "c");
        net.Found("a", "b", "c");
        var attacker = net.Members["c"].Compromise(new DeterministicRandomSource(21, "attacker"));
        var reads = Tapped(net, attacker);
        Assert.True(Send(net, reads, "a", 1));
        net.Take("b", net.Members["b"].Update(0)); // its path is encrypted to c's old leaf too: the copy follows
        net.Deliver();
        Assert.True(Send(net, reads, "a", 2));
        Assert.Equal(1, attacker.CommitsFollowed);
        net.Take("c", net.Members["c"].Update(0)); // the victim's fresh leaf and path: the copy cannot follow
        net.Deliver();
        Assert.False(Send(net, reads, "a", 3));
        Assert.False(Send(net, reads, "b", 4));
        Assert.Null(attacker.Observe([1, 2, 3])); // bad bytes: nothing, no exception
    }

    [Fact]
    public void Send_groups_the_victims_update_locks_the_copy_out_of_another_group_only_once_its_owner_imports_it()
    {
        var net = new MiniNet(new MultiOptions { Strategy = MultiStrategy.SendGroups }, 22, "a", "b", "c");
        net.FoundSendGroups("a", "b", "c");
        var attacker = net.Members["c"].Compromise(new DeterministicRandomSource(22, "attacker"));
        var reads = Tapped(net, attacker);
        net.Take("c", net.Members["c"].Update(0));
        net.Deliver();
        // c's own group healed, but c's leaf in a's group is the stolen one: a's messages stay readable...
        Assert.True(Send(net, reads, "a", 1));
        net.Take("a", net.Members["a"].Update(0)); // ...until a commits an import of c's new epoch (a PSK the copy cannot compute)
        net.Deliver();
        Assert.False(Send(net, reads, "a", 2));
        Assert.True(Send(net, reads, "b", 3)); // b has not imported yet
    }
}
