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
public sealed class PartyActor : ReceiveActor
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
    public sealed record Restore(int Depth);
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
    /// <summary>The newest saves' bytes (at most <see cref="PartyConfig.DiskReach"/> of them), oldest first.</summary>
    private readonly List<byte[]> _disk = [];
    /// <summary>How many saves the disk has (at most <see cref="PartyConfig.DiskHistory"/>); the oldest may hold no bytes (see <see cref="PartyConfig.DiskReach"/>).</summary>
    private int _saves;
    private readonly IConversationProtocol _protocol;
    private IProtocolInvitation? _invitation;
    private IProtocolSession? _session;
    private bool _down;
    private bool _offline;
    private int _forks;

    public PartyActor(PartyConfig config)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _protocol = config.Protocol;
        _me = config.Party.Name();
        _peer = config.Party.Peer().Name();

        Handle<CreateInvitation>(_ => OnCreateInvitation());
        Handle<AcceptInvitation>(OnAccept);
        Handle<UserSend>(OnUserSend);
        Handle<Deliver>(OnDeliver);
        Handle<Crash>(OnCrash);
        Handle<Restart>(_ => OnRestart(byLiveness: false));
        Handle<Restore>(OnRestore);
        Handle<GoOffline>(OnGoOffline);
        Handle<ComeBack>(_ => OnComeBack());
        Handle<Revive>(_ => OnRevive());
        Handle<GetSummary>(_ => Summary());
        Handle<LeakHeaderKeys>(_ => new HeaderKeys(_session is PairMlsConversation pair ? PairInsider.Of(pair.Session) : null));
        Handle<CopyLastSave>(_ => new LastSave(_disk.Count == 0 ? null : (byte[])_disk[^1].Clone()));
        Handle<GetDisk>(_ => new DiskReport(_saves, _disk.Count == 0 ? null : TraceLog.IdOf(_disk[^1])));
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
        catch (Exception e) { reply = new Status.Failure(e); }
        Sender.Tell(reply);
    });

    protected override void PostStop() => _invitation?.Dispose();

    // ------------------------------------------------------------------ joining

    private object OnCreateInvitation()
    {
        if (_invitation is not null || _session is not null) throw new InvalidOperationException($"{_me} already has a conversation");
        _invitation = _protocol.CreateInvitation(_config.Card, _config.Random);
        return new InvitationCreated(_invitation.Public);
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
        // Persist before send: the disk holds the state that made this datagram before anyone sees it.
        Persist(sent.State);

        var events = new List<TraceEvent>();
        EpochChanges(events, before, sent.CommitByMe);
        IdentityChanges(events, sent.Committed);
        (bool, bool) flags = (m.CardEdit, m.RollOver);
        foreach (var o in sent.Datagrams)
        {
            bool mine = o.Payload is { } p && p.AsSpan().SequenceEqual(m.Payload);
            events.Add(SendDraft(o, mine ? m.PayloadId : null, mine ? flags : ((bool, bool)?)null));
        }
        return new PartyReply(events)
        {
            Datagrams = sent.Datagrams,
            Lost = _offline ? "offline" : null,
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
    };

    // ------------------------------------------------------------------ receiving

    private object OnDeliver(Deliver m)
    {
        if (_down) return new PartyReply([]) { Lost = "crashed" };
        if (_offline) return new PartyReply([]) { Lost = "offline" };
        var events = new List<TraceEvent>();
        ProtocolReceive received;
        if (_session is not { } s)
        {
            var invitation = _invitation ?? throw new InvalidOperationException($"{_me} has neither a session nor an invitation");
            var joined = invitation.TryJoin(m.Datagram, out received);
            if (joined is not null)
            {
                _session = joined;
                // Joined: every later state comes from the session or the disk, never the invitation again.
                _invitation.Dispose();
                _invitation = null;
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
                // Persist before send: a datagram this receive released leaves only after its state is on disk.
                Persist(s.Save());
                EpochChanges(events, before, received.CommitByMe);
            }
        }
        var outcome = received.Outcome;
        if (outcome is Delivered d) IdentityChanges(events, d.Committed);
        if (outcome is HandshakeApplied h) IdentityChanges(events, h.Committed);
        if (outcome is Rejected { Reason: RejectReason.Fork }) _forks++;

        string name = OutcomeName(outcome);
        events.Add(Draft<OutcomeEvent>() with
        {
            Datagram = TraceLog.IdOf(m.Datagram),
            Result = ResultName(outcome),
            Reason = outcome is Rejected rj ? rj.Reason.ToString() : null,
            Detail = outcome is Rejected rd ? rd.Detail : null,
            Epoch = outcome switch
            {
                Delivered x => x.Epoch,
                Duplicate x => x.Epoch,
                Expired x => x.Epoch,
                HandshakeApplied x => x.Epoch,
                Undecryptable x => x.Epoch,
                RollbackDetected x => x.Epoch,
                _ => null,
            },
            PayloadId = outcome is Delivered p ? Payload.IdOf(p.Payload) : null,
            PayloadHash = outcome is Delivered dp ? TraceLog.IdOf(dp.Payload) : null,
        });
        foreach (var o in received.Datagrams) events.Add(SendDraft(o, null, null));
        return new PartyReply(events) { Outcome = name, Datagrams = received.Datagrams };
    }

    /// <summary>The trace's name of an outcome: Delivered, Duplicate, Expired, Handshake (a baseline's commit-only datagram) or Rejected:Reason (as <see cref="OutcomeEvent.Name"/>).</summary>
    public static string OutcomeName(ReceiveOutcome outcome) => outcome is Rejected r ? "Rejected:" + r.Reason : ResultName(outcome);

    /// <summary>The outcome's kind as the trace names it: its record's name (Delivered, Duplicate, Expired, Rejected, or any outcome the engine adds), Handshake for HandshakeApplied.</summary>
    public static string ResultName(ReceiveOutcome outcome) => outcome switch
    {
        null => throw new ArgumentNullException(nameof(outcome)),
        HandshakeApplied => "Handshake",
        _ => outcome.GetType().Name,
    };

    // ------------------------------------------------------------------ crash, restart, restore, offline

    private object OnCrash(Crash m)
    {
        if (_down) return new PartyReply([]) { Skipped = "already down" };
        _down = true;
        // Memory is lost; the disk (and an unused invitation, which lives outside the conversation) survive.
        _session = null;
        return new PartyReply([Draft<CrashEvent>() with { DownMs = m.DownMs }]);
    }

    private object OnRestart(bool byLiveness)
    {
        if (!_down) return new PartyReply([]) { Skipped = "not down" };
        _down = false;
        if (_disk.Count == 0) return new PartyReply([Draft<RestartEvent>() with { NotJoined = true, ByLiveness = byLiveness }]);
        var s = _session = Load(_disk[^1]);
        return new PartyReply([Draft<RestartEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch), ByLiveness = byLiveness }]);
    }

    private object OnRestore(Restore m)
    {
        if (_down) return new PartyReply([]) { Skipped = "down" };
        // Depth counts from either end (so generated scripts shrink well): 0 is the newest save, 1 the one
        // before; -1 is the oldest save the disk holds, -2 the one after it. Out of range: a no-op.
        int fromNewest = m.Depth >= 0 ? m.Depth : _saves + m.Depth;
        if (fromNewest < 0 || fromNewest >= _saves) return new PartyReply([]) { Skipped = $"depth {m.Depth} beyond {_saves} saves" };
        if (fromNewest >= _disk.Count) throw new InvalidOperationException($"{_me}: restore depth {m.Depth} beyond the disk's reach {_config.DiskReach}");
        int index = _disk.Count - 1 - fromNewest;
        var s = _session = Load(_disk[index]);
        // The newer saves are gone: the party now believes this is its latest state.
        _disk.RemoveRange(index + 1, _disk.Count - index - 1);
        _saves -= fromNewest;
        return new PartyReply([Draft<RestoreEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch), Depth = m.Depth, SavesLost = fromNewest }]);
    }

    private object OnGoOffline(GoOffline m)
    {
        if (_offline) return new PartyReply([]) { Skipped = "already offline" };
        _offline = true;
        return new PartyReply([Draft<OfflineEvent>() with { DurationMs = m.DurationMs }]);
    }

    private object OnComeBack()
    {
        if (!_offline) return new PartyReply([]) { Skipped = "not offline" };
        _offline = false;
        return new PartyReply([Draft<OnlineEvent>()]);
    }

    private object OnRevive()
    {
        var events = new List<TraceEvent>();
        if (_down) events.AddRange(((PartyReply)OnRestart(byLiveness: true)).Events);
        if (_offline) events.AddRange(((PartyReply)OnComeBack()).Events);
        return new PartyReply(events);
    }

    // ------------------------------------------------------------------ helpers

    private void Persist(byte[] state)
    {
        int history = Math.Max(1, _config.DiskHistory);
        _disk.Add(state);
        if (_disk.Count > Math.Clamp(_config.DiskReach ?? history, 1, history)) _disk.RemoveAt(0);
        _saves = Math.Min(_saves + 1, history);
    }

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
    private void EpochChanges(List<TraceEvent> events, ulong? before, bool? commitByMe)
    {
        var s = _session!;
        ulong now = s.Epoch;
        if (before == now) return;
        ulong from = before is { } b && b < now ? b + 1 : now;
        for (ulong e = from; e <= now; e++)
        {
            if (s.StartOf(e) is not { } start) continue;
            bool? byMe = e == now ? commitByMe : null;
            events.Add(Draft<EpochEvent>() with { Epoch = e, CommitHash = TraceLog.ShortHex(start.CommitHash), Committer = byMe is { } mine ? (mine ? _me : _peer) : null });
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
        if (s is null && _down && _disk.Count > 0) s = _protocol.Load(_disk[^1], new DeterministicRandomSource(0, "summary"));
        var summary = new PartySummary(_me, s is not null) { Down = _down, Offline = _offline, Saves = _saves, ForksDetected = _forks };
        return s is null ? summary : s.Describe(summary);
    }
}
