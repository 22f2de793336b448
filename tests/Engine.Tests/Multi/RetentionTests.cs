using Sim.Engine.Group;
using Sim.Engine.Multi;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Multi;

/// <summary>Fork-resilient retention (GROUPS.md strategy 4) on real MLS groups, driven by the FIFO test network.</summary>
public sealed class RetentionTests
{
    private static readonly MultiOptions Retention = new() { Strategy = MultiStrategy.Retention, KeyShare = KeySharePolicy.Off, RetentionMs = 6_000 };

    /// <summary>a, b | c, d split; a and c commit concurrently for epoch 1; a and c each send one message on their branch; then the split heals.</summary>
    private static MiniNet Fork(MultiOptions options, ulong seed = 11)
    {
        var net = MiniNet.ForkedAcrossSplit(options, seed);
        net.Heal();
        net.Run(3_000);
        return net;
    }

    private static void AssertOneState(MiniNet net)
    {
        var first = net.Members["a"];
        foreach (var m in net.Members.Values)
        {
            Assert.True(m.IsMember, $"{m.Name} is not a member");
            Assert.Equal(first.Chain.Tip, m.Chain.Tip);
            Assert.Equal(first.EpochAuthenticator, m.EpochAuthenticator);
        }
    }

    [Fact]
    public void Two_commits_for_one_epoch_both_branches_read_by_everyone_once_then_one_merged_state()
    {
        var net = Fork(Retention);
        var reads = net.Observations.Where(o => o.Seen is MemberObservation.Delivered).Select(o => (o.Member, ((MemberObservation.Delivered)o.Seen).MessageId)).ToList();
        foreach (var (member, message) in new[] { ("b", 1L), ("c", 1L), ("d", 1L), ("a", 2L), ("b", 2L), ("d", 2L) })
            Assert.Single(reads, r => r == (member, message));
        Assert.All(net.Seen<MemberObservation.Delivered>(), d => Assert.False(d.ViaKeyShare));
        Assert.Contains(net.Seen<MemberObservation.ForkDetected>(), f => f.Epoch == 2);
        Assert.Contains(net.Seen<MemberObservation.BranchHeld>(), b => b.Epoch == 2);
        AssertOneState(net);

        // The merge: one commit on the canonical chain imports the losing branch's epoch 2 as a PSK.
        var merged = Assert.Single(net.Seen<MemberObservation.Merged>().DistinctBy(m => m.Epoch));
        var canonical = net.Members["a"].Chain;
        byte[] winner = canonical.CommitFor(2)!;
        Assert.Contains(merged.Imported, tip => !tip.AsSpan().SequenceEqual(winner));
        Assert.True(canonical.Epoch >= merged.Epoch);
    }

    [Fact]
    public void Without_retention_the_other_branch_is_unreadable()
    {
        var net = Fork(new MultiOptions { Strategy = MultiStrategy.Uncoordinated, KeyShare = KeySharePolicy.Off, RetainedStates = 0 });
        var reads = net.Seen<MemberObservation.Delivered>().Select(d => d.MessageId).ToList();
        Assert.True(reads.Count < 6, $"{reads.Count} reads");
    }

    [Fact]
    public void Retained_states_are_deleted_and_their_secrets_zeroed_after_the_window()
    {
        var net = Fork(Retention);
        var a = net.Members["a"];
        var retained = a.RetainedStatesForTests;
        Assert.NotEmpty(retained);
        Assert.True(a.RetainedPeak >= 2);
        net.Run(Retention.RetentionMs + 500);
        Assert.Equal(0, a.RetainedStateCount);
        Assert.True(a.RetainedLongestMs >= Retention.RetentionMs);
        DroppedStates.AssertZeroed(retained, a);
        // The member still works: a new message is read by everyone.
        net.Take("b", net.Members["b"].SendApplication(9, 32, net.NowMs));
        net.Deliver();
        Assert.Equal(3, net.Seen<MemberObservation.Delivered>().Count(d => d.MessageId == 9));
    }

    [Fact]
    public void A_message_names_its_branch_and_waits_for_that_branch_s_commit()
    {
        var net = new MiniNet(Retention, 5, "a", "b", "c");
        net.Found("a", "b", "c");
        // c's commit reaches a only after c's message of the new epoch: the message waits, then is read.
        net.Withhold = (from, d) => from == "c" && d.Kind == MultiKind.Commit && d.To == "a";
        net.Take("c", net.Members["c"].Update(0));
        net.Take("c", net.Members["c"].SendApplication(3, 32, 0));
        net.Deliver();
        Assert.DoesNotContain(net.Seen<MemberObservation.Delivered>(), d => d.MessageId == 3 && net.Observations.Any(o => o.Member == "a" && ReferenceEquals(o.Seen, d)));
        net.Withhold = null;
        net.Release();
        var readByA = net.Observations.Where(o => o.Member == "a").Select(o => o.Seen).OfType<MemberObservation.Delivered>().Single(d => d.MessageId == 3);
        Assert.Equal(net.Members["c"].Chain.Tip, readByA.EpochId);
    }

