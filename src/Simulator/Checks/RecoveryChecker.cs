using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Crashes, rollbacks and recovery" (docs/RECOVERY.md), judged from the trace's messages:
/// for every rollback the world made (a Restore that discarded at least one save),
/// <list type="number">
/// <item><b>detected</b>: when the rollback split the conversation, as the messages show it (the restored
/// party entered, after it, another commit for an epoch than its peer entered; the restored party left more than one
/// epoch behind its peer; or a payload it sent afterwards answered Duplicate by a peer that never
/// Delivered it: a reused generation), some party reports it: a RollbackDetected, Rejected:Fork or
/// Resynced outcome after the Restore, for bytes a party sent (not bytes the network altered);</item>
/// <item><b>recovered within the bound</b>: after faults stop the parties converge
/// (<see cref="TraceQuery.Convergence()"/>) within <see cref="LivenessChecker.MaxRoundTrips"/> round trips;
/// the one documented exception, a rollback to before the party's own agent rollover
/// (<see cref="RollbackPastRollover"/>), is reported as exempt;</item>
/// <item><b>nothing from an abandoned branch Delivered</b>: no party Delivers a datagram sent in an epoch
/// under another commit than the one the receiver holds for that epoch (each side's commit per epoch is
/// read from its own Epoch, Joined and Restore events, at the time it sent or received);</item>
/// <item><b>nothing Delivered twice</b> to one party since its last Restore (a Restore forgets by design);</item>
/// <item><b>cards and agents kept</b>: at the end each party's card version is at least the newest version of
/// it any party still held committed (Identity events since that party's last Restore), and each sees the
/// other's card and agent as the other holds them;</item>
/// <item>the <b>messages lost</b> are counted: payloads sent after the first rollback never Delivered to the peer.</item>
/// </list>
/// In every trace, rollback or not: a party's resync offers agree with its outcomes (<see cref="RecoveryOffers"/>).
/// </summary>
public sealed class RecoveryChecker : IChecker
{
    public string Name => "Recovery";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        if (RecoveryOffers.Disagreement(trace) is { } offers) return Verdict.Fail(Name, offers.At, offers.Why);
        var rollbacks = trace.Events.OfType<RestoreEvent>().Where(r => r.SavesLost > 0).ToList();
        if (rollbacks.Count == 0) return Verdict.Pass(Name, "no rollback (no Restore discarded a save): nothing to recover");

        if (AcrossBranches(trace) is { } crossed) return crossed;
        if (Twice(trace) is { } twice) return twice;

