using Akka.Actor;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Simulator.Tests;

/// <summary>The party actor on its own, driven by a TestProbe: persist before send, crash and restart, rollback, offline.</summary>
public sealed class PartyActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private (IActorRef Alice, IActorRef Bob) Pair(ulong seed, int? aliceDiskReach = null, string suffix = "")
    {
        var root = new DeterministicRandomSource(seed, "party-actor-tests");
        // A fixed clock, as the worlds' virtual one: leaf lifetimes (RFC 9420 §7.2) from the wall clock would make two
        // pairs built seconds apart (a loaded machine) differ, and the test comparing them fail by chance.
        var options = PairOptions.Default with { Clock = () => 1_767_225_600 };
        var alice = Sys.ActorOf(PartyActor.Props(new PartyConfig(Party.Alice, Card.Create("Alice"), options, root.Derive("alice"), DiskReach: aliceDiskReach)), "alice" + suffix);
        var bob = Sys.ActorOf(PartyActor.Props(new PartyConfig(Party.Bob, Card.Create("Bob"), options, root.Derive("bob"))), "bob" + suffix);
        alice.Tell(new PartyActor.CreateInvitation(), TestActor);
        var invitation = ExpectMsg<PartyActor.InvitationCreated>(Wait);
        bob.Tell(new PartyActor.AcceptInvitation(invitation.Public), TestActor);
        var accepted = ExpectMsg<PartyActor.PartyReply>(Wait);
        Assert.Contains(accepted.Events.OfType<JoinedEvent>(), e => e.Party == "bob");
        return (alice, bob);
    }

    private PartyActor.PartyReply Ask(IActorRef actor, object message, Akka.TestKit.TestProbe probe)
    {
        actor.Tell(message, probe.Ref);
        return probe.ExpectMsg<PartyActor.PartyReply>(Wait);
    }

    private static PartyActor.UserSend Send(long id) => new(id, Payload.Create(id, 16, new DeterministicRandomSource((ulong)id)));

    [Fact]
    public void ReplyToSendCarriesTheDatagramOnlyAfterTheStateIsPersisted()
    {
        var (alice, bob) = Pair(1);
        var probe = CreateTestProbe();
        var first = Ask(bob, Send(1), probe);
        Assert.NotNull(first.Datagram);
        Assert.Contains(Ask(alice, new PartyActor.Deliver(first.Datagram!), probe).Events, e => e.Kind == TraceKind.Joined);

        // Alice's first send commits her epoch: the reply comes with the datagram, and by then the disk holds that state.
        var sent = Ask(alice, Send(2), probe);
        Assert.NotNull(sent.Datagram);
        var epoch = Assert.Single(sent.Events.OfType<EpochEvent>());
        alice.Tell(new PartyActor.GetDisk(), probe.Ref);
        var disk = probe.ExpectMsg<PartyActor.DiskReport>(Wait);
        Assert.Equal(2, disk.Saves); // joined, sent
        Assert.Equal(sent.PersistedStateId, disk.LastStateId);

        // What the disk holds is what made the datagram: after a crash and restart she sends in that epoch with that commit.
        Ask(alice, new PartyActor.Crash(100), probe);
        var restart = Ask(alice, new PartyActor.Restart(), probe);
        Assert.Equal(epoch.Epoch, Assert.Single(restart.Events).Epoch);
        Assert.Equal(((EpochEvent)epoch).CommitHash, ((RestartEvent)restart.Events[0]).CommitHash);
        var again = Ask(alice, Send(3), probe);
        Assert.DoesNotContain(again.Events, e => e.Kind == TraceKind.Epoch);
        Assert.Equal(epoch.Epoch, Assert.Single(again.Events.OfType<SendEvent>()).Epoch);
        // Bob takes both datagrams: one commit for the epoch, no fork.
        Assert.Equal("Delivered", Ask(bob, new PartyActor.Deliver(sent.Datagram!), probe).Outcome);
        Assert.Equal("Delivered", Ask(bob, new PartyActor.Deliver(again.Datagram!), probe).Outcome);
    }

    [Fact]
    public void DownOrOfflinePartyLosesDeliveriesAndDownPartyDoesNotSend()
    {
        var (alice, bob) = Pair(2);
        var probe = CreateTestProbe();
        var d1 = Ask(bob, Send(1), probe).Datagram!;
        Ask(alice, new PartyActor.GoOffline(50), probe);
        Assert.Equal("offline", Ask(alice, new PartyActor.Deliver(d1), probe).Lost);
        Ask(alice, new PartyActor.ComeBack(), probe);
        Ask(alice, new PartyActor.Crash(50), probe);
        Assert.Equal("crashed", Ask(alice, new PartyActor.Deliver(d1), probe).Lost);
        Assert.Equal("down", Ask(alice, Send(2), probe).Skipped);
        // Alice never joined: she restarts with her invitation and joins from the next datagram.
        Assert.True(Assert.IsType<RestartEvent>(Assert.Single(Ask(alice, new PartyActor.Restart(), probe).Events)).NotJoined);
        Assert.Equal("Delivered", Ask(alice, new PartyActor.Deliver(d1), probe).Outcome);
        // Bob offline: he still encrypts and persists, but the datagram cannot leave.
        Ask(bob, new PartyActor.GoOffline(50), probe);
        var offlineSend = Ask(bob, Send(3), probe);
        Assert.NotNull(offlineSend.Datagram);
        Assert.Equal("offline", offlineSend.Lost);
    }

    [Fact]
    public void RestoreRollsBackToAnOlderSaveAndDropsTheNewerOnes()
    {
        var (alice, bob) = Pair(3);
        var probe = CreateTestProbe();
        Ask(alice, new PartyActor.Deliver(Ask(bob, Send(1), probe).Datagram!), probe);
        var first = Ask(alice, Send(2), probe);
        var firstCommit = Assert.Single(first.Events.OfType<EpochEvent>());
        var restore = Assert.Single(Ask(alice, new PartyActor.Restore(1), probe).Events);
        Assert.Equal(TraceKind.Restore, restore.Kind);
        Assert.Equal(firstCommit.Epoch - 1, restore.Epoch);
        alice.Tell(new PartyActor.GetDisk(), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<PartyActor.DiskReport>(Wait).Saves);
        // She commits the same epoch again, differently: the fork the checkers must catch.
        var second = Ask(alice, Send(3), probe);
        var secondCommit = Assert.Single(second.Events.OfType<EpochEvent>());
        Assert.Equal(firstCommit.Epoch, secondCommit.Epoch);
        Assert.NotEqual(firstCommit.CommitHash, secondCommit.CommitHash);
        Assert.Equal("Delivered", Ask(bob, new PartyActor.Deliver(first.Datagram!), probe).Outcome);
        // Signed by her agent: an authentic fork, and Bob offers her a resync (docs/RECOVERY.md).
        Assert.Equal("RollbackDetected:Fork", Ask(bob, new PartyActor.Deliver(second.Datagram!), probe).Outcome);
        // Out of range is a no-op.
        Assert.NotNull(Ask(alice, new PartyActor.Restore(9), probe).Skipped);
    }

    [Fact]
    public void ADiskHoldingOnlyWhatTheRestoresReachBehavesLikeTheFullDisk()
    {
        // Restores of depth 2 and 1 reach at most 1 + 3 saves back: a disk holding 4 saves' bytes says and does what the full disk does.
        var runs = new[] { Pair(7, null, "-full"), Pair(7, 4, "-reach") }.Select(pair =>
        {
            var (alice, bob) = pair;
            var probe = CreateTestProbe();
            var events = new List<TraceEvent>();
            var saves = new List<int>();
            void Note(PartyActor.PartyReply r)
            {
                events.AddRange(r.Events);
                alice.Tell(new PartyActor.GetDisk(), probe.Ref);
                saves.Add(probe.ExpectMsg<PartyActor.DiskReport>(Wait).Saves);
            }
            long id = 0;
            void Exchange()
            {
                var b = Ask(bob, Send(++id), probe);
                Note(Ask(alice, new PartyActor.Deliver(b.Datagram!), probe));
                var a = Ask(alice, Send(++id), probe);
                Note(a);
                Ask(bob, new PartyActor.Deliver(a.Datagram!), probe);
            }
            for (int i = 0; i < 4; i++) Exchange();
            Note(Ask(alice, new PartyActor.Restore(2), probe));
            Exchange();
            Note(Ask(alice, new PartyActor.Restore(1), probe));
            Exchange();
            Note(Ask(alice, new PartyActor.Crash(10), probe));
            Note(Ask(alice, new PartyActor.Restart(), probe));
            return (Events: events.Select(e => $"{TraceJson.ToLine(e)}").ToList(), Saves: saves);
        }).ToList();
        Assert.Contains(runs[0].Events, e => e.Contains("\"kind\":\"restore\"", StringComparison.Ordinal));
        Assert.Equal(runs[0].Events, runs[1].Events);
        Assert.Equal(runs[0].Saves, runs[1].Saves);
    }
}