    [Fact]
    public void A_member_that_never_received_the_losing_head_fetches_it_for_the_merge_instead_of_rejoining()
    {
        var net = new MiniNet(Retention, 11, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        static byte[] Body(Outgoing o) => MultiDatagram.TryParse(o.Bytes, out var d) && d is not null ? d.Body : [];
        var fromA = net.Members["a"].Update(0);
        var fromC = net.Members["c"].Update(0);
        bool aWins = net.Members["a"].Chain.Compare(net.Members["c"].Chain) == ChainRelation.ForkWeWin;
        // The bystander of the winning side never gets the losing branch's commit until a merge imports it.
        string bystander = aWins ? "b" : "d";
        byte[] losing = Body((aWins ? fromC : fromA).Sends[0]);
        string[] left = ["a", "b"];
        bool split = true;
        bool Merged() => net.Observations.Any(o => o.Seen is MemberObservation.Merged);
        net.Withhold = (from, o) => (split && left.Contains(from) != left.Contains(o.To))
            || (o.To == bystander && o.Kind == MultiKind.Commit && !Merged() && Body(o).AsSpan().SequenceEqual(losing));
        net.Take("a", fromA);
        net.Take("c", fromC);
        net.Deliver();
        net.Run(300);
        split = false;
        net.Release();
        net.Run(3_000);
        Assert.True(Merged());
        Assert.DoesNotContain(net.Observations, o => o.Member == bystander && o.Seen is MemberObservation.Rejoined { How: "external" });
        Assert.Contains(net.Observations, o => o.Member == bystander && o.Seen is MemberObservation.BranchHeld);
        AssertOneState(net);
    }

    /// <summary>The commit bodies on the wire, by hash, and those each member entered or held (on any branch).</summary>
    private static long BodiesHeldBy(MiniNet net, string member, IReadOnlyDictionary<string, int> bodies) =>
        net.Observations.Where(o => o.Member == member).Select(o => o.Seen switch
        {
            MemberObservation.EpochEntered e => e.CommitHash,
            MemberObservation.BranchHeld b => b.CommitHash,
            _ => null,
        }).OfType<byte[]>().Select(Convert.ToHexString).Distinct().Sum(h => bodies.TryGetValue(h, out int n) ? n : 0);

    private static Action<Outgoing> CollectCommitBodies(Dictionary<string, int> into, MultiOptions options) => o =>
    {
        if (o.Kind == MultiKind.Commit && MultiDatagram.TryParse(o.Bytes, out var d) && d is not null && d.Body.Length > 0)
            into[Convert.ToHexString(options.Suite.Hash(d.Body))] = d.Body.Length;
    };

    [Fact]
    public void Served_bytes_count_every_commit_body_kept_for_catch_ups_and_branch_fetch()
    {
        // The fork of Fork(), with the wire tapped: every member keeps (within the window) the body of each
        // commit it entered or held on the other branch, to serve catch-ups and branch fetches.
        var net = new MiniNet(Retention, 11, "a", "b", "c", "d");
        var bodies = new Dictionary<string, int>();
        net.Tap = CollectCommitBodies(bodies, Retention);
        net.Found("a", "b", "c", "d");
        net.Split = ["a", "b"];
        net.Take("a", net.Members["a"].Update(0));
        net.Take("c", net.Members["c"].Update(0));
        net.Deliver();
        net.Run(300);
        net.Heal();
        net.Run(3_000);
        Assert.NotEmpty(net.Seen<MemberObservation.BranchHeld>());
        foreach (var m in net.Members.Values)
        {
            long held = BodiesHeldBy(net, m.Name, bodies);
            Assert.True(held > 0, m.Name);
            Assert.True(m.ServedBytes() >= held, $"{m.Name}: served {m.ServedBytes()} < {held} bytes of commit bodies it keeps");
        }
    }

    [Fact]
    public void Served_bytes_count_the_commit_log_and_the_plaintexts_held_for_key_share()
    {
        var options = new MultiOptions { Strategy = MultiStrategy.Uncoordinated, KeyShare = KeySharePolicy.VerifiedMembers };
        var net = new MiniNet(options, 12, "a", "b", "c");
        var bodies = new Dictionary<string, int>();
        net.Tap = CollectCommitBodies(bodies, options);
        net.Found("a", "b", "c");
        for (int i = 0; i < 3; i++) { net.Take("a", net.Members["a"].Update(100 * i)); net.Deliver(); }
        var b = net.Members["b"];
        long log = BodiesHeldBy(net, "b", bodies);
        Assert.True(log > 0);
        Assert.True(b.ServedBytes() >= log, $"served {b.ServedBytes()} < {log} bytes of logged commits");
        long before = b.ServedBytes();
        net.Take("a", net.Members["a"].SendApplication(1, 200, 400));
        net.Deliver();
        Assert.True(b.ServedBytes() >= before + 200, $"served {b.ServedBytes()} after holding a 200-byte plaintext, {before} before");
    }
}
