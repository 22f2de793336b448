using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// One card edit and when the peer saw it committed (null: never); <see cref="ErasedBy"/>: the editor's own
/// Restore, before the peer saw it, to a state that does not want that card version (the edit is gone from the editor).
/// </summary>
public sealed record IdentityLatency(SendEvent Edit, TraceEvent? SeenAt, RestoreEvent? ErasedBy = null)
{
    /// <summary>Virtual milliseconds from the edit's Send to the peer seeing the card committed.</summary>
    public long? LatencyMs => SeenAt is { } s ? s.T - Edit.T : null;
}

/// <summary>
/// PAIRMLS.md "Identity liveness": an identity update is committed by the peer within one round trip
/// after it was delivered. For every card edit (a Send with CardEdit and CardVersion v, by P):
/// <list type="bullet">
/// <item>the peer Q sees it committed by the end of the trace (an Identity event at Q about P with card
/// version ≥ v after the edit, or Q's final State showing peer_card ≥ v);</item>
/// <item>within one round trip: once Q has Delivered a datagram P sent at or after the edit, in the
/// epoch Q is then in (so Q holds its update proposal: PAIRMLS.md "Steady state"), the first commit Q
/// makes afterwards (its Epoch event with Q as committer) covers it: the Identity event comes in the
/// same send, before its Send event. A crash or restart of Q in between starts the wait again (what Q
/// had not persisted is gone). Not judged within one round trip when P made more than three identity
/// changes in the edit's epoch (a party keeps at most 4 own proposals per epoch, so a later edit may
/// wait for P's next epoch).</item>
/// </list>
/// An edit the editor's own rollback erased is not judged: a Restore of P, before Q saw the edit committed, to a
/// state whose desired card version (recorded by the Restore event) is below v. P no longer wants that card, and
/// PAIRMLS.md asks the peer to commit only what the editor still proposes.
/// The verdict reports the latency (virtual ms from the edit to the first sighting).
/// </summary>
public sealed class IdentityLivenessChecker : IChecker
{
    /// <summary>A party's identity changes per epoch above which the proposal bound may postpone one (PairState.MaxOwnProposals − 1).</summary>
    public const int JudgedChangesPerEpoch = 3;

    public string Name => "IdentityLiveness";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var latencies = Latencies(trace);
        var all = latencies.Where(l => l.ErasedBy is null).ToList();
        int erased = latencies.Count - all.Count;
        string exempt = erased == 0 ? "" : $"; {erased} erased by the editor's own restore, not judged";
        var missing = all.FirstOrDefault(l => l.SeenAt is null);
        if (missing is not null)
        {
            var edit = missing.Edit;
            return Verdict.Fail(Name, edit,
                $"{edit.Party}'s card version {edit.CardVersion} (edited at t={edit.T}ms, seq {edit.Seq}) was never seen committed by {TraceQuery.PeerOf(edit.Party)}");
        }
        if (all.Count == 0) return Verdict.Pass(Name, "no card edits" + exempt);
        if (RoundTrip(trace, all) is { } late) return late;
        var ms = all.Select(l => l.LatencyMs!.Value).ToList();
        return Verdict.Pass(Name, $"{all.Count} card edits seen committed by the peer, each by the peer's first commit after it was delivered; latency max {ms.Max()} ms, mean {ms.Average():F0} ms{exempt}");
    }

    /// <summary>The first edit the peer's first commit after its delivery did not cover, as a failed verdict; null if none.</summary>
    private Verdict? RoundTrip(TraceQuery trace, IReadOnlyList<IdentityLatency> latencies)
    {
        var events = trace.Events;
        var index = new Dictionary<long, int>();
        for (int i = 0; i < events.Count; i++) index[events[i].Seq] = i;
        var changesPerEpoch = new Dictionary<(string?, ulong?), int>();
        var changesBefore = new Dictionary<long, int>();
        foreach (var s in events.OfType<SendEvent>().Where(s => s.CardEdit || s.RollOver))
            changesBefore[s.Seq] = changesPerEpoch[(s.Party, s.Epoch)] = changesPerEpoch.GetValueOrDefault((s.Party, s.Epoch)) + 1;

        foreach (var l in latencies)
        {
            var edit = l.Edit;
            if (changesBefore.GetValueOrDefault(edit.Seq) > JudgedChangesPerEpoch) continue;
            string peer = TraceQuery.PeerOf(edit.Party)!;
            var epochs = new EpochTracker();
            for (int i = 0; i <= index[edit.Seq]; i++) epochs.Observe(events[i]);
            OutcomeEvent? holding = null;
            for (int j = index[edit.Seq] + 1; j < events.Count && events[j].Seq <= l.SeenAt!.Seq; j++)
            {
                var e = events[j];
                epochs.Observe(e);
                if (e.Party != peer) continue;
                if (e is CrashEvent or RestartEvent or RestoreEvent) { holding = null; continue; }
                // A delivery (IsDelivered, as every checker counts them) of a payload sent in the epoch the peer is in: a
                // Resynced one names the epoch before its own (PayloadEpoch), whose proposals its resync Commit cannot cover.
                if (holding is null && e is OutcomeEvent { IsDelivered: true } o && o.PayloadEpoch is { } k && k == epochs.EpochOf(peer)
                    && trace.DeliverOf(o) is { Datagram: { } id } && trace.Sends.TryGetValue(id, out var carried) && carried.Party == edit.Party && carried.Seq >= edit.Seq)
                {
                    holding = o;
                    continue;
                }
                if (holding is not null && e is EpochEvent { Committer: { } by } commit && by == peer)
                {
                    // The commit's own send: its Identity events come before its Send event.
                    var send = events.Skip(j + 1).OfType<SendEvent>().FirstOrDefault(x => x.Party == peer);
                    if (send is null || l.SeenAt.Seq < send.Seq) break;
                    return Verdict.Fail(Name, commit,
                        $"{edit.Party}'s card version {edit.CardVersion} (edited at seq {edit.Seq}) was Delivered to {peer} at seq {holding.Seq} (epoch {holding.Epoch}), " +
                        $"but {peer}'s next commit (epoch {commit.Epoch}, seq {commit.Seq}) did not commit it: seen committed only at seq {l.SeenAt.Seq} (t={l.SeenAt.T}ms), not within one round trip");
                }
            }
        }
        return null;
    }

    /// <summary>Every card edit in trace order, with the event where the peer first saw it committed and the editor's Restore that erased it before that.</summary>
    public static IReadOnlyList<IdentityLatency> Latencies(TraceQuery trace)
    {
        var finals = trace.FinalStates();
        var events = trace.Events;
        var result = new List<IdentityLatency>();
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i] is not SendEvent { CardEdit: true, CardVersion: { } v } edit) continue;
            if (TraceQuery.PeerOf(edit.Party) is not { } peer) continue;
            TraceEvent? seen = null;
            RestoreEvent? erased = null;
            for (int j = i + 1; j < events.Count && seen is null; j++)
            {
                var e = events[j];
                if (erased is null && e is RestoreEvent { DesiredCardVersion: { } wants } r && r.Party == edit.Party && wants < v) erased = r;
                if (e.Party != peer) continue;
                if (e is IdentityEvent id && id.Peer == edit.Party && id.CardVersion >= v) seen = e;
                else if (e is StateEvent s && ReferenceEquals(finals.GetValueOrDefault(peer), s) && s.PeerCardVersion >= v) seen = e;
            }
            result.Add(new IdentityLatency(edit, seen, erased));
        }
        return result;
    }
}
