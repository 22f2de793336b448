using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>One card edit and when the peer saw it committed (null: never).</summary>
public sealed record IdentityLatency(SendEvent Edit, TraceEvent? SeenAt)
{
    /// <summary>Virtual milliseconds from the edit's Send to the peer seeing the card committed.</summary>
    public long? LatencyMs => SeenAt is { } s ? s.T - Edit.T : null;
}

/// <summary>
/// PAIRMLS.md "Liveness" (design goal 2): an identity update is committed by the peer. Every card
/// edit (a Send with CardEdit, CardVersion v, by P) is seen committed by the peer Q
/// by the end of the trace (after the liveness phase): an Identity event at Q about P with card
/// version ≥ v after the edit, or Q's final State showing peer_card ≥ v. The verdict reports the
/// latency (virtual ms from the edit to the first sighting).
/// </summary>
public sealed class IdentityLivenessChecker : IChecker
{
    public string Name => "IdentityLiveness";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var all = Latencies(trace);
        var missing = all.FirstOrDefault(l => l.SeenAt is null);
        if (missing is not null)
        {
            var edit = missing.Edit;
            return Verdict.Fail(Name, edit,
                $"{edit.Party}'s card version {edit.CardVersion} (edited at t={edit.T}ms, seq {edit.Seq}) was never seen committed by {TraceQuery.PeerOf(edit.Party)}");
        }
        if (all.Count == 0) return Verdict.Pass(Name, "no card edits");
        var ms = all.Select(l => l.LatencyMs!.Value).ToList();
        return Verdict.Pass(Name, $"{all.Count} card edits seen committed by the peer; latency max {ms.Max()} ms, mean {ms.Average():F0} ms");
    }

    /// <summary>Every card edit in trace order, with the event where the peer first saw it committed.</summary>
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
            for (int j = i + 1; j < events.Count && seen is null; j++)
            {
                var e = events[j];
                if (e.Party != peer) continue;
                if (e is IdentityEvent id && id.Peer == edit.Party && id.CardVersion >= v) seen = e;
                else if (e is StateEvent s && ReferenceEquals(finals.GetValueOrDefault(peer), s) && s.PeerCardVersion >= v) seen = e;
            }
            result.Add(new IdentityLatency(edit, seen));
        }
        return result;
    }
}
