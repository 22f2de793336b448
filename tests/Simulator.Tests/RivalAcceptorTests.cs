using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;
using static Sim.Simulator.Tests.WorldKit;

namespace Sim.Simulator.Tests;

/// <summary>
/// PAIRMLS.md "Creating a conversation": an invitation may be shared with many people. A second acceptor's
/// datagrams (the <c>rival</c> fault) reach the inviter; when one arrives before the world's acceptor's Welcome,
/// the invitation starts a conversation with that acceptor, which is one of its own: the inviter still joins the
/// world's acceptor from its Welcome, and their conversation goes on (found by <c>pairsim check --full-reach</c>:
/// the inviter took the first acceptor as her only conversation and refused every datagram of Bob's after it).
/// </summary>
public sealed class RivalAcceptorTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    private WorldResult Run(ulong seed) => fixture.Run(new WorldOptions
    {
        Seed = seed,
        FaultProfile = FaultProfile.None with { BobToAlice = new LinkFaults { RivalProbability = 1.0, DropProbability = 0.2, DelayMeanMs = 80 } },
        UserScript = Chat(rounds: 2),
    });

    [Fact]
    public void A_second_acceptor_whose_welcome_arrives_first_starts_another_conversation_and_the_pair_converges()
    {
        int before = 0;
        for (ulong seed = 1; seed <= 12 && before == 0; seed++)
        {
            var r = Run(seed);
            var alice = r.Trace.Events.Where(e => e.Party == "alice").ToList();
            var joined = Assert.Single(alice.OfType<JoinedEvent>());
            var other = alice.OfType<OutcomeEvent>().Where(o => o.Result == OutcomeEvent.OtherConversation).ToList();
            Assert.All(other, o => Assert.Contains("Mallory", o.Detail));
            // Every such datagram is one of the rival's (injected by the network), never one of Bob's.
            var query = new TraceQuery(r.Trace.Events);
            Assert.All(other, o => Assert.Equal("second_acceptor", query.Altered[query.DeliverOf(o)!.Datagram!].Why));
            if (other.Any(o => o.Seq < joined.Seq)) before++;
            Assert.True(r.Converged, $"seed {seed}: not converged");
            Assert.All(Checkers.Run(r.Trace.Events), v => Assert.True(v.Passed, $"seed {seed}: {v}"));
        }
        Assert.True(before > 0, "no world of seeds 1..12 had the rival's Welcome arrive first");
    }
}