        var (sent, lost) = MessagesLost(trace, rollbacks[0].Seq);
        string counted = $"{rollbacks.Count} rollback(s); {lost} of {sent} messages sent after the first one lost";
        var point = trace.Convergence();
        bool recovered = point is { RoundTrips: <= LivenessChecker.MaxRoundTrips };
        // The documented exception (docs/RECOVERY.md): restored to before its own agent rollover, the party cannot rejoin.
        if (!recovered && RollbackPastRollover.In(trace) is { Count: > 0 } byDesign)
            return Verdict.Exempted(Name, $"{LivenessChecker.ExemptReason}: {string.Join("; ", byDesign)}; {counted}");
        foreach (var r in rollbacks)
            if (Split(trace, r) is { } split && Detection(trace, r) is null)
                return Verdict.Fail(Name, r, $"the rollback of {r.Party} at seq {r.Seq} {split}, and no party detected it (no RollbackDetected, Rejected:Fork or Resynced outcome after it)");
        if (!recovered)
        {
            string how = point is { } late ? $"converged only after {late.RoundTrips} round trips" : "never converged after faults stopped";
            return Verdict.Fail(Name, point?.At ?? rollbacks[^1], $"{how} (at most {LivenessChecker.MaxRoundTrips}) after the rollback(s); {counted}");
        }
        if (Identities(trace) is { } identity) return Verdict.Fail(Name, identity.At, identity.Why);
        return Verdict.Pass(Name, $"{counted}; every split detected, recovered within {point!.RoundTrips} round trip(s) after faults stopped, nothing of an abandoned branch or twice delivered, cards and agents kept");
    }

    /// <summary>How the rollback split the conversation, from the messages after it; null when it did not.</summary>
    private static string? Split(TraceQuery trace, RestoreEvent r)
    {
        string? peer = TraceQuery.PeerOf(r.Party);
        // A commit the restored party entered after the rollback, for an epoch its peer entered with another commit
        // (a commit only the restored party ever entered, the peer having seen neither, splits nothing).
        var epochEvents = trace.Events.OfType<EpochEvent>().Where(e => e.Epoch is not null && e.CommitHash is not null).ToList();
        foreach (var mine in epochEvents.Where(e => e.Party == r.Party && e.Seq > r.Seq))
            if (epochEvents.FirstOrDefault(e => e.Party == peer && e.Epoch == mine.Epoch && e.CommitHash != mine.CommitHash) is { } theirs)
                return $"made a second commit for epoch {mine.Epoch} ({theirs.CommitHash} at {peer}, {mine.CommitHash} at {r.Party})";
        var epochs = new EpochTracker();
        foreach (var e in trace.Events)
        {
            if (e.Seq >= r.Seq) break;
            epochs.Observe(e);
        }
        if (peer is not null && r.Epoch is { } restored && epochs.EpochOf(peer) is { } ahead && ahead > restored + 1)
            return $"left it in epoch {restored} while {peer} was in epoch {ahead}";
        // A payload of the restored party sent afterwards, answered Duplicate although the peer never Delivered it: a reused generation.
        var delivered = new HashSet<long>();
        foreach (var e in trace.Events)
        {
            if (e is RestoreEvent { Party: var p } && p == peer) delivered.Clear();
            if (e is not OutcomeEvent { Party: var q } o || q != peer) continue;
            if (o.IsDelivered && o.PayloadId is { } pid) delivered.Add(pid);
            if (o.Seq < r.Seq || o.Result != OutcomeEvent.Duplicate || trace.DeliverOf(o) is not { Datagram: { } id } || !trace.IsHonest(id)) continue;
            var send = trace.Sends[id];
            if (send.Party == r.Party && send.Seq > r.Seq && send.PayloadId is { } fresh && !delivered.Contains(fresh))
                return $"made it send generations again: {peer} answered its new payload {fresh} (datagram {id}, seq {send.Seq}) Duplicate at seq {o.Seq}";
        }
        return null;
    }

    /// <summary>The first outcome after <paramref name="r"/> that reports a rollback, for bytes a party sent.</summary>
    private static OutcomeEvent? Detection(TraceQuery trace, RestoreEvent r) =>
        trace.Events.OfType<OutcomeEvent>().FirstOrDefault(o => o.Seq > r.Seq
            && (o.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced || o.Name == "Rejected:Fork")
            && !(trace.DeliverOf(o) is { Datagram: { } id } && trace.Altered.ContainsKey(id)));

    /// <summary>A Delivered datagram sent under another commit for its epoch than the receiver's (a datagram of an abandoned branch).</summary>
    private Verdict? AcrossBranches(TraceQuery trace)
    {
        var commits = new Dictionary<string, Dictionary<ulong, string>>(StringComparer.Ordinal);
        Dictionary<ulong, string> Of(string party) => commits.TryGetValue(party, out var m) ? m : commits[party] = [];
        var sentUnder = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in trace.Events)
        {
            if (e.Party is not { } party) continue;
            switch (e)
            {
                case EpochEvent { Epoch: { } epoch, CommitHash: { } hash }:
                    Of(party)[epoch] = hash;
                    break;
                case RestoreEvent { Epoch: var epoch } restore:
                    // The copy knows its own epoch's commit; what it held of newer epochs is gone, older ones are unknown.
                    commits[party] = epoch is { } restored && restore.CommitHash is { } h ? new() { [restored] = h } : [];
                    break;
                case SendEvent { Epoch: { } epoch, Datagram: { } sentId }:
                    if (Of(party).TryGetValue(epoch, out var under)) sentUnder.TryAdd(sentId, under);
                    break;
                case OutcomeEvent o:
                    // A resync leaves the abandoned branch: only the rejoined epoch (its Epoch event follows the branch's) is known.
                    if (o.Result == OutcomeEvent.Resynced) commits[party] = o.Epoch is { } into && Of(party).TryGetValue(into, out var rejoined) ? new() { [into] = rejoined } : [];
                    if (o.Result != OutcomeEvent.Delivered || trace.DeliverOf(o) is not { Datagram: { } id } || !trace.IsHonest(id)) break;
                    var send = trace.Sends[id];
                    if (send.Epoch is { } se && sentUnder.TryGetValue(id, out var theirs) && Of(party).TryGetValue(se, out var ours) && theirs != ours)
                        return Verdict.Fail(Name, e, $"{party} Delivered datagram {id}, which {send.Party} sent (seq {send.Seq}) in epoch {se} under commit {theirs}, while {party}'s epoch {se} is commit {ours}: a message of an abandoned branch");
                    break;
            }
        }
        return null;
    }

    /// <summary>A payload Delivered twice to one party since its last Restore.</summary>
    private Verdict? Twice(TraceQuery trace)
    {
        var delivered = new Dictionary<(string, long), OutcomeEvent>();
        foreach (var e in trace.Events)
        {
            if (e is RestoreEvent { Party: { } p })
                foreach (var key in delivered.Keys.Where(k => k.Item1 == p).ToList()) delivered.Remove(key);
            if (e is not OutcomeEvent { IsDelivered: true, PayloadId: { } pid, Party: { } party } o) continue;
            if (!delivered.TryAdd((party, pid), o))
                return Verdict.Fail(Name, e, $"payload {pid} Delivered to {party} twice (seq {delivered[(party, pid)].Seq} and seq {e.Seq})");
        }
        return null;
    }

    /// <summary>Cards and agents kept after the recovery, from the final states and the Identity events.</summary>
    private static (TraceEvent? At, string Why)? Identities(TraceQuery trace)
    {
        var states = trace.FinalStates();
        if (!states.TryGetValue(TraceQuery.Alice, out var a) || !states.TryGetValue(TraceQuery.Bob, out var b)) return null;
        // The newest committed card version of each party that some party still holds (since that holder's last Restore).
        var newest = new Dictionary<(string Holder, string Whose), ulong>();
        foreach (var e in trace.Events)
        {
            if (e is RestoreEvent { Party: { } p })
                foreach (var key in newest.Keys.Where(k => k.Holder == p).ToList()) newest.Remove(key);
            if (e is IdentityEvent { Party: { } holder, Peer: { } whose, Change: "identity", CardVersion: { } v })
                newest[(holder, whose)] = Math.Max(newest.GetValueOrDefault((holder, whose)), v);
        }
        foreach (var s in new[] { a, b })
        {
            ulong held = newest.Where(kv => kv.Key.Whose == s.Party).Select(kv => kv.Value).DefaultIfEmpty(0UL).Max();
            if (s.CardVersion is { } mine && mine < held)
                return (s, $"{s.Party} ended with card version {mine}, but version {held} of its card was committed and still held: the recovery lost a card");
        }
        var seen = TraceQuery.Disagreements(a, b).Where(p => p.Contains(" sees ") || p.Contains("peer_card")).ToList();
        return seen.Count > 0 ? (a.Seq > b.Seq ? a : b, $"cards or agents not kept after recovery: {string.Join("; ", seen)}") : null;
    }

    /// <summary>
    /// Messages lost to the rollbacks: payloads sent at or after <paramref name="fromSeq"/> (the first
    /// rollback) that never reached the peer (no Delivered, nor Resynced with the payload, at it).
    /// </summary>
    public static (int Sent, int Lost) MessagesLost(TraceQuery trace, long fromSeq)
    {
        var delivered = new HashSet<(string, long)>();
        foreach (var o in trace.Events.OfType<OutcomeEvent>())
            if (o.IsDelivered && o.PayloadId is { } pid && o.Party is { } p) delivered.Add((p, pid));
        int sent = 0, lost = 0;
        foreach (var s in trace.Events.OfType<SendEvent>())
        {
            if (s.Seq < fromSeq || s.PayloadId is not { } pid || TraceQuery.PeerOf(s.Party) is not { } peer) continue;
            sent++;
            if (!delivered.Contains((peer, pid))) lost++;
        }
        return (sent, lost);
    }
}
