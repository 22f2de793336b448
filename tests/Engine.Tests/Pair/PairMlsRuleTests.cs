using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>One test per rule of PAIRMLS.md (shared/PAIRMLS.md), named after the rule.</summary>
public sealed class PairMlsRuleTests
{
    // ------------------------------------------------------------ design goals

    [Fact]
    public void PartyCanEncryptWithoutWaitingForPeer()
    {
        var kit = new PairTestKit(seed: 2);
        // Bob sends three datagrams before Alice even exists; Alice joins from the last one.
        var b = Enumerable.Range(0, 3).Select(i => kit.Bob.Send(Bytes("b" + i)).Datagram).ToList();
        var alice = kit.Invitation.TryJoin(b[2], out var first);
        Assert.NotNull(alice);
        Assert.Equal("b2", Text(Assert.IsType<Delivered>(first).Payload));
        // Alice sends three datagrams without hearing anything more from Bob.
        var a = Enumerable.Range(0, 3).Select(i => alice!.Send(Bytes("a" + i)).Datagram).ToList();
        // Everything arrives, in reverse order, and is delivered.
        for (int i = 2; i >= 0; i--) Assert.Equal("a" + i, Text(Assert.IsType<Delivered>(kit.Bob.Receive(a[i])).Payload));
        for (int i = 1; i >= 0; i--) Assert.Equal("b" + i, Text(Assert.IsType<Delivered>(alice!.Receive(b[i])).Payload));
    }

    [Fact]
    public void PartyCanProposeIdentityChangeWithoutWaiting()
    {
        var kit = new PairTestKit(seed: 3).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        // Alice edits her card twice in a row, in the same epoch, without waiting for Bob.
        var d1 = a.Send(Bytes("edit 1"), new CardEdit("Alice A."));
        var d2 = a.Send(Bytes("edit 2"), new CardEdit("Alice B."));
        Assert.Equal(d1.Epoch, d2.Epoch);
        Assert.Equal(2, a.OwnProposalsInFlight);
        Assert.True(a.HasPendingIdentity);
        Assert.IsType<Delivered>(b.Receive(d1.Datagram));
        Assert.IsType<Delivered>(b.Receive(d2.Datagram));
        var reply = b.Send(Bytes("noted"));
        Assert.Contains(reply.Committed, c => c.Member == PairMember.Peer && c.Kind == UpdateKind.Identity && c.View.Card.DisplayName == "Alice B.");
        var delivered = Assert.IsType<Delivered>(a.Receive(reply.Datagram));
        var change = Assert.Single(delivered.Committed);
        Assert.Equal((PairMember.Self, UpdateKind.Identity, "Alice B."), (change.Member, change.Kind, change.View.Card.DisplayName));
        Assert.False(a.HasPendingIdentity);
        Exchange(a, b, "converge");
        AssertConverged(a, b);
    }

    // ------------------------------------------------------------ creating a conversation

    [Fact]
    public void AcceptorCommitsEmptyFirstWithProbabilityHalf()
    {
        var opts = PairOptions.Default;
        var invitation = Invitation.Create(AliceCard, opts, new DeterministicRandomSource(1, "inv"));
        int empty = 0;
        const int Trials = 40;
        for (ulong seed = 0; seed < Trials; seed++)
        {
            var bob = PairSession.Accept(invitation.Public, BobCard, null, opts, new DeterministicRandomSource(seed, "acceptor"));
            Assert.InRange(bob.WelcomeEpoch, 1UL, 2UL);
            if (bob.WelcomeEpoch == 2) empty++;
        }
        // Binomial(40, 1/2): outside [10, 30] has probability below 0.2%; the seeds are fixed, so this is deterministic.
        Assert.InRange(empty, 10, 30);
    }

