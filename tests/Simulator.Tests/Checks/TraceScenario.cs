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

    public TraceEvent Add(TraceKind kind, long dt = 10, string? party = null, Func<TraceEvent, TraceEvent>? with = null)
    {
        _t += dt;
        var e = new TraceEvent(_t, _events.Count, kind) { Party = party };
        if (with is not null) e = with(e);
        _events.Add(e);
        return e;
    }

    public List<TraceEvent> Events => _events;

    public static TraceEvent Send(string party, string dgram, ulong epoch, long payload, ulong? card = null) =>
        new(0, 0, TraceKind.Send) { Party = party, Datagram = dgram, Epoch = epoch, PayloadId = payload, CardVersion = card, Detail = card is null ? null : "card_edit" };
    public static TraceEvent Deliver(string party, string dgram) => new(0, 0, TraceKind.Deliver) { Party = party, Datagram = dgram };
    public static TraceEvent Outcome(string party, string outcome, ulong? epoch, long? payload = null) =>
        new(0, 0, TraceKind.Outcome) { Party = party, Outcome = outcome, Epoch = epoch, PayloadId = outcome == "Delivered" ? payload : null };
    public static TraceEvent Epoch(string party, ulong epoch, string commit, string committer) =>
        new(0, 0, TraceKind.Epoch) { Party = party, Epoch = epoch, CommitHash = commit, Detail = $"committer={committer}" };
    public static TraceEvent Fault(string fault, string? dgram, string? newId) =>
        new(0, 0, TraceKind.Fault) { Fault = fault, Datagram = dgram, Detail = newId is null ? null : $"deliver={newId}" };
    public static TraceEvent Identity(string party, string peer, ulong card, string agent) =>
        new(0, 0, TraceKind.Identity) { Party = party, Peer = peer, CardVersion = card, Agent = agent };
    public static TraceEvent State(string party, ulong epoch, string auth, string tree, ulong card, ulong peerCard, string context, string agent, string peerAgent) =>
        new(0, 0, TraceKind.State) { Party = party, Epoch = epoch, EpochAuth = auth, TreeHash = tree, CardVersion = card, Detail = $"peer_card={peerCard} gc_hash={context} agent={agent} peer_agent={peerAgent}" };

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
        s.Put(new TraceEvent(0, 0, TraceKind.Options) { Detail = $"SEED=42 retention_window={retention} faults=none" }, 0);
        s.Put(new TraceEvent(0, 0, TraceKind.Phase) { Detail = "safety" }, 0);
        s.Put(new TraceEvent(0, 0, TraceKind.Joined) { Party = "bob", Epoch = 3, Detail = "welcome_epoch=3 role=acceptor" });
        s.Put(Send("bob", "d1", 3, 1));
        s.Put(Deliver("alice", "d1"), 50);
        s.Put(Outcome("alice", "Delivered", 3, 1), 0);
        s.Put(new TraceEvent(0, 0, TraceKind.Joined) { Party = "alice", Epoch = 3, Detail = "welcome_epoch=3 role=inviter" }, 0);
        s.Put(Epoch("alice", 4, "c4", "alice"));
        s.Put(Send("alice", "d2", 4, 2, card: 2), 0);
        s.Put(Deliver("bob", "d2"), 50);
        s.Put(Outcome("bob", "Delivered", 4, 2), 0);
        s.Put(Epoch("bob", 4, "c4", "alice"), 0);
        s.Put(Identity("bob", "alice", 2, "a2"), 0);
        s.Put(new TraceEvent(0, 0, TraceKind.State) { Party = "alice", Epoch = 4, EpochAuth = "e4", TreeHash = "t4", CardVersion = 2, Detail = "peer_card=1 gc_hash=x4 agent=a2 peer_agent=b1" });
        s.Put(new TraceEvent(0, 0, TraceKind.State) { Party = "bob", Epoch = 4, EpochAuth = "e4", TreeHash = "t4", CardVersion = 1, Detail = "peer_card=2 gc_hash=x4 agent=b1 peer_agent=a2" }, 0);
        s.Put(new TraceEvent(0, 0, TraceKind.Phase) { Detail = "liveness" }, 0);
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
