using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Network;
using Sim.Simulator.Protocols;
using Sim.Simulator.Service;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests.Protocols;

/// <summary>
/// The baselines in whole worlds, and the PairMLS design argument made falsifiable (PAIRMLS.md
/// "Baselines"): a server that withholds Alice's commits stops her key refresh (a thief of her state
/// reads Bob for ever) while PairMLS, under the same adversary on its transport, locks the thief out
/// after one round trip; static keys never lock it out; self-commit makes a second edit wait.
/// </summary>
public sealed class BaselineWorldTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    private static WorldOptions Chat(string protocol, ulong seed, DeliveryServicePolicy? ds = null, long? captureMs = null) => new()
    {
        Seed = seed,
        Protocol = protocol,
        DeliveryService = ds,
        UserScript = WorldKit.Chat(6, 100),
        KeepDatagrams = true,
        Captures = captureMs is { } t ? [new StateCapture(Party.Alice, t)] : [],
    };

    private TheftReport Theft(WorldOptions o)
    {
        var r = fixture.Run(o);
        return StateThief.Attack(ProtocolCatalog.Create(o.Protocol, o.Suite, o.RetentionWindow), Assert.Single(r.Captures), r.Datagrams, r.Trace.Events, o.Seed);
    }

    [Theory]
    [InlineData("statickeys")]
    [InlineData("centralds")]
    [InlineData("selfcommit")]
    public void A_clean_chat_delivers_every_message_and_the_checkers_the_protocol_claims_hold(string protocol)
    {
        var r = fixture.Run(Chat(protocol, 11));
        var sent = r.Safety().OfType<SendEvent>().Where(e => e.PayloadId is not null).Select(e => e.PayloadId!.Value).Distinct().ToList();
        var delivered = r.Of(TraceKind.Outcome).OfType<OutcomeEvent>().Where(e => e.Result == OutcomeEvent.Delivered).Select(e => e.PayloadId!.Value).ToHashSet();
        Assert.Equal(12, sent.Count);
        Assert.All(sent, p => Assert.Contains(p, delivered));
        var verdicts = Checkers.Run(r.Trace.Events);
        Assert.Equal(Checkers.For(ProtocolCatalog.ClaimsOf(protocol)).Select(c => c.Name), verdicts.Select(v => v.Name));
        Assert.All(verdicts, v => Assert.True(v.Passed, v.ToString()));
        Assert.Equal(protocol, ((OptionsEvent)r.Trace.Events[0]).Protocol);
    }

    [Fact]
    public void A_server_withholding_Alices_commits_never_lets_her_heal_while_PairMLS_heals_in_one_round_trip_under_the_same_adversary()
    {
        var malice = new DeliveryServicePolicy { Malice = DsMalice.WithholdCommits, Victim = Party.Alice };
        var ds = Theft(Chat("centralds", 21, malice, captureMs: 250));
        Assert.False(ds.Healed, ds.ToString());
        Assert.Equal(ds.LaterPayloads, ds.LaterOpened);

        var pairmls = Theft(Chat("pairmls", 21, malice, captureMs: 250));
        Assert.True(pairmls.Healed, pairmls.ToString());
        Assert.Equal(1, pairmls.RoundTrips);

        // The honest server lets her refresh through: the thief is locked out there too.
        var honest = Theft(Chat("centralds", 21, DeliveryServicePolicy.Honest, captureMs: 250));
        Assert.True(honest.Healed, honest.ToString());
    }

    [Fact]
    public void The_relay_finds_no_commit_to_withhold_in_PairMLS_traffic_but_finds_every_one_of_the_MLS_baseline()
    {
        var malice = new DeliveryServicePolicy { Malice = DsMalice.WithholdCommits, Victim = Party.Alice };
        var pairmls = fixture.Run(Chat("pairmls", 22, malice));
        Assert.NotEmpty(pairmls.ServiceObservations);
        Assert.All(pairmls.ServiceObservations, o => Assert.Equal(Engine.Baselines.DsKind.Opaque, o.View.Kind));
        Assert.DoesNotContain(pairmls.ServiceObservations, o => o.Action == DeliveryServiceActor.Withheld);
        var ds = fixture.Run(Chat("centralds", 22, malice));
        Assert.Contains(ds.ServiceObservations, o => o.Action == DeliveryServiceActor.Withheld && o.From == Party.Alice);
        Assert.DoesNotContain(ds.ServiceObservations, o => o.Action == DeliveryServiceActor.Withheld && o.From == Party.Bob);
    }

    [Fact]
    public void A_header_key_from_the_newest_epoch_stops_the_epochs_at_the_first_change_of_speaker_and_the_thief_is_never_locked_out()
    {
        var o = Chat(ProtocolCatalog.NewestHeaderKeyName, 25, captureMs: 450);
        var r = fixture.Run(o);
        var outcomes = r.Of(TraceKind.Outcome).OfType<OutcomeEvent>().ToList();
        // Bob's messages of w (sealed to the invitation) reach Alice; none of Alice's, sealed under her own new epoch's key, opens for Bob.
        var atBob = outcomes.Where(e => e.Party == Party.Bob.Name()).ToList();
        Assert.NotEmpty(atBob);
        Assert.All(atBob, e => Assert.Equal((OutcomeEvent.Rejected, "NotForThisSession"), (e.Result, e.Reason)));
        Assert.Contains(outcomes, e => e.Party == Party.Alice.Name() && e.Result == OutcomeEvent.Delivered);
        Assert.All(r.Of(TraceKind.Send).Where(e => e.Party == Party.Bob.Name()), e => Assert.Equal(r.Of(TraceKind.Send).First(x => x.Party == Party.Bob.Name()).Epoch, e.Epoch));
        var verdicts = Checkers.Run(r.Trace.Events);
        Assert.Equal(Checkers.For(ProtocolCatalog.NewestHeaderKeyClaims).Select(c => c.Name), verdicts.Select(v => v.Name));
        Assert.All(verdicts, v => Assert.True(v.Passed, v.ToString()));
        var theft = Theft(o);
        Assert.False(theft.Healed, theft.ToString());
        Assert.True(theft.LaterPayloads > 0 && theft.LaterOpened == theft.LaterPayloads, theft.ToString());
        // The design's k−1 key, same seed and script: every message arrives and the thief is locked out.
        Assert.True(Theft(Chat("pairmls", 25, captureMs: 450)).Healed);
    }

    [Fact]
    public void A_larger_retention_window_delivers_the_late_datagrams_that_R_0_expires_and_opens_them_for_a_thief_too()
    {
        // Reordering holds datagrams back past the peer's next commit (PAIRMLS.md "Receiving": R trades forward secrecy for late datagrams).
        var reorder = FaultProfile.Symmetric(new LinkFaults { ReorderProbability = 0.5, ReorderExtraMs = 250 });
        WorldOptions Of(int r, ulong seed) => Chat("pairmls", seed, captureMs: 450) with { RetentionWindow = r, FaultProfile = reorder };
        int expired0 = 0, expired4 = 0, inFlightOpened0 = 0, inFlightOpened4 = 0, inFlight = 0;
        for (ulong seed = 26; seed < 30; seed++)
        {
            expired0 += Expired(fixture.Run(Of(0, seed)));
            expired4 += Expired(fixture.Run(Of(4, seed)));
            var t0 = Theft(Of(0, seed));
            var t4 = Theft(Of(4, seed));
            inFlight += t4.InFlightPayloads;
            inFlightOpened0 += t0.InFlightOpened;
            inFlightOpened4 += t4.InFlightOpened;
        }
        Assert.True(expired0 > 0 && expired4 == 0, $"Expired: R=0 {expired0}, R=4 {expired4}");
        Assert.True(inFlightOpened4 > inFlightOpened0, $"in flight at the theft {inFlight}: opened R=0 {inFlightOpened0}, R=4 {inFlightOpened4}");

        static int Expired(WorldResult w) => w.Of(TraceKind.Outcome).OfType<OutcomeEvent>().Count(e => e.Result == OutcomeEvent.Expired);
    }

    [Fact]
    public void Static_keys_never_heal_and_keep_no_forward_secrecy()
    {
        var theft = Theft(Chat("statickeys", 23, captureMs: 450));
        Assert.False(theft.Healed, theft.ToString());
        Assert.True(theft.EarlierPayloads > 0);
        Assert.Equal(theft.EarlierPayloads, theft.EarlierOpened);
        Assert.Equal(theft.LaterPayloads, theft.LaterOpened);
        // PairMLS on the same script: nothing consumed before the theft is opened.
        var pairmls = Theft(Chat("pairmls", 23, captureMs: 450));
        Assert.Equal(0, pairmls.EarlierOpened);
    }

    [Fact]
    public void Self_commit_makes_the_second_card_edit_in_flight_wait_while_PairMLS_sends_both_at_once()
    {
        // Bob commits, then goes offline; Alice edits her card twice while he is away.
        var script = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
            new ScriptOp.GoOffline(Party.Bob, 1000),
            new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100),
            new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(1000),
            // Back online: Alice's next message repeats her commit, and Bob's answer commits on top of it.
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(200),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(300));
        var self = EditWaits.Of(fixture.Run(new WorldOptions { Seed = 24, Protocol = "selfcommit", UserScript = script }).Trace.Events);
        Assert.Equal(2, self.Count);
        Assert.Equal(0, self[0].WaitMs);
        Assert.True(self[1].WaitMs > 1000, $"second edit waited {self[1].WaitMs} ms");
        var pairmls = EditWaits.Of(fixture.Run(new WorldOptions { Seed = 24, UserScript = script }).Trace.Events);
        Assert.All(pairmls, w => Assert.Equal(0, w.WaitMs));
    }
}
