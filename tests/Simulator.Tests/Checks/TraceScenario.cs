using Sim.Simulator.Checks;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests.Checks;

/// <summary>
/// Hand-written traces for the checker tests: a clean conversation every checker passes, and edits
/// (replace, insert, remove; sequence numbers renumbered) that break one invariant at a known event.
/// </summary>
internal sealed class TraceScenario
{
    private readonly List<TraceEvent> _events = [];
    private long _t;

    public List<TraceEvent> Events => _events;

    /// <summary>Appends an event 10 ms after the previous one, numbered.</summary>
    public TraceEvent Add(TraceEvent e, long dt = 10)
    {
        Put(e, dt);
        return _events[^1];
    }

    public static SendEvent Send(string party, string dgram, ulong epoch, long payload, ulong? card = null) =>
        new() { Party = party, Datagram = dgram, Epoch = epoch, PayloadId = payload, CardVersion = card, CardEdit = card is not null };
    public static DeliverEvent Deliver(string party, string dgram) => new() { Party = party, Datagram = dgram };
    public static OutcomeEvent Outcome(string party, string outcome, ulong? epoch, long? payload = null, string? detail = null)
    {
        var parts = outcome.Split(':', 2);
        return new() { Party = party, Result = parts[0], Reason = parts.Length > 1 ? parts[1] : null, Detail = detail, Epoch = epoch, PayloadId = outcome == "Delivered" ? payload : null };
    }
    public static EpochEvent Epoch(string party, ulong epoch, string commit, string? committer) =>
        new() { Party = party, Epoch = epoch, CommitHash = commit, Committer = committer };
    public static FaultEvent Fault(string fault, string? dgram, string? newId) => new() { Fault = fault, Datagram = dgram, DeliverId = newId };
    public static IdentityEvent Identity(string party, string peer, ulong card, string agent) =>
        new() { Party = party, Peer = peer, CardVersion = card, Agent = agent };
    public static JoinedEvent Joined(string party, ulong epoch, ulong welcome, string role) =>
        new() { Party = party, Epoch = epoch, WelcomeEpoch = welcome, Role = role };
    public static PhaseEvent Phase(string phase) => new() { Phase = phase };
    public static StateEvent State(string party, ulong epoch, string auth, string tree, ulong card, ulong peerCard, string context, string agent, string peerAgent) =>
        new() { Party = party, Joined = true, Epoch = epoch, EpochAuth = auth, TreeHash = tree, CardVersion = card, PeerCardVersion = peerCard, GroupContextHash = context, Agent = agent, PeerAgent = peerAgent };

    private void Put(TraceEvent e, long dt = 10) { _t += dt; _events.Add(e with { T = _t, Seq = _events.Count }); }

