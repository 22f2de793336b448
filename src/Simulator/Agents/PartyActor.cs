using Akka.Actor;
using Sim.Engine.Baselines;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Agents;

/// <summary>
/// One party of a world: an actor around its conversation protocol's session (or, for Alice before
/// she joins, her invitation), through the protocol seam (<see cref="IConversationProtocol"/>;
/// PairMLS by default). It never schedules anything itself: each message is one thing that happens to the
/// party, and the reply says what the world should record (trace event drafts, stamped with time and
/// sequence by the world) and what it should transmit.
/// <para>
/// Persist before send: the state a send produces is stored on the party's "disk" before the reply
/// hands the datagram out. The disk also takes a save after Accept, after joining, and after each
/// Delivered. A crash drops the session from memory; a restart loads the last save; a restore loads
/// an older save (a rollback, which can make the party commit twice for one epoch).
/// </para>
/// </summary>
public sealed partial class PartyActor : ReceiveActor
{
    // ------------------------------------------------------------------ messages

    /// <summary>Alice makes her invitation. Reply: <see cref="InvitationCreated"/>.</summary>
    public sealed record CreateInvitation;
    /// <summary>The invitation's public part (for PairMLS an <see cref="InvitationPublic"/>), shared out of band.</summary>
    public sealed record InvitationCreated(object Public);
    /// <summary>Bob accepts an invitation (PAIRMLS.md "Creating a conversation", step 2). Reply: <see cref="PartyReply"/>.</summary>
    public sealed record AcceptInvitation(object Invitation);
    /// <summary>The user sends a payload, optionally with a card edit and/or an agent rollover. Reply: <see cref="PartyReply"/>.</summary>
    public sealed record UserSend(long PayloadId, byte[] Payload, bool CardEdit = false, bool RollOver = false);
    /// <summary>The network delivers a datagram. Reply: <see cref="PartyReply"/> (with <see cref="PartyReply.Lost"/> when down or offline).</summary>
    public sealed record Deliver(byte[] Datagram);
    public sealed record Crash(long DownMs);
    public sealed record Restart;
    /// <summary>
    /// Rollback to an older save: <paramref name="Depth"/> saves back, or with <paramref name="ByEpoch"/> the newest save
    /// at least <paramref name="Depth"/> epochs before the newest one (negative: counted from the oldest epoch on disk).
    /// </summary>
    public sealed record Restore(int Depth, bool ByEpoch = false);
    /// <summary>The party's next Send (or Receive that changes its state) crashes at <paramref name="Point"/>. Reply: <see cref="PartyReply"/> (Skipped when down or already armed).</summary>
    public sealed record ArmCrashPoint(CrashPoint Point);
    public sealed record GoOffline(long DurationMs);
    public sealed record ComeBack;
    /// <summary>Liveness phase: restart if down, come back if offline.</summary>
    public sealed record Revive;
    /// <summary>Reply: <see cref="PartySummary"/>.</summary>
    public sealed record GetSummary;
    /// <summary>Reply: <see cref="DiskReport"/>.</summary>
    public sealed record GetDisk;
    public sealed record DiskReport(int Saves, string? LastStateId);
    /// <summary>
    /// The header keys the party's session holds now, for the network's insider (PAIRMLS.md "Fault model": a
    /// compromised transport knows them). Reply: <see cref="HeaderKeys"/>.
    /// </summary>
    public sealed record LeakHeaderKeys;
    /// <summary>An insider holding copies of the session's header keys; null when the party has no PairMLS session (not joined, down, a baseline).</summary>
    public sealed record HeaderKeys(PairInsider? Insider);
    /// <summary>A copy of the last saved state (what a thief of the disk gets). Reply: <see cref="LastSave"/>.</summary>
    public sealed record CopyLastSave;
    /// <summary>The copied bytes; null if nothing was saved yet. Secret material: never log it.</summary>
    public sealed record LastSave(byte[]? State)
    {
        public override string ToString() => $"LastSave({State?.Length ?? 0} bytes)";
    }

