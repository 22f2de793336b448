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

    /// <summary>
    /// Retention (strategy 4): a, b | c, d split, a and c commit concurrently for one epoch and each send
    /// a message on its branch. Returns the net (still split) and, for each side, its member that does
    /// not commit (b, d): a, at leaf 0, waits least and commits the merge (GroupMember.RetentionTick).
    /// </summary>
    private static (MiniNet Net, string Winner, string Loser) RetentionFork(ulong seed)
    {
        var net = MiniNet.ForkedAcrossSplit(new MultiOptions { Strategy = MultiStrategy.Retention, KeyShare = KeySharePolicy.Off, RetentionMs = 6_000 }, seed);
        bool aWins = net.Members["a"].Chain.Compare(net.Members["c"].Chain) == ChainRelation.ForkWeWin;
        return aWins ? (net, "b", "d") : (net, "d", "b");
    }

    /// <summary>
    /// Runs the healed net tick by tick, a sending one message per tick, until a merge commit is made;
    /// whether the copy read every message before it (it kept up with the canonical branch), and the one after.
    /// </summary>
    private static (bool Before, bool After) ReadsAroundTheMerge(MiniNet net, List<AttackerRead> reads)
    {
        bool before = true;
        for (int tick = 0; tick < 40; tick++)
        {
            int seen = net.Observations.Count;
            net.Run(100);
            bool merged = net.Observations.Skip(seen).Any(o => o.Seen is MemberObservation.Merged);
            bool read = Send(net, reads, "a", 100 + tick);
            if (merged) return (before, read);
            before &= read;
        }
        Assert.Fail("no merge within 4 s of the heal");
        return default;
    }

    [Fact]
    public void Retention_the_copy_follows_a_merge_when_it_holds_the_losing_head()
    {
        var (net, _, victim) = RetentionFork(31);
        net.Heal(); // both branches' commits cross: the victim now holds the winner and its own losing head
        var attacker = net.Members[victim].Compromise(new DeterministicRandomSource(31, "attacker"));
        var reads = Tapped(net, attacker);
        // The merge imports the losing head's exporter output as a PSK (RFC 9420 §8.4): the copy computes it too.
        Assert.Equal((true, true), ReadsAroundTheMerge(net, reads));
        net.Take(victim, net.Members[victim].Update(0)); // the victim's own fresh path locks it out
        net.Deliver();
        Assert.False(Send(net, reads, "a", 1_000));
    }

    [Fact]
    public void Retention_the_copy_cannot_follow_a_merge_importing_a_head_it_never_held()
    {
        var (net, victim, _) = RetentionFork(31);
        // Stolen during the split: the copy holds the winning branch but never saw the losing branch's commit.
        var attacker = net.Members[victim].Compromise(new DeterministicRandomSource(31, "attacker"));
        var reads = Tapped(net, attacker);
        net.Heal();
        Assert.Equal((true, false), ReadsAroundTheMerge(net, reads));
    }
}
