using Sim.Engine.Baselines;
using Sim.Simulator.Agents;
using Sim.Simulator.Protocols;
using Sim.Simulator.Service;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests.Protocols;

/// <summary>
/// Each delivery-service policy of PAIRMLS.md "Baselines" does to the MLS baseline what it says, and
/// `pairsim compare` measures exactly that: a planted policy shows in the thief's healing and in what
/// the peer receives, against the honest server on the same seed and script. (Withholding commits:
/// <see cref="BaselineWorldTests"/>.)
/// </summary>
public sealed class DeliveryServicePolicyTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    private const long TheftMs = 250;

    private (WorldResult World, TheftReport Theft) Run(DeliveryServicePolicy ds, ulong seed = 31)
    {
        var o = new WorldOptions
        {
            Seed = seed,
            Protocol = "centralds",
            DeliveryService = ds,
            UserScript = WorldKit.Chat(8, 100),
            KeepDatagrams = true,
            Captures = [new StateCapture(Party.Alice, TheftMs)],
        };
        var r = fixture.Run(o);
        return (r, StateThief.Attack(ProtocolCatalog.Create(o.Protocol, o.Suite, o.RetentionWindow), Assert.Single(r.Captures), r.Datagrams, r.Trace.Events, o.Seed));
    }

    /// <summary>The payload ids of Alice's messages Bob delivered.</summary>
    private static HashSet<long> DeliveredAtBob(WorldResult r) =>
        r.Outcomes(Party.Bob.Name()).Where(e => e.Result == OutcomeEvent.Delivered && e.PayloadId is not null).Select(e => e.PayloadId!.Value).ToHashSet();

    [Fact]
    public void Delaying_Alices_commits_postpones_her_healing_and_a_delay_longer_than_a_turn_postpones_it_by_several_round_trips()
    {
        var honest = Run(DeliveryServicePolicy.Honest);
        Assert.True(honest.Theft.Healed, honest.Theft.ToString());

        var brief = Run(new DeliveryServicePolicy { Malice = DsMalice.DelayCommits, Victim = Party.Alice, DelayMs = 150 });
        Assert.True(brief.Theft.Healed, brief.Theft.ToString());
        Assert.True(brief.Theft.HealedAtMs > honest.Theft.HealedAtMs, $"delayed {brief.Theft} vs honest {honest.Theft}");
        // Only Alice's commits are held.
        var held = brief.World.ServiceObservations.Where(o => o.Action == DeliveryServiceActor.Delayed).ToList();
        Assert.NotEmpty(held);
        Assert.All(held, o => Assert.Equal((Party.Alice, DsKind.Commit), (o.From, o.View.Kind)));

        // Held past Bob's next commit (turns of 100 ms), her commits lose their epochs to his until one gets through:
        // the thief reads Bob meanwhile.
        var longer = Run(new DeliveryServicePolicy { Malice = DsMalice.DelayCommits, Victim = Party.Alice, DelayMs = 400 });
        Assert.True(longer.Theft.HealedAtMs > brief.Theft.HealedAtMs, $"400 ms {longer.Theft} vs 150 ms {brief.Theft}");
        Assert.True(longer.Theft.LaterOpened > brief.Theft.LaterOpened, $"400 ms {longer.Theft} vs 150 ms {brief.Theft}");
        Assert.True(longer.Theft.RoundTrips > honest.Theft.RoundTrips + 1, $"400 ms {longer.Theft} vs honest {honest.Theft}");
    }

    [Fact]
    public void Withholding_all_of_Alices_traffic_silences_her_and_keeps_the_thief_reading_Bob()
    {
        var honest = Run(DeliveryServicePolicy.Honest);
        var silenced = Run(new DeliveryServicePolicy { Malice = DsMalice.WithholdAll, Victim = Party.Alice, FromMs = TheftMs });
        var aliceAfter = silenced.World.Datagrams.Where(d => d.From == Party.Alice && d.T >= TheftMs && d.PayloadId != 0).Select(d => d.PayloadId).ToHashSet();
        Assert.NotEmpty(aliceAfter);
        Assert.Empty(aliceAfter.Intersect(DeliveredAtBob(silenced.World)));
        Assert.NotEmpty(honest.World.Datagrams.Where(d => d.From == Party.Alice && d.T >= TheftMs && d.PayloadId != 0).Select(d => d.PayloadId).Intersect(DeliveredAtBob(honest.World)));
        Assert.False(silenced.Theft.Healed, silenced.Theft.ToString());
        Assert.True(silenced.Theft.LaterPayloads > 0 && silenced.Theft.LaterOpened == silenced.Theft.LaterPayloads, silenced.Theft.ToString());
        Assert.All(silenced.World.ServiceObservations.Where(o => o.Action == DeliveryServiceActor.Withheld), o => Assert.Equal(Party.Alice, o.From));
    }

    [Fact]
    public void An_unreachable_server_loses_everything_sent_to_it_for_a_while_and_healing_waits_for_it()
    {
        var honest = Run(DeliveryServicePolicy.Honest);
        var away = Run(new DeliveryServicePolicy { UnreachableFromMs = 300, UnreachableToMs = 900 });
        var lost = away.World.ServiceObservations.Where(o => o.Action == DeliveryServiceActor.Unreachable).ToList();
        Assert.NotEmpty(lost);
        Assert.All(lost, o => Assert.InRange(o.T, 300, 899));
        Assert.DoesNotContain(away.World.ServiceObservations, o => o.Action == DeliveryServiceActor.Unreachable && (o.T < 300 || o.T >= 900));
        // Nothing Alice sent while it was away reaches Bob (messages are not retransmitted), unlike with the honest server.
        var sentAway = away.World.Datagrams.Where(d => d.From == Party.Alice && d.T is >= 300 and < 880 && d.PayloadId != 0).Select(d => d.PayloadId).ToHashSet();
        Assert.NotEmpty(sentAway);
        Assert.Empty(sentAway.Intersect(DeliveredAtBob(away.World)));
        Assert.True(honest.Theft.Healed && honest.Theft.HealedAtMs < 900, honest.Theft.ToString());
        Assert.True(away.Theft.Healed, away.Theft.ToString());
        Assert.True(away.Theft.HealedAtMs >= 900, $"healed at {away.Theft.HealedAtMs} ms while the server was unreachable until 900 ms");
    }
}