    /// <summary>
    /// What happened: trace event drafts (T and Seq 0; the world stamps them), the datagrams to transmit
    /// (a send makes one or more, or none while its message waits; a receive may release some), why a datagram was lost (<c>offline</c>, <c>crashed</c>: a send's datagram that cannot leave,
    /// or a delivery that cannot arrive), why the request did not apply (<see cref="Skipped"/>), and
    /// for a send the id of the state persisted before the reply.
    /// </summary>
    public sealed record PartyReply(IReadOnlyList<TraceEvent> Events)
    {
        public IReadOnlyList<Outgoing> Datagrams { get; init; } = [];
        /// <summary>The first datagram to transmit, if any.</summary>
        public byte[]? Datagram => Datagrams.Count > 0 ? Datagrams[0].Datagram : null;
        public string? Lost { get; init; }
        public string? Skipped { get; init; }
        public string? PersistedStateId { get; init; }
        public string? Outcome { get; init; }
    }

    // ------------------------------------------------------------------ state

    private readonly PartyConfig _config;
    private readonly string _me;
    private readonly string _peer;
    /// <summary>What survives a restart: disk, invitation, offline, forks (<see cref="PartyConfig.Memory"/>).</summary>
    private readonly PartyMemory _memory;
    private readonly IConversationProtocol _protocol;
    private IProtocolSession? _session;
    private bool _down;

    public PartyActor(PartyConfig config)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _protocol = config.Protocol;
        _memory = config.Memory;
        _me = config.Party.Name();
        _peer = config.Party.Peer().Name();

