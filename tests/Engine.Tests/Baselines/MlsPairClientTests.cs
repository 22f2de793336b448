using System.Text;
using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Baselines;

/// <summary>
/// The two-member RFC 9420 baselines on the real engine: behind a central delivery service (first
/// commit per epoch wins; a malicious one that withholds Alice's commits stops her key refresh, so a
/// thief of her state reads Bob's messages for ever) and self-commit (a second card edit in flight waits).
/// </summary>
public sealed class MlsPairClientTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    /// <summary>Two clients, and for <see cref="CommitRule.DeliveryServiceOrders"/> a server core between them; datagrams move at once, in order.</summary>
    private sealed class Net
    {
        public readonly CommitRule Rule;
        public readonly DeliveryServiceCore Core = new();
        public readonly MlsPairClient Bob;
        public MlsPairClient? Alice;
        public bool WithholdAliceCommits;
        /// <summary>Every datagram that reached Alice, in order (what a thief of her state is fed).</summary>
        public readonly List<byte[]> ToAlice = [];
        public readonly List<ReceiveOutcome> AliceOutcomes = [];
        private readonly MlsPairInvitation _invitation;

        public Net(CommitRule rule, ulong seed)
        {
            Rule = rule;
            var random = new DeterministicRandomSource(seed, "mls-pair-tests");
            _invitation = MlsPairClient.Invite(Card.Create("Alice"), 1, rule, 2, random.Derive("alice"));
            Bob = MlsPairClient.Accept(_invitation.Public, Card.Create("Bob"), rule, 2, random.Derive("bob"));
        }

        public MlsPairClient A => Alice ?? throw new InvalidOperationException("Alice has not joined");

        public void Send(bool fromAlice, string text, bool edit = false)
        {
            var from = fromAlice ? A : Bob;
            var (datagrams, _) = from.Send(B(text), edit ? new CardEdit($"{from.DesiredCard.DisplayName}+") : null);
            Post(fromAlice, datagrams.Select(d => d.Bytes));
        }

        public void Post(bool fromAlice, IEnumerable<byte[]> datagrams)
        {
            foreach (var d in datagrams)
            {
                if (Rule == CommitRule.OwnEpochsByParity) { Arrive(!fromAlice, d); continue; }
                if (fromAlice && WithholdAliceCommits && DsView.Of(d).Kind == DsKind.Commit) continue;
                var (toPeer, toSender, _) = Core.Route(d);
                foreach (var x in toPeer) Arrive(!fromAlice, x);
                foreach (var x in toSender) Arrive(fromAlice, x);
            }
        }

        private void Arrive(bool atAlice, byte[] d)
        {
            if (atAlice)
            {
                ToAlice.Add(d);
                if (Alice is null)
                {
                    Alice = _invitation.TryJoin(d, out var joined);
                    AliceOutcomes.Add(joined);
                    return;
                }
            }
            var to = atAlice ? A : Bob;
            var (outcome, released) = to.Receive(d);
            if (atAlice) AliceOutcomes.Add(outcome);
            Post(atAlice, released.Select(r => r.Bytes));
        }

        public void Rounds(int n)
        {
            for (int i = 0; i < n; i++)
            {
                Send(false, $"bob {i}");
                Send(true, $"alice {i}");
            }
        }
    }

    [Fact]
    public void Behind_an_honest_server_messages_flow_epochs_advance_and_both_agree()
    {
        var net = new Net(CommitRule.DeliveryServiceOrders, 1);
        net.Rounds(4);
        Assert.Contains(net.AliceOutcomes, o => o is Delivered d && S(d.Payload) == "bob 3");
        Assert.True(net.A.Epoch >= 5, $"epoch {net.A.Epoch}");
        Assert.Equal(net.A.Epoch, net.Bob.Epoch);
        Assert.Equal(net.A.EpochAuthenticator, net.Bob.EpochAuthenticator);
        Assert.True(net.A.CommitsMade > 0 && net.Bob.CommitsMade > 0);
    }

    [Fact]
    public void Two_commits_for_one_epoch_the_server_takes_the_first_and_the_loser_retries()
    {
        var net = new Net(CommitRule.DeliveryServiceOrders, 2);
        net.Rounds(1);
        // Both edit their cards (so both commit) the same epoch before hearing from the other: the server orders Bob's first.
        var (bobs, _) = net.Bob.Send(B("race bob"), new CardEdit("Bob 2"));
        var (alices, _) = net.A.Send(B("race alice"), new CardEdit("Alice 2"));
        Assert.Contains(bobs, d => DsView.Of(d.Bytes).Kind == DsKind.Commit);
        Assert.Contains(alices, d => DsView.Of(d.Bytes).Kind == DsKind.Commit);
        net.Post(false, bobs.Select(d => d.Bytes));
        net.Post(true, alices.Select(d => d.Bytes));
        Assert.Equal(1, net.Core.CommitsRefused);
        Assert.Equal(1, net.A.CommitsRefused);
        net.Rounds(2);
        Assert.Equal(net.A.EpochAuthenticator, net.Bob.EpochAuthenticator);
    }

    [Fact]
    public void A_message_read_while_our_commit_waits_at_the_server_is_not_read_again_once_the_server_accepts_the_commit()
    {
        var net = new Net(CommitRule.DeliveryServiceOrders, 3);
        net.Rounds(1);
        // Alice started the current epoch, so she sends without committing and Bob commits before he sends.
        var (alices, _) = net.A.Send(B("once"));
        var message = Assert.Single(alices).Bytes;
        var (bobs, _) = net.Bob.Send(B("bob"));
        var commit = bobs.Single(d => DsView.Of(d.Bytes).Kind == DsKind.Commit).Bytes;
        Assert.True(net.Bob.CommitInFlight);
        ulong epoch = net.Bob.Epoch;
        Assert.Equal("once", S(Assert.IsType<Delivered>(net.Bob.Receive(message).Outcome).Payload));
        // The server accepts Bob's commit and fans it back: Bob enters the epoch it staged before he read Alice's message.
        var (_, toSender, _) = net.Core.Route(commit);
        Assert.IsType<HandshakeApplied>(net.Bob.Receive(Assert.Single(toSender)).Outcome);
        Assert.Equal(epoch + 1, net.Bob.Epoch);
        // A replay of the message (its epoch is a retained past one now) is not delivered twice.
        Assert.IsNotType<Delivered>(net.Bob.Receive(message).Outcome);
    }

    /// <summary>What a thief of Alice's state opens of Bob's messages after the theft, fed everything that reached Alice.</summary>
    private static List<string> ThiefReads(bool withhold, ulong seed)
    {
        var net = new Net(CommitRule.DeliveryServiceOrders, seed) { WithholdAliceCommits = withhold };
        net.Rounds(1);
        var stolen = MlsPairClient.Load(net.A.Save(), 2, new DeterministicRandomSource(seed, "thief"));
        int from = net.ToAlice.Count;
        net.Rounds(6);
        var read = new List<string>();
        foreach (var d in net.ToAlice.Skip(from))
            if (stolen.Receive(d).Outcome is Delivered x) read.Add(S(x.Payload));
        return read;
    }

    [Fact]
    public void A_server_that_withholds_Alices_commits_stops_her_key_refresh_so_the_thief_reads_Bob_for_ever()
    {
        var read = ThiefReads(withhold: true, 3);
        Assert.Contains("bob 5", read);
        // The honest server lets her commit through: after one round trip the thief reads nothing of Bob's.
        var honest = ThiefReads(withhold: false, 3);
        Assert.DoesNotContain("bob 5", honest);
        Assert.DoesNotContain("bob 2", honest);
    }

    [Fact]
    public void Self_commit_makes_the_second_card_edit_in_flight_wait_for_the_peers_commit()
    {
        var net = new Net(CommitRule.OwnEpochsByParity, 4);
        net.Rounds(1);
        net.Send(false, "bob commits his epoch");
        // Bob's commit started the current epoch: Alice's first edit is committed at once into her epoch.
        var (first, _) = net.A.Send(B("edit 1"), new CardEdit("Alice 2"));
        Assert.Contains(first, d => d.CardVersion == 2);
        // Her epoch is current and the peer has not answered: the second edit cannot be committed.
        var (second, _) = net.A.Send(B("edit 2"), new CardEdit("Alice 3"));
        Assert.DoesNotContain(second, d => d.CardVersion is not null);
        Assert.Equal(1, net.A.EditsWaited);
        net.Post(true, first.Concat(second).Select(d => d.Bytes));
        // Bob answers (his commit starts his epoch): only now does Alice's second edit leave.
        var (bobs, _) = net.Bob.Send(B("answer"));
        var commit = bobs.First(d => DsView.Of(d.Bytes).Kind == DsKind.Commit);
        var (_, released) = net.A.Receive(commit.Bytes);
        Assert.Contains(released, d => d.CardVersion == 3);
    }
}