    /// <summary>
    /// A clean conversation, no faults: bob accepts with welcome epoch 3 (bob owns odd epochs), sends
    /// payload 1 in 3 (alice joins from it); alice commits 4 with a card edit (version 2) and sends
    /// payload 2; liveness: bob commits 5 and sends payload 3, alice commits 6 and sends payload 4;
    /// final states agree.
    /// </summary>
    public static List<TraceEvent> Clean(int retention = 2)
    {
        var s = new TraceScenario();
        s.Put(new OptionsEvent { Seed = "42", RetentionWindow = retention, Line = $"SEED=42 retention_window={retention} faults=none" }, 0);
        s.Put(Phase(PhaseEvent.Safety), 0);
        s.Put(Joined("bob", 3, 3, JoinedEvent.Acceptor));
        s.Put(Send("bob", "d1", 3, 1));
        s.Put(Deliver("alice", "d1"), 50);
        s.Put(Outcome("alice", "Delivered", 3, 1), 0);
        s.Put(Joined("alice", 3, 3, JoinedEvent.Inviter), 0);
        s.Put(Epoch("alice", 4, "c4", "alice"));
        s.Put(Send("alice", "d2", 4, 2, card: 2), 0);
        s.Put(Deliver("bob", "d2"), 50);
        s.Put(Outcome("bob", "Delivered", 4, 2), 0);
        s.Put(Epoch("bob", 4, "c4", "alice"), 0);
        s.Put(Identity("bob", "alice", 2, "a2"), 0);
        s.Put(State("alice", 4, "e4", "t4", 2, 1, "x4", "a2", "b1"));
        s.Put(State("bob", 4, "e4", "t4", 1, 2, "x4", "b1", "a2"), 0);
        s.Put(Phase(PhaseEvent.Liveness), 0);
        s.Put(Epoch("bob", 5, "c5", "bob"));
        s.Put(Send("bob", "d3", 5, 3), 0);
        s.Put(Deliver("alice", "d3"), 50);
        s.Put(Outcome("alice", "Delivered", 5, 3), 0);
        s.Put(Epoch("alice", 5, "c5", "bob"), 0);
        s.Put(Epoch("alice", 6, "c6", "alice"));
        s.Put(Send("alice", "d4", 6, 4), 0);
        s.Put(Deliver("bob", "d4"), 50);
        s.Put(Outcome("bob", "Delivered", 6, 4), 0);
        s.Put(Epoch("bob", 6, "c6", "alice"), 0);
        s.Put(State("alice", 6, "e6", "t6", 2, 1, "x6", "a2", "b1"));
        s.Put(State("bob", 6, "e6", "t6", 1, 2, "x6", "b1", "a2"), 0);
        return s._events;
    }

    /// <summary>The index of the first event matching, after <paramref name="from"/>.</summary>
    public static int Find(IReadOnlyList<TraceEvent> trace, Func<TraceEvent, bool> match, int from = 0)
    {
        for (int i = from; i < trace.Count; i++) if (match(trace[i])) return i;
        throw new InvalidOperationException("no such event in the scenario");
    }

    public static List<TraceEvent> Replace(IReadOnlyList<TraceEvent> trace, int index, Func<TraceEvent, TraceEvent> change)
    {
        var list = trace.ToList();
        list[index] = change(list[index]) with { T = list[index].T, Seq = list[index].Seq };
        return list;
    }

    /// <summary>Replaces the event at <paramref name="index"/>, of kind <typeparamref name="T"/>, by its changed copy.</summary>
    public static List<TraceEvent> Replace<T>(IReadOnlyList<TraceEvent> trace, int index, Func<T, TraceEvent> change) where T : TraceEvent =>
        Replace(trace, index, e => change((T)e));

    /// <summary>Inserts events after <paramref name="index"/> (at its time) and renumbers.</summary>
    public static List<TraceEvent> InsertAfter(IReadOnlyList<TraceEvent> trace, int index, params TraceEvent[] events)
    {
        var list = trace.ToList();
        list.InsertRange(index + 1, events.Select(e => e with { T = trace[index].T }));
        return Renumber(list);
    }

    public static List<TraceEvent> Remove(IReadOnlyList<TraceEvent> trace, params int[] indexes) =>
        Renumber(trace.Where((_, i) => !indexes.Contains(i)).ToList());

    private static List<TraceEvent> Renumber(List<TraceEvent> list) => list.Select((e, i) => e with { Seq = i }).ToList();

    public static Verdict AssertPasses(IChecker checker, IReadOnlyList<TraceEvent> trace)
    {
        var v = checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.True(v.Passed, v.ToString());
        Assert.Null(v.FirstViolation);
        return v;
    }

    public static Verdict AssertFailsAt(IChecker checker, IReadOnlyList<TraceEvent> trace, long seq)
    {
        var v = checker.Check(trace, CheckContext.FromTrace(trace));
        Assert.False(v.Passed, $"expected a violation at seq {seq}, got {v}");
        Assert.NotNull(v.FirstViolation);
        Assert.Equal(seq, v.FirstViolation!.Seq);
        Assert.Equal(checker.Name, v.Name);
        Assert.False(string.IsNullOrWhiteSpace(v.Detail));
        return v;
    }
}