        Handle<CreateInvitation>(_ => OnCreateInvitation());
        Handle<AcceptInvitation>(OnAccept);
        Handle<UserSend>(OnUserSend);
        Handle<Deliver>(OnDeliver);
        Handle<Crash>(OnCrash);
        Handle<Restart>(_ => OnRestart(byLiveness: false));
        Handle<Restore>(OnRestore);
        Handle<ArmCrashPoint>(OnArm);
        Handle<GoOffline>(OnGoOffline);
        Handle<ComeBack>(_ => OnComeBack());
        Handle<Revive>(_ => OnRevive());
        Handle<GetSummary>(_ => Summary());
        Handle<LeakHeaderKeys>(_ => new HeaderKeys(_session is PairMlsConversation pair ? PairInsider.Of(pair.Session) : null));
        Handle<CopyLastSave>(_ => new LastSave(_memory.Disk.Count == 0 ? null : (byte[])_memory.Disk[^1].Clone()));
        Handle<GetDisk>(_ => new DiskReport(_memory.Saves, _memory.Disk.Count == 0 ? null : TraceLog.IdOf(_memory.Disk[^1])));
    }

    public static Props Props(PartyConfig config) => Akka.Actor.Props.Create(() => new PartyActor(config));

    /// <summary>
    /// Every request gets exactly one reply; an exception (a bug: bad network input is an outcome,
    /// not an exception) goes back to the asking world as a failure, which stops that world's run.
    /// </summary>
    private void Handle<T>(Func<T, object> handler) => Receive<T>(message =>
    {
        object reply;
        try { reply = handler(message); }
        catch (Exception e) when (e is not CrashPointReached) { reply = new Status.Failure(e); }
        Sender.Tell(reply);
    });

    protected override void PostStop() => _memory.Invitation?.Dispose();

    // ------------------------------------------------------------------ joining

    private object OnCreateInvitation()
    {
        if (_memory.Invitation is not null || _session is not null) throw new InvalidOperationException($"{_me} already has a conversation");
        _memory.Invitation = _protocol.CreateInvitation(_config.Card, _config.Random);
        return new InvitationCreated(_memory.Invitation.Public);
    }

    private object OnAccept(AcceptInvitation m)
    {
        if (_session is not null) throw new InvalidOperationException($"{_me} already has a conversation");
        _session = _protocol.Accept(m.Invitation, _config.Card, _config.Random);
        Persist(_session.Save());
        var events = new List<TraceEvent> { JoinedDraft(_session, JoinedEvent.Acceptor) };
        EpochChanges(events, null, null);
        return new PartyReply(events);
    }

    // ------------------------------------------------------------------ sending

    private object OnUserSend(UserSend m)
    {
        if (_down) return new PartyReply([]) { Skipped = "down" };
        if (_session is not { } s) return new PartyReply([]) { Skipped = "not joined" };
        ulong before = s.Epoch;
        var sent = s.Send(m.Payload, m.CardEdit, m.RollOver);
        CrashIfArmed(CrashPoint.SendBeforePersist, []);
        // Persist before send: the disk holds the state that made this datagram before anyone sees it.
        Persist(sent.State);

        var events = new List<TraceEvent>();
        EpochChanges(events, before, sent.CommitByMe);
        IdentityChanges(events, sent.Committed);
        // Persisted, not transmitted: the epoch and identity changes stay (they are on disk), the datagram is lost.
        CrashIfArmed(CrashPoint.SendAfterPersist, events);
        (bool, bool) flags = (m.CardEdit, m.RollOver);
        foreach (var o in sent.Datagrams)
        {
            bool mine = o.Payload is { } p && p.AsSpan().SequenceEqual(m.Payload);
            events.Add(SendDraft(o, mine ? m.PayloadId : null, mine ? flags : ((bool, bool)?)null));
        }
        return new PartyReply(events)
        {
            Datagrams = sent.Datagrams,
            Lost = _memory.Offline ? "offline" : null,
            PersistedStateId = TraceLog.IdOf(sent.State),
        };
    }

    /// <summary>
    /// A Send event: a card edit's Send names the card version it asks for (the IdentityLiveness checker
    /// follows that version to the peer); a datagram with no user payload (a handshake message) names none.
    /// </summary>
    private SendEvent SendDraft(Outgoing o, long? payloadId, (bool CardEdit, bool RollOver)? flags) => Draft<SendEvent>() with
    {
        Datagram = TraceLog.IdOf(o.Datagram), Epoch = o.Epoch,
        PayloadId = payloadId ?? (o.Payload is { } p ? Payload.IdOf(p) : null),
        PayloadHash = o.Payload is { } bytes ? TraceLog.IdOf(bytes) : null,
        CardEdit = flags?.CardEdit ?? o.CardVersion is not null,
        RollOver = flags?.RollOver ?? false,
        CardVersion = o.CardVersion,
        Envelope = o.Envelope,
    };

    // ------------------------------------------------------------------ receiving

    private object OnDeliver(Deliver m)
    {
        if (_down) return new PartyReply([]) { Lost = "crashed" };
        if (_memory.Offline) return new PartyReply([]) { Lost = "offline" };
        var events = new List<TraceEvent>();
        ProtocolReceive received;
        if (_session is not { } s)
        {
            var invitation = _memory.Invitation ?? throw new InvalidOperationException($"{_me} has neither a session nor an invitation");
            var joined = invitation.TryJoin(m.Datagram, out received);
            if (joined is not null && _config.PeerName is { } peer && joined.PeerName is { } acceptor && acceptor != peer)
                return OtherConversation(m, acceptor);
            if (joined is not null)
            {
                CrashIfArmed(CrashPoint.ReceiveBeforePersist, []);
                _session = joined;
                // Joined: every later state comes from the session or the disk, never the invitation again.
                _memory.Invitation.Dispose();
                _memory.Invitation = null;
                Persist(joined.Save());
                events.Add(JoinedDraft(joined, JoinedEvent.Inviter));
                EpochChanges(events, null, null);
            }
        }
        else
        {
            ulong before = s.Epoch;
            received = s.Receive(m.Datagram);
            if (received.Changed)
            {
                CrashIfArmed(CrashPoint.ReceiveBeforePersist, []);
                // Persist before send: a datagram this receive released leaves only after its state is on disk.
                Persist(s.Save());
                // A resync (docs/RECOVERY.md) enters the new epoch by our own external Commit; the peer's epoch
                // before it is one we never were in (we only recorded its commit hash from the offer).
                EpochChanges(events, received.Outcome is Resynced { Epoch: var rejoined } ? rejoined - 1 : before, received.CommitByMe, received.EarlierCommitsByMe);
            }
        }
        var outcome = received.Outcome;
        if (outcome is Delivered d) IdentityChanges(events, d.Committed);
        if (outcome is HandshakeApplied h) IdentityChanges(events, h.Committed);
        // The engine's own count when it keeps one (the figure its user reads, which ForkFreedom checks against the outcomes).
        _memory.Forks += received.ForksCounted ?? (outcome is Rejected { Reason: RejectReason.Fork } or RollbackDetected { Evidence: RollbackEvidence.Fork } ? 1 : 0);
        // "A refusal changes nothing", judged on the bytes: after a PairMLS outcome that changed nothing (always a rejection)
        // the session saves exactly what the disk holds (every change is persisted at once: the newest save is the state before).
        bool altered = !received.Changed && _session is PairMlsConversation pair && _memory.Disk.Count > 0
            && !pair.Session.Save().AsSpan().SequenceEqual(_memory.Disk[^1]);

        string name = OutcomeName(outcome);
        events.Add(Draft<OutcomeEvent>() with
        {
            Datagram = TraceLog.IdOf(m.Datagram),
            Result = ResultName(outcome),
            Reason = outcome switch { Rejected rj => rj.Reason.ToString(), RollbackDetected rb => rb.Evidence.ToString(), _ => null },
            Detail = outcome switch { Rejected rd => rd.Detail, RollbackDetected rb => rb.Detail, _ => null },
            Epoch = outcome switch
            {
                Delivered x => x.Epoch,
                Duplicate x => x.Epoch,
                Expired x => x.Epoch,
                HandshakeApplied x => x.Epoch,
                Undecryptable x => x.Epoch,
                RollbackDetected x => x.Epoch,
                Resynced x => x.Epoch,
                _ => null,
            },
            // A resync delivers the offer's payload too (docs/RECOVERY.md "The offer's payload").
            PayloadId = DeliveredPayload(outcome) is { } p ? Payload.IdOf(p) : null,
            PayloadHash = DeliveredPayload(outcome) is { } dp ? TraceLog.IdOf(dp) : null,
            StateAltered = altered,
            Offered = outcome.RecoveryOffered,
        });
        foreach (var o in received.Datagrams) events.Add(SendDraft(o, null, null));
        return new PartyReply(events) { Outcome = name, Datagrams = received.Datagrams };
    }

    /// <summary>
    /// PAIRMLS.md "Creating a conversation": the invitation may be shared with many people, so another acceptor's
    /// Welcome datagram starts a conversation of its own. The user sees it listed apart (by the acceptor's card); the
    /// world does not follow it, and the invitation stays open for the peer's Welcome.
    /// </summary>
    private PartyReply OtherConversation(Deliver m, string acceptor)
    {
        _memory.OtherConversations++;
        var outcome = Draft<OutcomeEvent>() with
        {
            Datagram = TraceLog.IdOf(m.Datagram),
            Result = OutcomeEvent.OtherConversation,
            Detail = $"the invitation joined a conversation with another acceptor ({acceptor}), not with {_config.PeerName}",
        };
        return new PartyReply([outcome]) { Outcome = OutcomeEvent.OtherConversation };
    }

    private static byte[]? DeliveredPayload(ReceiveOutcome outcome) => outcome switch
    {
        Delivered d => d.Payload,
        Resynced { Payload: { } p } => p,
        _ => null,
    };

    /// <summary>The trace's name of an outcome: Delivered, Duplicate, Expired, Handshake (a baseline's commit-only datagram), Rejected:Reason, RollbackDetected:Evidence, Resynced (as <see cref="OutcomeEvent.Name"/>).</summary>
    public static string OutcomeName(ReceiveOutcome outcome) => outcome switch
    {
        Rejected r => "Rejected:" + r.Reason,
        RollbackDetected r => "RollbackDetected:" + r.Evidence,
        _ => ResultName(outcome),
    };

    /// <summary>The outcome's kind as the trace names it: its record's name (Delivered, Duplicate, Expired, Rejected, or any outcome the engine adds), Handshake for HandshakeApplied.</summary>
    public static string ResultName(ReceiveOutcome outcome) => outcome switch
    {
        null => throw new ArgumentNullException(nameof(outcome)),
        HandshakeApplied => "Handshake",
        _ => outcome.GetType().Name,
    };

    // ------------------------------------------------------------------ helpers

    private IProtocolSession Load(byte[] state) => _protocol.Load(state, _config.Random);

    private T Draft<T>() where T : TraceEvent, new() => new T { Party = _me, Peer = _peer };

    private JoinedEvent JoinedDraft(IProtocolSession s, string role) => Draft<JoinedEvent>() with
    {
        Epoch = s.Epoch,
        CardVersion = s.MyView.CardVersion,
        Agent = s.MyView.AgentId.Value,
        WelcomeEpoch = s.Describe(new PartySummary(_me, true)).WelcomeEpoch ?? 0,
        Role = role,
    };

    /// <summary>
    /// One Epoch event per epoch entered since <paramref name="before"/> (null: the first epoch), with
    /// its commit hash and, for the epoch the operation's commit started, the party whose leaf is that
    /// commit's MLS sender as the engine read it (<paramref name="commitByMe"/>: the protocol's
    /// <see cref="ProtocolSend.CommitByMe"/> / <see cref="ProtocolReceive.CommitByMe"/>): never the ownership rule.
    /// </summary>
    private void EpochChanges(List<TraceEvent> events, ulong? before, bool? commitByMe, IReadOnlyDictionary<ulong, bool>? earlier = null)
    {
        var s = _session!;
        ulong now = s.Epoch;
        if (before == now) return;
        ulong from = before is { } b && b < now ? b + 1 : now;
        for (ulong e = from; e <= now; e++)
        {
            if (s.StartOf(e) is not { } start) continue;
            bool? byMe = e == now ? commitByMe : earlier is not null && earlier.TryGetValue(e, out var mine) ? mine : null;
            events.Add(Draft<EpochEvent>() with { Epoch = e, CommitHash = TraceLog.ShortHex(start.CommitHash), Committer = byMe is { } own ? (own ? _me : _peer) : null });
        }
    }

    private void IdentityChanges(List<TraceEvent> events, IReadOnlyList<IdentityChange> changes)
    {
        foreach (var c in changes)
        {
            events.Add(Draft<IdentityEvent>() with
            {
                Peer = c.Member == PairMember.Self ? _me : _peer,
                Epoch = c.Epoch,
                CardVersion = c.View.CardVersion,
                Agent = c.View.AgentId.Value,
                Change = c.Kind.ToString().ToLowerInvariant(),
            });
        }
    }

    private static string? CommitHashOf(IProtocolSession s, ulong epoch) => s.StartOf(epoch) is { } start ? TraceLog.ShortHex(start.CommitHash) : null;

    private PartySummary Summary()
    {
        var s = _session;
        if (s is null && _down && _memory.Disk.Count > 0) s = _protocol.Load(_memory.Disk[^1], new DeterministicRandomSource(0, "summary"));
        var summary = new PartySummary(_me, s is not null) { Down = _down, Offline = _memory.Offline, Saves = _memory.Saves, ForksDetected = _memory.Forks };
        return s is null ? summary : s.Describe(summary);
    }
}
