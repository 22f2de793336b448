namespace Sim.Simulator.Trace;

/// <summary>
/// A rollback that cannot recover by design (docs/RECOVERY.md, "What an attacker who caused the
/// rollback can and cannot do"): <see cref="Party"/> was restored to a state older than its own agent
/// rollover, which its peer has committed: the copy holds no key of the agent <see cref="Agent"/> the
/// peer now accepts, and accepting the old agent again would hand the conversation to whoever holds
/// the old copy. A new invitation is needed. Judged from the trace alone: the Restore, the Identity
/// events that name the agents, and the final states (each party's own agent and its view of the
/// peer's). (A rollover of the peer after the copy is recoverable: the peer's offer carries its
/// succession links.)
/// </summary>
public sealed record RollbackPastRollover(RestoreEvent Restore, string Agent, IdentityEvent Rollover)
{
    /// <summary>The party that was restored.</summary>
    public string Party => Restore.Party!;

    public override string ToString() =>
        $"{Party} was restored (seq {Restore.Seq}) to a state of epoch {Restore.Epoch}, older than its own agent rollover to {Agent} " +
        $"(committed in epoch {Rollover.Epoch}, seq {Rollover.Seq}), which its peer holds and the copy has no key for: the peer refuses the old agent, a new invitation is needed (docs/RECOVERY.md)";

    /// <summary>
    /// Every such rollback in the trace, judged on its final states (the last State events after the
    /// liveness phase starts; none without them). A restore of X (peer Y) to a state of epoch e counts when
    /// Y ends up holding an agent A of X that X does not hold, A was introduced by a rollover committed in
    /// an epoch after e (an Identity event naming A for X; the copy of epoch e cannot hold it), that
    /// rollover was made by X before the restore (its first mention precedes the Restore, or reaches Y
    /// later with no rollover asked by X after the restore), and X never holds A after it.
    /// A world without such a restore is judged as usual: any other stuck rollback world still fails Liveness.
    /// </summary>
    public static IReadOnlyList<RollbackPastRollover> In(TraceQuery trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var found = new List<RollbackPastRollover>();
        var states = trace.FinalStates();
        var events = trace.Events;
        var identities = events.OfType<IdentityEvent>().Where(i => i.Agent is not null && i.Peer is not null && i.Epoch is not null).ToList();
        foreach (var r in events.OfType<RestoreEvent>())
        {
            if (r.Party is not { } x || TraceQuery.PeerOf(x) is not { } y || r.Epoch is not { } copied) continue;
            if (!states.TryGetValue(x, out var xs) || !states.TryGetValue(y, out var ys)) continue;

            if (ys.PeerAgent is { } held && held != xs.Agent
                && identities.FirstOrDefault(i => i.Peer == x && i.Agent == held) is { } first && first.Epoch > copied
                && MadeBeforeRestore(events, r, x, first)
                && !identities.Any(i => i.Party == x && i.Peer == x && i.Agent == held && i.Seq > r.Seq))
                found.Add(new RollbackPastRollover(r, held, first));
        }
        return found;
    }

    /// <summary>
    /// The rollover first mentioned at <paramref name="first"/> was made by the party before its restore:
    /// mentioned before it (the party's own commit, or the peer's commit of its proposal), or mentioned
    /// later at the peer (a datagram of the abandoned branch in flight) with no rollover asked by the
    /// party between the restore and that mention.
    /// </summary>
    private static bool MadeBeforeRestore(IReadOnlyList<TraceEvent> events, RestoreEvent restore, string party, IdentityEvent first) =>
        first.Seq < restore.Seq
        || (first.Party != party && !events.Any(e => e is SendEvent { RollOver: true } s && s.Party == party && s.Seq > restore.Seq && s.Seq < first.Seq));
}