    [Fact]
    public void WelcomeEpochSealedToInvitationInitKey()
    {
        var kit = new PairTestKit(seed: 4);
        var d1 = kit.Bob.Send(Bytes("one")).Datagram;
        var d2 = kit.Bob.Send(Bytes("two")).Datagram;
        // Another invitation's init key does not open it.
        using var other = Invitation.Create(AliceCard, kit.Options, new DeterministicRandomSource(99, "other"));
        Assert.Null(other.TryJoin(d1, out var refused));
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(refused).Reason);
        // It is HPKE to the KeyPackage's init key: enc || ct, nothing else.
        var suite = kit.Bob.Suite;
        var opened = suite.Hpke.Open(d1.AsSpan(0, suite.Kem.EncLength), kit.InvitationInitPrivateKey(), "PairMLS welcome seal"u8, [], d1.AsSpan(suite.Kem.EncLength));
        Assert.Equal(Sim.Engine.Framing.WireFormat.PrivateMessage, WireFormatOf(opened));
        // Alice joins from one, and later opens the other with the init key she keeps.
        var alice = kit.Invitation.TryJoin(d2, out _)!;
        Assert.Equal("one", Text(Assert.IsType<Delivered>(alice.Receive(d1)).Payload));
        Assert.Equal(kit.Bob.WelcomeEpoch, alice.WelcomeEpoch);
    }

    [Fact]
    public void InviteeRollsOverToNewAgentOnFirstSend()
    {
        var kit = new PairTestKit(seed: 5).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var invitationAgent = kit.Invitation.Public.KeyPackage.LeafNode.SignatureKey;
        Assert.Equal(invitationAgent, a.MyView.AgentKey);
        Assert.Equal(invitationAgent, b.PeerView.AgentKey);
        var sent = a.Send(Bytes("first"));
        Assert.NotEqual(invitationAgent, a.MyView.AgentKey);
        Assert.NotEmpty(a.MyView.SuccessionHash);
        Assert.Contains(sent.Committed, c => c.Member == PairMember.Self && c.Kind == UpdateKind.Agent);
        var delivered = Assert.IsType<Delivered>(b.Receive(sent.Datagram));
        var change = Assert.Single(delivered.Committed);
        Assert.Equal((PairMember.Peer, UpdateKind.Agent), (change.Member, change.Kind));
        Assert.Equal(a.MyView, b.PeerView);
        // The card is still the invitation's, now carried by the new agent's lineage.
        Assert.Equal(AliceCard, b.PeerView.Card);
        // Only the first commit rolls over.
        Exchange(b, a, "reply");
        var key = a.MyView.AgentKey;
        Exchange(a, b, "second");
        Assert.Equal(key, a.MyView.AgentKey);
        AssertConverged(a, b);
    }

    // ------------------------------------------------------------ steady state

    [Fact]
    public void EpochOwnershipFollowsParity()
    {
        var kit = new PairTestKit(seed: 6).Joined();
        var (a, b) = (kit.A, kit.Bob);
        ulong w = b.WelcomeEpoch;
        for (ulong e = 0; e < 10; e++)
        {
            Assert.NotEqual(a.IsOwner(e), b.IsOwner(e));
            Assert.Equal((e % 2) == (w % 2), b.IsOwner(e));
        }
        var sender = a;
        var receiver = b;
        for (int i = 0; i < 6; i++)
        {
            var sent = sender.Send(Bytes("m" + i));
            Assert.True(sender.IsOwner(sent.Epoch));
            Assert.True(sender.IsOwner(sender.Epoch));
            var delivered = Assert.IsType<Delivered>(receiver.Receive(sent.Datagram));
            Assert.False(receiver.IsOwner(delivered.Epoch));
            (sender, receiver) = i % 2 == 0 ? (b, a) : (a, b);
        }
    }

    [Fact]
    public void CommitOncePerOwnedEpochSameStapleEveryDatagram()
    {
        var kit = new PairTestKit(seed: 7).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var sends = Enumerable.Range(0, 3).Select(i => a.Send(Bytes("a" + i))).ToList();
        Assert.All(sends, s => Assert.Equal(sends[0].Epoch, s.Epoch));
        Assert.Equal(b.WelcomeEpoch + 1, a.Epoch);
        var bodies = sends.Select(s => a.Inspect(s.Datagram)!).ToList();
        Assert.All(bodies, x => Assert.Equal(Tls.Serialize(bodies[0].Staple), Tls.Serialize(x.Staple)));
        Assert.Equal(bodies[0].Staple.Hash(a.Suite), a.CommitHash(a.Epoch));
        // State stays bounded: without an identity change, every datagram staples the epoch's one update proposal again.
        Assert.Single(bodies.Select(x => Convert.ToHexString(Tls.Serialize(x.Proposal))).Distinct());
        Assert.Equal(1, a.OwnProposalsInFlight);
        foreach (var s in sends) Assert.IsType<Delivered>(b.Receive(s.Datagram));
        Assert.Equal(a.CommitHash(a.Epoch), b.CommitHash(a.Epoch));
    }

    [Fact]
    public void CommitCoversBestRankedProposal()
    {
        var kit = new PairTestKit(seed: 8).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");

        // Identity > leaf, even when the leaf update is newer. An honest sender's proposals only grow in
        // rank within an epoch (each carries its whole pending identity), so the leaf update is made to
        // look newest by hand.
        var leaf = a.Send(Bytes("leaf"));
        var identity = a.Send(Bytes("identity"), new CardEdit("Alice Identity"));
        Assert.IsType<Delivered>(b.Receive(identity.Datagram));
        Assert.IsType<Delivered>(b.Receive(leaf.Datagram));
        MakeNewest(b, ProposedLeaf(a, leaf.Datagram));
        var reply = b.Send(Bytes("commit 1"));
        Assert.Equal("Alice Identity", b.PeerView.Card.DisplayName);
        Assert.IsType<Delivered>(a.Receive(reply.Datagram));
        Assert.Equal(ProposedLeaf(a, identity.Datagram).EncryptionKey, a.State.Group.OwnLeaf.EncryptionKey);

        // Agent > leaf.
        var leaf2 = a.Send(Bytes("leaf 2"));
        var agent = a.Send(Bytes("agent"), rollOverAgent: true);
        Assert.IsType<Delivered>(b.Receive(leaf2.Datagram));
        Assert.IsType<Delivered>(b.Receive(agent.Datagram));
        MakeNewest(b, ProposedLeaf(a, leaf2.Datagram));
        var reply2 = b.Send(Bytes("commit 2"));
        Assert.Contains(reply2.Committed, c => c.Member == PairMember.Peer && c.Kind == UpdateKind.Agent);
        Assert.Equal(ProposedLeaf(a, agent.Datagram).SignatureKey, b.PeerView.AgentKey);
        Assert.IsType<Delivered>(a.Receive(reply2.Datagram));
        Assert.False(a.HasPendingIdentity);
        AssertConvergedAfter(a, b);
    }

    [Fact]
    public void LaterProposalsCarryTheWholePendingIdentity()
    {
        var kit = new PairTestKit(seed: 26).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        var edit = a.Send(Bytes("edit"), new CardEdit("Alice E"));
        var roll = a.Send(Bytes("roll"), rollOverAgent: true);
        var plain = a.Send(Bytes("plain"));
        // Only the last arrives: it alone commits both the card and the new agent.
        Assert.IsType<Delivered>(b.Receive(plain.Datagram));
        var reply = b.Send(Bytes("commit"));
        Assert.Equal("Alice E", b.PeerView.Card.DisplayName);
        Assert.Equal(ProposedLeaf(a, roll.Datagram).SignatureKey, b.PeerView.AgentKey);
        var delivered = Assert.IsType<Delivered>(a.Receive(reply.Datagram));
        Assert.Equal(UpdateKind.Identity, Assert.Single(delivered.Committed).Kind);
        Assert.False(a.HasPendingIdentity);
        Assert.IsType<Delivered>(b.Receive(edit.Datagram));
        AssertConvergedAfter(a, b);
    }

    [Fact]
    public void CommitCoversNewestProposalOfTheSameRank()
    {
        var kit = new PairTestKit(seed: 9).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        // Three identity proposals of one epoch (each card edit makes a new one).
        var sends = Enumerable.Range(0, 3).Select(i => a.Send(Bytes("edit " + i), new CardEdit("Alice " + i))).ToList();
        Assert.Equal(3, a.OwnProposalsInFlight);
        var newest = ProposedLeaf(a, sends[2].Datagram);
        // Delivered newest first: ranking is by generation, not by arrival.
        foreach (var s in Enumerable.Reverse(sends)) Assert.IsType<Delivered>(b.Receive(s.Datagram));
        Assert.IsType<Delivered>(a.Receive(b.Send(Bytes("commit")).Datagram));
        Assert.Equal(newest.EncryptionKey, a.State.Group.OwnLeaf.EncryptionKey);
        Assert.Equal("Alice 2", a.MyView.Card.DisplayName);
        Assert.Equal(0, a.OwnProposalsInFlight);
    }

    [Fact]
    public void OwnProposalsPerEpochAreBounded()
    {
        var kit = new PairTestKit(seed: 27).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        Exchange(b, a, "ok");
        // More card edits in one epoch than the bound: the proposals stop at the bound, the last
        // datagrams staple the newest proposal again (with its own evidence), the last edit waits.
        var sends = Enumerable.Range(0, PairState.MaxOwnProposals + 3).Select(i => a.Send(Bytes("e" + i), new CardEdit("Alice " + i))).ToList();
        Assert.Equal(PairState.MaxOwnProposals, a.OwnProposalsInFlight);
        var proposals = sends.Select(x => Convert.ToHexString(Tls.Serialize(a.Inspect(x.Datagram)!.Proposal))).ToList();
        Assert.Equal(PairState.MaxOwnProposals, proposals.Distinct().Count());
        Assert.All(proposals.Skip(PairState.MaxOwnProposals), p => Assert.Equal(proposals[PairState.MaxOwnProposals - 1], p));
        foreach (var x in sends) Assert.IsType<Delivered>(b.Receive(x.Datagram));
        Assert.IsType<Delivered>(a.Receive(b.Send(Bytes("commit")).Datagram));
        Assert.Equal($"Alice {PairState.MaxOwnProposals - 1}", a.MyView.Card.DisplayName);
        Assert.True(a.HasPendingIdentity);
        // The edit that waited is proposed in the next epoch and committed.
        Exchange(a, b, "again");
        Assert.IsType<Delivered>(a.Receive(b.Send(Bytes("taken")).Datagram));
        Assert.Equal($"Alice {PairState.MaxOwnProposals + 2}", a.MyView.Card.DisplayName);
        Assert.False(a.HasPendingIdentity);
        AssertConverged(a, b);
    }

    [Fact]
    public void UntakenIdentityUpdateIsProposedAgain()
    {
        var kit = new PairTestKit(seed: 10).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "before");
        // The edit is delayed: Bob commits Alice's earlier leaf update without it.
        var late = a.Send(Bytes("edit"), new CardEdit("Alice New"));
        var reply = b.Send(Bytes("reply"));
        Assert.DoesNotContain(reply.Committed, c => c.Kind == UpdateKind.Identity);
        Assert.IsType<Delivered>(a.Receive(reply.Datagram));
        Assert.True(a.HasPendingIdentity);
        Assert.Equal(AliceCard.DisplayName, a.MyView.Card.DisplayName);
        // The late datagram is still delivered (its epoch is retained) but its proposal is stale.
        Assert.IsType<Delivered>(b.Receive(late.Datagram));
        // Alice's next datagram proposes the edit again; Bob's next commit takes it.
        var again = a.Send(Bytes("again"));
        AssertProposesNewCard(a, again.Datagram, b);
        Assert.IsType<Delivered>(b.Receive(again.Datagram));
        var commit = b.Send(Bytes("taken"));
        Assert.Contains(commit.Committed, c => c.Member == PairMember.Peer && c.Kind == UpdateKind.Identity);
        var delivered = Assert.IsType<Delivered>(a.Receive(commit.Datagram));
        Assert.Contains(delivered.Committed, c => c.Member == PairMember.Self && c.View.Card.DisplayName == "Alice New");
        Assert.False(a.HasPendingIdentity);
    }

    [Fact]
    public void NeverMoreThanOneEpochAhead()
    {
        var kit = new PairTestKit(seed: 11).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var random = new DeterministicRandomSource(11, "script");
        var inFlightToA = new List<byte[]>();
        var inFlightToB = new List<byte[]>();
        for (int step = 0; step < 60; step++)
        {
            switch (random.NextUInt64(4))
            {
                case 0: inFlightToB.Add(a.Send(Bytes("a" + step)).Datagram); break;
                case 1: inFlightToA.Add(b.Send(Bytes("b" + step)).Datagram); break;
                case 2 when inFlightToB.Count > 0: Deliver(inFlightToB, b, random); break;
                case 3 when inFlightToA.Count > 0: Deliver(inFlightToA, a, random); break;
            }
            Assert.InRange((long)a.Epoch - (long)b.Epoch, -1, 1);
        }
        static void Deliver(List<byte[]> queue, PairSession to, IRandomSource random)
        {
            int i = (int)random.NextUInt64((ulong)queue.Count);
            var outcome = to.Receive(queue[i]);
            queue.RemoveAt(i);
            Assert.True(outcome is Delivered or Expired, outcome.ToString());
        }
    }

    // ------------------------------------------------------------ framing

    [Fact]
    public void DatagramStandsAlone()
    {
        var kit = new PairTestKit(seed: 12);
        // Any single datagram of w lets Alice join.
        var w = Enumerable.Range(0, 4).Select(i => kit.Bob.Send(Bytes("w" + i)).Datagram).ToList();
        var alice = kit.Invitation.TryJoin(w[2], out _)!;
        // Any single datagram of a later epoch can be opened alone: only the last of three arrives.
        var a = Enumerable.Range(0, 3).Select(i => alice.Send(Bytes("a" + i)).Datagram).ToList();
        Assert.Equal("a2", Text(Assert.IsType<Delivered>(kit.Bob.Receive(a[2])).Payload));
        var b = Enumerable.Range(0, 3).Select(i => kit.Bob.Send(Bytes("b" + i)).Datagram).ToList();
        Assert.Equal("b1", Text(Assert.IsType<Delivered>(alice.Receive(b[1])).Payload));
        AssertConverged(alice, kit.Bob);
    }

    [Fact]
    public void ReceiverTriesHeaderKeysNewestFirst()
    {
        var kit = new PairTestKit(seed: 13).Joined();
        var (a, b) = (kit.A, kit.Bob);
        for (int i = 0; i < 4; i++)
        {
            Exchange(a, b, "a" + i);
            Exchange(b, a, "b" + i);
        }
        var order = PairReceiverOrder(a);
        Assert.Equal(order.OrderByDescending(e => e), order);
        Assert.Equal(a.Epoch + 1, order[0]);
        // Keys of the current, next and retained epochs open their datagrams.
        var late = b.Send(Bytes("late"));           // b's current epoch
        Exchange(a, b, "newer");                     // a commits into the next epoch
        Assert.Equal("late", Text(Assert.IsType<Delivered>(a.Receive(late.Datagram)).Payload));
    }

    [Fact]
    public void ReflectedDatagramIsWrongParity()
    {
        var kit = new PairTestKit(seed: 14).Joined();
        var sent = kit.A.Send(Bytes("mine"));
        Assert.Equal(RejectReason.WrongParity, Assert.IsType<Rejected>(kit.A.Receive(sent.Datagram)).Reason);
    }

    // ------------------------------------------------------------ receiving

    [Fact]
    public void DuplicateIsNeverDeliveredTwice()
    {
        var kit = new PairTestKit(seed: 15).Joined();
        var (a, b) = (kit.A, kit.Bob);
        var first = kit.Bob.Send(Bytes("again"));
        Assert.IsType<Delivered>(a.Receive(first.Datagram));
        Assert.IsType<Duplicate>(a.Receive(first.Datagram));
        var sent = a.Send(Bytes("x"));
        Assert.IsType<Delivered>(b.Receive(sent.Datagram));
        Assert.IsType<Duplicate>(b.Receive(sent.Datagram));
        // Still a duplicate after both sides moved on (its epoch is retained).
        Exchange(b, a, "next");
        Assert.IsType<Duplicate>(b.Receive(sent.Datagram));
        Assert.IsType<Duplicate>(a.Receive(first.Datagram));
    }

    [Fact]
    public void ExpiredOutsideRetentionWindow()
    {
        var kit = new PairTestKit(seed: 16, options: PairOptions.Default with { RetentionWindow = 1 }).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var old = b.Send(Bytes("old"));              // Bob commits into his epoch k; lost for now
        Exchange(a, b, "a1");                        // Alice, still in k-1, sends in it
        Exchange(b, a, "b1");                        // Alice enters k
        Exchange(a, b, "a2");                        // k+1
        Exchange(b, a, "b2");                        // k+2: with R = 1 only k+1 keeps its keys
        Assert.True(a.Epoch >= old.Epoch + 2, $"a at {a.Epoch}, old in {old.Epoch}");
        var before = a.Save();
        Assert.Equal(old.Epoch, Assert.IsType<Expired>(a.Receive(old.Datagram)).Epoch);
        Assert.Equal(before, a.Save());
    }

    [Fact]
    public void RetainedPastEpochIsStillDelivered()
    {
        var kit = new PairTestKit(seed: 17, options: PairOptions.Default with { RetentionWindow = 2 }).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var old = b.Send(Bytes("old"));
        Exchange(b, a, "b0");
        Exchange(a, b, "a1");
        Assert.Equal(old.Epoch + 1, a.Epoch);
        Assert.Equal("old", Text(Assert.IsType<Delivered>(a.Receive(old.Datagram)).Payload));
    }

    [Fact]
    public void RejectionChangesNothing()
    {
        var kit = new PairTestKit(seed: 18).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var good = b.Send(Bytes("good")).Datagram;
        var before = a.Save();
        var random = new DeterministicRandomSource(18, "flips");
        for (int i = 0; i < 40; i++)
        {
            var bad = (byte[])good.Clone();
            bad[(int)random.NextUInt64((ulong)bad.Length)] ^= (byte)(1 << (int)random.NextUInt64(8));
            Assert.IsType<Rejected>(a.Receive(bad));
            Assert.Equal(before, a.Save());
        }
        Assert.IsType<Rejected>(a.Receive(good.AsSpan(0, good.Length - 1)));
        Assert.IsType<Rejected>(a.Receive([]));
        Assert.Equal(before, a.Save());
        Assert.Equal("good", Text(Assert.IsType<Delivered>(a.Receive(good)).Payload));
    }

    [Fact]
    public void CrossSessionDatagramIsNotForThisSession()
    {
        var one = new PairTestKit(seed: 19).Joined();
        var two = new PairTestKit(seed: 20).Joined();
        var sent = one.Bob.Send(Bytes("for one"));
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(two.A.Receive(sent.Datagram)).Reason);
    }

    [Fact]
    public void SecondDifferentCommitIsAFork()
    {
        var kit = new PairTestKit(seed: 21).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        // Bob is in Alice's epoch; his saved state before committing into his next one.
        var saved = b.Save();
        var first = b.Send(Bytes("first commit"));
        Assert.IsType<Delivered>(a.Receive(first.Datagram));
        // Bob is restored from the older state (a rollback) and commits the same epoch again.
        var rolledBack = PairSession.Load(saved, kit.Options, new DeterministicRandomSource(21, "rollback"));
        var second = rolledBack.Send(Bytes("second commit"));
        Assert.Equal(first.Epoch, second.Epoch);
        Assert.NotEqual(b.CommitHash(first.Epoch), rolledBack.CommitHash(first.Epoch));
        // It is signed by Bob's agent: a rollback (docs/RECOVERY.md), and Alice offers a resync from now on.
        var detected = Assert.IsType<RollbackDetected>(a.Receive(second.Datagram));
        Assert.Equal(RollbackEvidence.Fork, detected.Evidence);
        Assert.True(detected.RecoveryOffered);
        Assert.Equal(1, a.ForksDetected);
        Assert.Equal(first.Epoch, a.OfferingResyncUnder);
        // The same fork again: detected and counted again, nothing more changes.
        var before = a.Save();
        Assert.False(a.Receive(second.Datagram).StateChanged);
        Assert.Equal(2, a.ForksDetected);
        Assert.Equal(before, a.Save());
    }

    [Fact]
    public void WelcomeForkIsDetected()
    {
        var kit = new PairTestKit(seed: 22).Joined();
        // A second acceptance of the same invitation is another session, not a fork of this one.
        var otherBob = PairSession.Accept(kit.Invitation.Public, BobCard, null, kit.Options, new DeterministicRandomSource(22, "other"));
        var outcome = kit.A.Receive(otherBob.Send(Bytes("hi")).Datagram);
        Assert.Equal(RejectReason.NotForThisSession, Assert.IsType<Rejected>(outcome).Reason);
        Assert.Equal(0, kit.A.ForksDetected);
    }

    // ------------------------------------------------------------ persistence

    [Fact]
    public void SendHandsOutTheStateThatMadeTheDatagram()
    {
        var kit = new PairTestKit(seed: 23).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var sent = b.Send(Bytes("persisted"), new CardEdit("Bob 2"));
        Assert.Equal(b.Save(), sent.State);
        // A crash right after sending: the restored Bob continues the conversation.
        var restored = PairSession.Load(sent.State, kit.Options, new DeterministicRandomSource(23, "restart"));
        Assert.Equal(sent.State, restored.Save());
        Assert.IsType<Delivered>(a.Receive(sent.Datagram));
        Exchange(a, restored, "after restart");
        Exchange(restored, a, "reply");
        AssertConverged(a, restored);
        Assert.Equal("Bob 2", a.PeerView.Card.DisplayName);
    }

    [Fact]
    public void InviteeStateSurvivesRestartBeforeFirstSend()
    {
        var kit = new PairTestKit(seed: 24).Joined();
        var restored = PairSession.Load(kit.A.Save(), kit.Options, new DeterministicRandomSource(24, "restart"));
        Assert.Equal(kit.A.Save(), restored.Save());
        // The init key is kept: late datagrams of w still open; the first send still rolls over.
        Assert.IsType<Delivered>(restored.Receive(kit.Bob.Send(Bytes("late w")).Datagram));
        Exchange(restored, kit.Bob, "first");
        Assert.NotEqual(kit.Invitation.Public.KeyPackage.LeafNode.SignatureKey, restored.MyView.AgentKey);
    }

    [Fact]
    public void CorruptedStateDoesNotLoad()
    {
        var kit = new PairTestKit(seed: 25).Joined();
        var saved = kit.A.Save();
        var random = new DeterministicRandomSource(25, "corrupt");
        for (int i = 0; i < 30; i++)
        {
            var bad = saved.AsSpan(0, (int)random.NextUInt64((ulong)saved.Length)).ToArray();
            Assert.Throws<MlsDecodeException>(() => PairSession.Load(bad, kit.Options, random));
        }
    }

    // ------------------------------------------------------------ helpers

    private static LeafNode ProposedLeaf(PairSession sender, byte[] datagram) =>
        ((UpdateProposal)sender.Inspect(datagram)!.ProposalMessage.Content.Proposal!).LeafNode;

    /// <summary>The datagram's update proposal binds another card than the one the receiver has committed for the sender.</summary>
    private static void AssertProposesNewCard(PairSession sender, byte[] datagram, PairSession receiver)
    {
        var binding = IdentityBinding.FromLeaf(ProposedLeaf(sender, datagram));
        Assert.NotEqual(receiver.PeerView.CardAssertionHash, binding.CardAssertionHash);
    }

    /// <summary>Gives the cached peer proposal for <paramref name="leaf"/> the highest sequence number.</summary>
    private static void MakeNewest(PairSession receiver, LeafNode leaf)
    {
        var s = receiver.State;
        var target = s.PeerProposals.Single(p => ((UpdateProposal)s.Group.Proposals.Single(c => c.RefEquals(p.Ref)).Proposal).LeafNode.EncryptionKey
            .AsSpan().SequenceEqual(leaf.EncryptionKey));
        receiver.ReplaceStateForTests(s with
        {
            PeerProposals = s.PeerProposals.Replace(target, target with { Priority = target.Priority with { Sequence = 1_000_000 } }),
        });
    }

    private static List<ulong> PairReceiverOrder(PairSession session) => PairReceiver.TrialOrder(session.State).ToList();

    private static Sim.Engine.Framing.WireFormat WireFormatOf(byte[] body) => Tls.Deserialize<Sim.Engine.Framing.MlsMessage>(body).WireFormat;

    private static void AssertConvergedAfter(PairSession a, PairSession b)
    {
        Exchange(a, b, "converge");
        AssertConverged(a, b);
    }
}
