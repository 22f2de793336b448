namespace Sim.Simulator.Trace;

/// <summary>
/// The one reader of a trace: every checker and every report asks it, so there is one pairing of
/// Deliver with Outcome, one notion of "altered", one definition of "converged". Built once per
/// trace; lookups are indexed.
/// </summary>
public sealed class TraceQuery
{
    public const string Alice = "alice";
    public const string Bob = "bob";

    private Dictionary<string, SendEvent>? _sends;
    private Dictionary<string, FaultEvent>? _altered;
    private List<Receipt>? _receipts;
    private Dictionary<long, DeliverEvent>? _deliverOf;
    private int? _livenessIndex;

    public TraceQuery(IReadOnlyList<TraceEvent> events)
    {
        Events = events ?? throw new ArgumentNullException(nameof(events));
        Ownership = EpochOwnership.Of(events);
    }

    public IReadOnlyList<TraceEvent> Events { get; }

    /// <summary>Who owns which epoch, from the Joined events.</summary>
    public EpochOwnership Ownership { get; }

    public OptionsEvent? Options => Events.OfType<OptionsEvent>().FirstOrDefault();

    public static string? PeerOf(string? party) => party switch { Alice => Bob, Bob => Alice, _ => null };

    /// <summary>The Send that produced each datagram id (the first one, if bytes ever repeat).</summary>
    public IReadOnlyDictionary<string, SendEvent> Sends => _sends ??= BuildSends();

    /// <summary>Ids of bytes the network made or changed (corrupt, inject, insider), each with its Fault event.</summary>
    public IReadOnlyDictionary<string, FaultEvent> Altered => _altered ??= BuildAltered();

    /// <summary>True when the network delivered these bytes as a party of this session sent them.</summary>
    public bool IsHonest(string datagram) => !Altered.ContainsKey(datagram) && Sends.ContainsKey(datagram);

    /// <summary>
    /// Each Outcome with the Deliver it answers: the world writes a party's reply to a delivery right
    /// after the Deliver event, so it is the latest Deliver to the same party no Outcome answered yet.
    /// A Deliver with no Outcome (the party was offline or down) is absent.
    /// </summary>
    public IReadOnlyList<Receipt> Receipts => _receipts ??= BuildReceipts();

    /// <summary>The Deliver an Outcome answers, by the Outcome's sequence number.</summary>
    public DeliverEvent? DeliverOf(OutcomeEvent outcome)
    {
        _deliverOf ??= Receipts.ToDictionary(r => r.Outcome.Seq, r => r.Deliver);
        return _deliverOf.GetValueOrDefault(outcome.Seq);
    }

    /// <summary>Index of the Phase event that starts the liveness phase, or -1.</summary>
    public int LivenessIndex => _livenessIndex ??= FindLiveness();

    public PhaseEvent? LivenessStart => LivenessIndex < 0 ? null : (PhaseEvent)Events[LivenessIndex];

    /// <summary>Each party's last State event after the liveness phase started.</summary>
    public IReadOnlyDictionary<string, StateEvent> FinalStates()
    {
        var states = new Dictionary<string, StateEvent>(StringComparer.Ordinal);
        if (LivenessIndex < 0) return states;
        for (int i = LivenessIndex + 1; i < Events.Count; i++)
            if (Events[i] is StateEvent { Party: { } p } s) states[p] = s;
        return states;
    }

    /// <summary>Whether the trace records any fault at all: a network Fault or a party crash, restart, restore or offline spell.</summary>
    public bool AnyFault => Events.Any(e => e.Kind is TraceKind.Fault or TraceKind.Crash or TraceKind.Restart or TraceKind.Restore or TraceKind.Offline);

    /// <summary>Whether the trace has a rollback (a Restore event).</summary>
    public bool AnyRollback => Events.Any(e => e is RestoreEvent);

