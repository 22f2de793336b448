using Akka.Actor;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Service;
using Sim.Simulator.Trace;

namespace Sim.Simulator;

/// <summary>
/// One conversation as a discrete-event simulation (DESIGN.md "Simulator"): a root seed, a virtual
/// clock, an event queue ordered by (time, sequence), two <see cref="PartyActor"/>s and a
/// <see cref="NetworkActor"/>. The world pops one event, asks the actor concerned and waits for the
/// reply before the next, so thread scheduling cannot change what happens: the same options give
/// the same trace, byte for byte.
/// <para>
/// Phases (VOPR style): the safety phase runs the user script with the fault profile on, until
/// <see cref="WorldOptions.EffectiveSafetyPhaseEndMs"/>; the liveness phase turns faults off, brings
/// crashed and offline parties back, and has Bob then Alice send, each waiting for the network to
/// go quiet, until <see cref="WorldOptions.LivenessRoundTrips"/> round trips were Delivered (or a
/// bound is hit). State events close each phase.
/// </para>
/// </summary>
public sealed class World
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(5);
    private static long _worldCounter;

    private readonly ActorSystem? _system;
    private readonly WorldSeeds _seeds;
    private readonly VirtualClock _clock = new();
    private readonly EventQueue<WorldEvent> _queue = new();
    private readonly TraceLog _log;
    private readonly WorldCounts.Counter _counter = new();
    private readonly HashSet<(Party To, long PayloadId)> _delivered = [];
    private readonly Dictionary<Party, IActorRef> _parties = [];
    /// <summary>Each party's supervisor (it restarts the party at a crash point); stopping it stops the party.</summary>
    private readonly List<IActorRef> _supervisors = [];
    private IActorRef _network = ActorRefs.Nobody;
    private IActorRef? _service;
    private readonly List<ServiceObservation> _observations = [];
    private long _nextPayloadId;
    private readonly List<SentDatagram> _datagrams = [];
    private readonly Dictionary<StateCapture, CapturedState> _captured = [];
    private int _skipped;
    private int _ran;

    /// <param name="system">The actor system to run in (shared by many worlds); null: the world makes and ends its own.</param>
    public World(WorldOptions options, ActorSystem? system = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.PayloadSizeBytes < Payload.IdBytes) throw new ArgumentOutOfRangeException(nameof(options), "payload_size_bytes must hold the payload id (8 bytes)");
        _system = system;
        _seeds = new WorldSeeds(options.Seed);
        _log = new TraceLog(options.KeepTraceText);
    }

    public WorldOptions Options { get; }

    /// <summary>
    /// For measurements (benchmarks): awaited once the safety phase has ended and its State events are
    /// written, before the liveness phase. The world holds all its state meanwhile; it changes nothing
    /// the world does (throw <see cref="OperationCanceledException"/> from it to end the world there).
    /// </summary>
    public Func<Task>? AfterSafetyPhase { get; init; }

    /// <summary>Runs one world with its own actor system.</summary>
    public static WorldResult Run(WorldOptions options) => new World(options).RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs the world (once). Throws, naming the seed, if an actor failed (a bug: bad input is an outcome).</summary>
    public async Task<WorldResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0) throw new InvalidOperationException("a world runs once; make a new World to run again");
        var system = _system ?? SimulatorActorSystem.Create();
        try
        {
            return await RunIn(system, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(EngineBug.Describe("world", _clock.NowMs, Options.Describe(), e), e);
        }
        finally
        {
            foreach (var actor in _supervisors.Append(_network)) system.Stop(actor);
            if (_service is { } ds) system.Stop(ds);
            if (_system is null) await system.Terminate().ConfigureAwait(false);
        }
    }

    private async Task<WorldResult> RunIn(ActorSystem system, CancellationToken ct)
    {
        long n = Interlocked.Increment(ref _worldCounter);
        // Lifetimes (RFC 9420 §7.3) run on virtual time: seconds since the world started.
        Func<ulong> virtualSeconds = () => (ulong)Math.Max(0, _clock.NowMs / 1000);
        var pairOptions = PairOptions.Default with { Suite = Options.Suite, RetentionWindow = Options.RetentionWindow, Clock = virtualSeconds };
        var protocol = Protocols.ProtocolCatalog.Create(Options.Protocol, Options.Suite, Options.RetentionWindow, virtualSeconds);
        foreach (var (party, card, random) in new[] { (Party.Alice, "Alice", _seeds.Alice), (Party.Bob, "Bob", _seeds.Bob) })
        {
            var supervisor = system.ActorOf(PartySupervisor.Props(new PartyConfig(party, Card.Create(card), pairOptions, random, Options.DiskHistory, DiskReach(party)) { Protocol = protocol, PeerName = card == "Alice" ? "Bob" : "Alice" }), $"world-{n}-{party.Name()}");
            _supervisors.Add(supervisor);
            _parties[party] = await supervisor.Ask<IActorRef>(new PartySupervisor.GetParty(), AskTimeout).ConfigureAwait(false);
        }
        // Memory for replays only when the profile can replay (the liveness phase has no faults at all).
        int networkMemory = !Options.FaultProfile.CanReplay ? 0 : Options.FaultProfile.ReplaysWholeHistory ? int.MaxValue : Math.Max(1, Options.NetworkMemory);
        _network = system.ActorOf(NetworkActor.Props(Options.FaultProfile, _seeds.Faults, _seeds.Network, networkMemory, Math.Max(1, Options.NetworkMemory)), $"world-{n}-network");
        if (Options.DeliveryService is { } policy || protocol.UsesDeliveryService)
            _service = system.ActorOf(DeliveryServiceActor.Props(Options.DeliveryService ?? DeliveryServicePolicy.Honest), $"world-{n}-ds");

        Append(new OptionsEvent
        {
            Seed = Options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Protocol = Options.Protocol,
            RetentionWindow = Options.RetentionWindow,
            OutOfOrderWindow = pairOptions.OutOfOrderWindow,
            ForwardDistance = pairOptions.MaximumForwardDistance,
            Partitions = [.. Options.FaultProfile.Partitions.Select(p => new PartitionSpan(p.StartMs, p.HealMs, p.Direction switch
            {
                Network.LinkDirection.AliceToBob => "alice_to_bob",
                Network.LinkDirection.BobToAlice => "bob_to_alice",
                _ => "both",
            }))],
            Line = Options.Describe(),
        });
        Append(new PhaseEvent { Phase = PhaseEvent.Safety });

        // PAIRMLS.md "Creating a conversation": Alice's invitation reaches Bob out of band; he accepts at once.
        var invitation = await Ask<PartyActor.InvitationCreated>(Party.Alice, new PartyActor.CreateInvitation()).ConfigureAwait(false);
        // Real PairMLS datagrams of a third session and of a rival acceptor of this invitation, made only when the
        // profile may inject them (a baseline protocol's invitation is not a PairMLS one: there it injects none).
        if (Options.FaultProfile.CanInjectForeign && invitation.Public is Engine.Pair.InvitationPublic pairInvitation)
        {
            var foreign = ForeignDatagrams.Make(Options.Suite, pairInvitation, new Engine.Crypto.DeterministicRandomSource(Options.Seed, "foreign"), virtualSeconds);
            await _network.Ask<NetworkActor.ProfileInUse>(new NetworkActor.UseForeign(foreign), AskTimeout).ConfigureAwait(false);
        }
        Record(await Ask<PartyActor.PartyReply>(Party.Bob, new PartyActor.AcceptInvitation(invitation.Public)).ConfigureAwait(false));

        foreach (var (at, op) in Options.UserScript.Timed())
        {
            if (op is not ScriptOp.Wait) _queue.Schedule(at, new WorldEvent.ScriptDue(op));
        }
        long safetyEnd = Options.EffectiveSafetyPhaseEndMs;
        await RunUntil(safetyEnd, ct).ConfigureAwait(false);
        await AdvanceTo(Math.Max(_clock.NowMs, safetyEnd)).ConfigureAwait(false);
        await WriteStates().ConfigureAwait(false);
        if (AfterSafetyPhase is { } pause) await pause().ConfigureAwait(false);

        // Liveness: faults off, everyone back, script over; datagrams already in flight still arrive.
        Append(new PhaseEvent { Phase = PhaseEvent.Liveness });
        await _network.Ask<NetworkActor.ProfileInUse>(new NetworkActor.UseProfile(FaultProfile.None), AskTimeout).ConfigureAwait(false);
        _skipped += _queue.RemoveWhere(e => e is WorldEvent.ScriptDue);
        _queue.RemoveWhere(e => e is WorldEvent.RestartDue or WorldEvent.OnlineDue);
        foreach (var p in new[] { Party.Alice, Party.Bob })
            Record(await Ask<PartyActor.PartyReply>(p, new PartyActor.Revive()).ConfigureAwait(false));

        var (roundTrips, sends) = await Liveness(ct).ConfigureAwait(false);
        await WriteStates().ConfigureAwait(false);

        await CaptureUpTo(long.MaxValue).ConfigureAwait(false);
        var alice = await Ask<PartySummary>(Party.Alice, new PartyActor.GetSummary()).ConfigureAwait(false);
        var bob = await Ask<PartySummary>(Party.Bob, new PartyActor.GetSummary()).ConfigureAwait(false);
        var counts = _counter.Counts() with { ScriptOpsSkipped = _skipped };
        return new WorldResult(Options, _log, _log.Hash(), counts, alice, bob)
        {
            SafetyPhaseEndMs = safetyEnd,
            EndMs = _clock.NowMs,
            LivenessRoundTrips = roundTrips,
            LivenessSends = sends,
            Captures = Options.Captures.Select(c => _captured[c]).ToList(),
            Datagrams = _datagrams,
            ServiceObservations = _observations,
        };
    }

    /// <summary>The newest saves a party's restores can reach: 1 + the sum of the script's restore depths for it
    /// (see <see cref="PartyConfig.DiskReach"/>); a depth counted from the oldest save (negative) needs the whole history.</summary>
    private int DiskReach(Party party)
    {
        // A depth counted from the oldest save, or in epochs, needs the whole history.
        if (Options.UserScript.Ops.OfType<ScriptOp.Restore>().Any(r => r.Party == party && r.Depth < 0)
            || Options.UserScript.Ops.OfType<ScriptOp.RestoreEpoch>().Any(r => r.Party == party)) return Math.Max(1, Options.DiskHistory);
        long depths = Options.UserScript.Ops.OfType<ScriptOp.Restore>().Where(r => r.Party == party).Sum(r => (long)Math.Max(0, r.Depth));
        return (int)Math.Min(1 + depths, Math.Max(1, Options.DiskHistory));
    }

    // ------------------------------------------------------------------ the event loop

    private async Task RunUntil(long limitMs, CancellationToken ct)
    {
        while (_queue.TryDequeue(limitMs, out long at, out var next))
        {
            ct.ThrowIfCancellationRequested();
            await AdvanceTo(at).ConfigureAwait(false);
            await Handle(next).ConfigureAwait(false);
        }
    }

    private Task Handle(WorldEvent e) => e switch
    {
        WorldEvent.ScriptDue s => RunOp(s.Op),
        WorldEvent.DeliveryDue d => Deliver(d.Delivery),
        WorldEvent.AtService s => AtService(s),
        WorldEvent.RestartDue r => Command(r.Party, new PartyActor.Restart(), countSkip: false),
        WorldEvent.OnlineDue o => Command(o.Party, new PartyActor.ComeBack(), countSkip: false),
        _ => throw new InvalidOperationException($"unknown world event {e}"),
    };

    private async Task RunOp(ScriptOp op)
    {
        switch (op)
        {
            case ScriptOp.Send s: await UserSend(s.Party, s.PayloadBytes, cardEdit: false, rollOver: false).ConfigureAwait(false); break;
            case ScriptOp.SendWithCardEdit s: await UserSend(s.Party, s.PayloadBytes, cardEdit: true, rollOver: false).ConfigureAwait(false); break;
            case ScriptOp.RollOverAgent s: await UserSend(s.Party, s.PayloadBytes, cardEdit: false, rollOver: true).ConfigureAwait(false); break;
            case ScriptOp.GoOffline s:
                if (await Command(s.Party, new PartyActor.GoOffline(s.DurationMs), countSkip: true).ConfigureAwait(false))
                    _queue.Schedule(_clock.NowMs + Math.Max(0, s.DurationMs), new WorldEvent.OnlineDue(s.Party));
                break;
            case ScriptOp.Crash s:
                if (await Command(s.Party, new PartyActor.Crash(s.DownMs), countSkip: true).ConfigureAwait(false))
                    _queue.Schedule(_clock.NowMs + Math.Max(0, s.DownMs), new WorldEvent.RestartDue(s.Party));
                break;
            case ScriptOp.Restore s: await Command(s.Party, new PartyActor.Restore(s.Depth), countSkip: true).ConfigureAwait(false); break;
            case ScriptOp.RestoreEpoch s: await Command(s.Party, new PartyActor.Restore(s.EpochsBack, ByEpoch: true), countSkip: true).ConfigureAwait(false); break;
            case ScriptOp.CrashAt s: await Command(s.Party, new PartyActor.ArmCrashPoint(s.Point), countSkip: true).ConfigureAwait(false); break;
            case ScriptOp.Burst s:
                for (int i = 0; i < s.Count; i++) await UserSend(s.Party, s.PayloadBytes, cardEdit: false, rollOver: false).ConfigureAwait(false);
                break;
            case ScriptOp.Wait: break;
            default: throw new InvalidOperationException($"unknown script op {op}");
        }
    }

    /// <summary>Moves the clock to <paramref name="timeMs"/>, first taking every state capture due before it.</summary>
    private async Task AdvanceTo(long timeMs)
    {
        if (timeMs > _clock.NowMs) await CaptureUpTo(timeMs).ConfigureAwait(false);
        _clock.AdvanceTo(timeMs);
    }

    /// <summary>Takes the captures with AtMs before <paramref name="beforeMs"/> not yet taken: every event at or before their time has run.</summary>
    private async Task CaptureUpTo(long beforeMs)
    {
        foreach (var c in Options.Captures)
        {
            if (c.AtMs >= beforeMs || _captured.ContainsKey(c)) continue;
            var copy = await Ask<PartyActor.LastSave>(c.Party, new PartyActor.CopyLastSave()).ConfigureAwait(false);
            _captured[c] = new CapturedState(c.Party, c.AtMs, copy.State);
        }
    }

    /// <summary>Asks a party to do something; records its events; true if it applied.</summary>
    private async Task<bool> Command(Party party, object message, bool countSkip)
    {
        var reply = await Ask<PartyActor.PartyReply>(party, message).ConfigureAwait(false);
        Record(reply);
        if (reply.Skipped is not null && countSkip) _skipped++;
        return reply.Skipped is null;
    }

    /// <summary>A user send: the party persists and replies with the datagram, which the network then carries. Returns the payload id, or null if the party could not send.</summary>
    private async Task<long?> UserSend(Party party, int payloadBytes, bool cardEdit, bool rollOver)
    {
        long id = ++_nextPayloadId;
        var payload = Agents.Payload.Create(id, payloadBytes, _seeds.Script);
        var reply = await Ask<PartyActor.PartyReply>(party, new PartyActor.UserSend(id, payload, cardEdit, rollOver)).ConfigureAwait(false);
        Record(reply);
        if (reply.Skipped is not null)
        {
            _skipped++;
            return null;
        }
        await Transmit(party, reply).ConfigureAwait(false);
        return id;
    }

    /// <summary>Hands every datagram of a party's reply to the network (or records why it could not leave).</summary>
    private async Task Transmit(Party party, PartyActor.PartyReply reply)
    {
        foreach (var o in reply.Datagrams) await Transmit(party, o, reply.Lost).ConfigureAwait(false);
    }

    private async Task Transmit(Party party, Protocols.Outgoing o, string? lost)
    {
        var datagram = o.Datagram;
        if (Options.KeepDatagrams)
            _datagrams.Add(new SentDatagram(_clock.NowMs, party, TraceLog.IdOf(datagram), o.Epoch, o.Payload is { } p ? Agents.Payload.IdOf(p) ?? 0 : 0, datagram));
        if (lost is { } why)
        {
            Append(new FaultEvent { Party = party.Name(), Peer = party.Peer().Name(), Datagram = TraceLog.IdOf(datagram), Fault = FaultNames.Offline, Side = "sender", Why = why });
            return;
        }
        // The insider learns the sender's header keys as a compromised transport would (only when the profile has one).
        var keys = Options.FaultProfile.CanInsider ? (await Ask<PartyActor.HeaderKeys>(party, new PartyActor.LeakHeaderKeys()).ConfigureAwait(false)).Insider : null;
        var sent = await _network.Ask<NetworkActor.Transmitted>(new NetworkActor.Transmit(_clock.NowMs, party.LinkFrom(), datagram) { Keys = keys }, AskTimeout).ConfigureAwait(false);
        foreach (var f in sent.Faults) Append(f with { Party = party.Name(), Peer = party.Peer().Name() });
        // With a delivery service, the party's link ends at the service (which forwards on the link toward the receiver).
        foreach (var d in sent.Deliveries)
            _queue.Schedule(d.AtMs, _service is null ? new WorldEvent.DeliveryDue(d) : new WorldEvent.AtService(d, party));
    }

    /// <summary>A datagram reaches the delivery service: it forwards (each forward crosses the network again), holds or withholds it.</summary>
    private async Task AtService(WorldEvent.AtService a)
    {
        var d = a.Delivery;
        var routed = await _service!.Ask<DeliveryServiceActor.Routed>(new DeliveryServiceActor.Arrive(_clock.NowMs, a.From, d.Bytes, a.Held), AskTimeout).ConfigureAwait(false);
        if (!a.Held) _observations.Add(new ServiceObservation(_clock.NowMs, a.From, d.Bytes.Length, routed.View, routed.Action));
        if (routed.Action is { } action && !(a.Held && action == DeliveryServiceActor.Delayed))
            Append(new FaultEvent { Party = a.From.Name(), Peer = a.From.Peer().Name(), Datagram = d.DatagramId, Fault = action, Side = "delivery_service" });
        if (routed.HoldUntilMs is { } until) _queue.Schedule(until, a with { Held = true });
        foreach (var (to, bytes) in routed.Forwards)
        {
            // The service's datagram toward a party travels the link that ends at that party.
            var sent = await _network.Ask<NetworkActor.Transmitted>(new NetworkActor.Transmit(_clock.NowMs, to.Peer().LinkFrom(), bytes), AskTimeout).ConfigureAwait(false);
            foreach (var f in sent.Faults)
                Append(f with { Party = to.Peer().Name(), Peer = to.Name(), Side = "from_delivery_service" });
            foreach (var x in sent.Deliveries) _queue.Schedule(x.AtMs, new WorldEvent.DeliveryDue(x));
        }
    }

    private async Task Deliver(NetworkActor.Delivery d)
    {
        var to = PartyExtensions.ReceiverOf(d.Link);
        var arrival = await _network.Ask<NetworkActor.Arrival>(new NetworkActor.Arrive(_clock.NowMs, d), AskTimeout).ConfigureAwait(false);
        if (arrival.Cut is { } cut)
        {
            Append(cut with { Party = to.Peer().Name(), Peer = to.Name() });
            return;
        }
        var reply = await Ask<PartyActor.PartyReply>(to, new PartyActor.Deliver(d.Bytes)).ConfigureAwait(false);
        if (reply.Lost is { } why)
        {
            Append(new FaultEvent { Party = to.Name(), Peer = to.Peer().Name(), Datagram = d.DatagramId, Fault = FaultNames.Offline, Side = "receiver", Why = why });
            return;
        }
        Append(new DeliverEvent { Party = to.Name(), Peer = to.Peer().Name(), Datagram = d.DatagramId, LatencyMs = _clock.NowMs - d.SentMs, Via = d.Via });
        Record(reply);
        // A receive may release datagrams (a message that waited for the peer, a commit retried).
        await Transmit(to, reply).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ liveness

    private async Task<(int RoundTrips, int Sends)> Liveness(CancellationToken ct)
    {
        long start = _clock.NowMs;
        long limit = start + Math.Max(0, Options.LivenessBudgetMs);
        int roundTrips = 0, sends = 0;
        // Whatever was still in flight from the safety phase arrives first.
        await RunUntil(limit, ct).ConfigureAwait(false);
        while (roundTrips < Options.LivenessRoundTrips && sends + 2 <= Options.LivenessMaxSends && _clock.NowMs <= limit)
        {
            // Bob first: until Alice has joined, only he can send (and his datagrams carry the Welcome).
            bool bobArrived = await SendAndSettle(Party.Bob, limit, ct).ConfigureAwait(false);
            bool aliceArrived = await SendAndSettle(Party.Alice, limit, ct).ConfigureAwait(false);
            sends += 2;
            if (bobArrived && aliceArrived) roundTrips++;
        }
        return (roundTrips, sends);
    }

    private async Task<bool> SendAndSettle(Party party, long limit, CancellationToken ct)
    {
        var id = await UserSend(party, Options.PayloadSizeBytes, cardEdit: false, rollOver: false).ConfigureAwait(false);
        await RunUntil(limit, ct).ConfigureAwait(false);
        return id is { } pid && _delivered.Contains((party.Peer(), pid));
    }

    // ------------------------------------------------------------------ trace

    private async Task WriteStates()
    {
        foreach (var p in new[] { Party.Alice, Party.Bob })
        {
            var s = await Ask<PartySummary>(p, new PartyActor.GetSummary()).ConfigureAwait(false);
            Append(StateEvent(s));
        }
    }

    /// <summary>A party's State event: hashes and ids only.</summary>
    public static StateEvent StateEvent(PartySummary s) => new()
    {
        Party = s.Party,
        Epoch = s.Epoch,
        Joined = s.Joined,
        EpochAuth = s.EpochAuthHash,
        TreeHash = s.TreeHash,
        GroupContextHash = s.GroupContextHash,
        CommitHash = s.CommitHash,
        CardVersion = s.CardVersion,
        Agent = s.Agent,
        PeerCardVersion = s.Joined ? s.PeerCardVersion : null,
        PeerAgent = s.Joined ? s.PeerAgent : null,
        DesiredCardVersion = s.Joined ? s.DesiredCardVersion : null,
        PendingIdentity = s.PendingIdentity,
        WelcomeEpoch = s.Joined ? s.WelcomeEpoch : null,
        Down = s.Down,
        Offline = s.Offline,
        Forks = s.ForksDetected,
    };

    /// <summary>Stamps the actor's drafts with the virtual time and the next sequence number.</summary>
    private void Record(PartyActor.PartyReply reply)
    {
        foreach (var e in reply.Events) Append(e);
    }

    private void Append(TraceEvent draft)
    {
        var e = _log.Append(draft with { T = _clock.NowMs, Seq = _log.NextSeq });
        _counter.Add(e);
        if (e is OutcomeEvent { IsDelivered: true, PayloadId: { } pid, Party: { } who })
            _delivered.Add((who == Party.Alice.Name() ? Party.Alice : Party.Bob, pid));
    }

    private Task<T> Ask<T>(Party party, object message) => _parties[party].Ask<T>(message, AskTimeout);
}