    /// <summary>
    /// Where the parties converged after faults stopped (PAIRMLS.md "Convergence", "Liveness"):
    /// <see cref="Convergence(int)"/> from the event that starts the liveness phase. Null when there is
    /// no liveness phase or the parties never converged in it.
    /// </summary>
    public ConvergencePoint? Convergence() => LivenessIndex < 0 ? null : Convergence(LivenessIndex);

    /// <summary>
    /// The one definition of "converged from a moment on" (checkers and reports share it): the first
    /// event at or after index <paramref name="fromIndex"/> after which both parties are in the same
    /// epoch and each has Delivered a payload its peer sent at or after that index. Ms counts from that
    /// event's virtual time; RoundTrips counts Bob's sends since then (at least 1: in the liveness phase,
    /// the probe's exchanges, Bob then Alice). Null when that never happened.
    /// </summary>
    public ConvergencePoint? Convergence(int fromIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromIndex);
        return fromIndex >= Events.Count ? null : Converge(fromIndex, Events[fromIndex].T);
    }

    /// <summary>
    /// <see cref="Convergence(int)"/> from virtual time <paramref name="fromMs"/> on (for example the
    /// moment a partition heals, while the other faults go on): from the first event at or after it,
    /// with Ms counted from <paramref name="fromMs"/> itself. Null when nothing happens after it or the
    /// parties never converged.
    /// </summary>
    public ConvergencePoint? ConvergenceAfter(long fromMs)
    {
        int from = IndexAt(fromMs);
        return from >= Events.Count ? null : Converge(from, fromMs);
    }

    /// <summary>Index of the first event at or after virtual time <paramref name="ms"/> (events are in time order), or Events.Count.</summary>
    public int IndexAt(long ms)
    {
        int lo = 0, hi = Events.Count;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (Events[mid].T < ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private ConvergencePoint? Converge(int fromIndex, long fromMs)
    {
        var epochs = new EpochTracker();
        for (int i = 0; i < fromIndex; i++) epochs.Observe(Events[i]);
        var payloadsSince = new Dictionary<long, string>();
        var heard = new HashSet<string>(StringComparer.Ordinal);
        int exchanges = 0;
        for (int i = fromIndex; i < Events.Count; i++)
        {
            var e = Events[i];
            epochs.Observe(e);
            if (e is SendEvent { PayloadId: { } pid, Party: { } sender })
            {
                payloadsSince[pid] = sender;
                if (sender == Bob) exchanges++;
            }
            if (e is OutcomeEvent { IsDelivered: true, PayloadId: { } got, Party: { } receiver }
                && payloadsSince.TryGetValue(got, out var from) && from != receiver)
                heard.Add(receiver);
            if (heard.Count == 2 && epochs.EpochOf(Alice) is { } a && epochs.EpochOf(Bob) is { } b && a == b)
                return new ConvergencePoint(e, e.T - fromMs, Math.Max(1, exchanges));
        }
        return null;
    }

    /// <summary>How two final states disagree (empty: they agree): the one definition of "the same conversation" (PAIRMLS.md "Convergence").</summary>
    public static IReadOnlyList<string> Disagreements(StateEvent a, StateEvent b)
    {
        var problems = new List<string>();
        void Same<T>(string what, T x, T y)
        {
            if (x is null || y is null) problems.Add($"{what} missing (alice {x?.ToString() ?? "none"}, bob {y?.ToString() ?? "none"})");
            else if (!EqualityComparer<T>.Default.Equals(x, y)) problems.Add($"{what} differs (alice {x}, bob {y})");
        }
        Same("epoch", a.Epoch, b.Epoch);
        Same("epoch_auth", a.EpochAuth, b.EpochAuth);
        Same("tree_hash", a.TreeHash, b.TreeHash);
        Same("gc_hash", a.GroupContextHash, b.GroupContextHash);
        Sees(a, b, problems);
        Sees(b, a, problems);
        return problems;
    }

    private static void Sees(StateEvent viewer, StateEvent owner, List<string> problems)
    {
        if (viewer.PeerCardVersion is not { } seen || owner.CardVersion is not { } actual)
            problems.Add($"{viewer.Party}'s peer_card ({viewer.PeerCardVersion?.ToString() ?? "none"}) or {owner.Party}'s card_version ({owner.CardVersion?.ToString() ?? "none"}) missing");
        else if (seen != actual) problems.Add($"{viewer.Party} sees {owner.Party}'s card version {seen}, but {owner.Party} is at {actual}");
        if (viewer.PeerAgent is { } agent && owner.Agent is { } own && agent != own)
            problems.Add($"{viewer.Party} sees {owner.Party}'s agent {agent}, but {owner.Party}'s agent is {own}");
    }

    /// <summary>The party's last rejection (or other non-delivery) before <paramref name="beforeSeq"/>: why it may be stuck.</summary>
    public OutcomeEvent? LastRefusal(string party, long beforeSeq = long.MaxValue) =>
        Events.OfType<OutcomeEvent>().LastOrDefault(o => o.Party == party && o.Seq < beforeSeq && !o.IsDelivered && o.Result != OutcomeEvent.Duplicate);

    /// <summary>Every Epoch event whose commit hash differs from an earlier one for the same epoch (a fork), in order.</summary>
    public IEnumerable<(EpochEvent First, EpochEvent Second)> Forks()
    {
        var commits = new Dictionary<ulong, EpochEvent>();
        foreach (var e in Events.OfType<EpochEvent>())
        {
            if (e.Epoch is not { } epoch || e.CommitHash is null) continue;
            if (!commits.TryGetValue(epoch, out var first)) commits[epoch] = e;
            else if (first.CommitHash != e.CommitHash) yield return (first, e);
        }
    }

    /// <summary>The lowest epoch with two different commits in the Epoch events, or null.</summary>
    public ulong? FirstForkedEpoch() => Forks().Select(f => f.Second.Epoch).Min();

    private Dictionary<string, SendEvent> BuildSends()
    {
        var sends = new Dictionary<string, SendEvent>(StringComparer.Ordinal);
        foreach (var e in Events)
            if (e is SendEvent { Datagram: { } id } s) sends.TryAdd(id, s);
        return sends;
    }

    private Dictionary<string, FaultEvent> BuildAltered()
    {
        var altered = new Dictionary<string, FaultEvent>(StringComparer.Ordinal);
        foreach (var e in Events)
            if (e is FaultEvent { DeliverId: { } id } f && FaultAlters(f.Fault) && id != f.Datagram) altered.TryAdd(id, f);
        return altered;
    }

    /// <summary>Faults whose delivered bytes are not what a party sent.</summary>
    public static bool FaultAlters(string fault) => fault is "corrupt" or "inject" or "insider";

    private List<Receipt> BuildReceipts()
    {
        var pending = new Dictionary<string, DeliverEvent>(StringComparer.Ordinal);
        var receipts = new List<Receipt>();
        foreach (var e in Events)
        {
            if (e is DeliverEvent { Party: { } p } d) pending[p] = d;
            else if (e is OutcomeEvent { Party: { } q } o && pending.Remove(q, out var deliver)) receipts.Add(new Receipt(deliver, o));
        }
        return receipts;
    }

    private int FindLiveness()
    {
        for (int i = Events.Count - 1; i >= 0; i--)
            if (Events[i] is PhaseEvent { Phase: PhaseEvent.Liveness }) return i;
        return -1;
    }
}

/// <summary>An Outcome and the Deliver it answers.</summary>
public sealed record Receipt(DeliverEvent Deliver, OutcomeEvent Outcome);

/// <summary>Where the parties converged: the event, virtual ms after the moment counted from (the liveness phase's start, a heal), and Bob's sends (the liveness exchanges) begun by then.</summary>
public sealed record ConvergencePoint(TraceEvent At, long Ms, int RoundTrips);
