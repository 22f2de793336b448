using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Integrity": a tampered, forged, replayed or cross-session datagram is never Delivered.
/// A Delivered outcome must answer a Deliver of bytes the peer sent in this session, unaltered: not
/// the new bytes of a corrupt or inject Fault, not bytes no Send produced (forged or from another
/// session), not the receiver's own datagram, and with the payload id that Send carried. A replayed
/// datagram may come out Duplicate, Expired or Rejected, but its payload is never Delivered a second
/// time to the same party (a Restore of that party forgets what it had delivered: a rollback).
/// </summary>
public sealed class IntegrityChecker : IChecker
{
    public string Name => "Integrity";

    public Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context)
    {
        var sends = TraceFacts.SendsByDatagram(trace);
        var altered = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        var replayedPayloads = new HashSet<(string? Sender, long Payload)>();
        var pending = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        var delivered = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        int checkedCount = 0;

        foreach (var e in trace)
        {
            if (e.Kind == TraceKind.Fault)
            {
                if (e.Fault is "corrupt" or "inject" && DetailFields.Get(e.Detail, "deliver") is { } made) altered.TryAdd(made, e);
                if (e.Fault == "replay")
                {
                    foreach (var rid in new[] { e.Datagram, DetailFields.Get(e.Detail, "deliver") })
                    {
                        if (rid is null) continue;
                        replayed.Add(rid);
                        if (sends.TryGetValue(rid, out var rs) && rs.PayloadId is { } rp) replayedPayloads.Add((rs.Party, rp));
                    }
                }
                continue;
            }
            if (e.Party is not { } party) continue;
            if (e.Kind == TraceKind.Restore) { delivered.Remove(party); continue; }
            if (e.Kind == TraceKind.Deliver) { pending[party] = e; continue; }
            if (e.Kind != TraceKind.Outcome || !pending.Remove(party, out var deliver)) continue;
            if (e.Outcome != TraceFacts.Delivered || deliver.Datagram is not { } id) continue;

            checkedCount++;
            if (altered.TryGetValue(id, out var fault))
                return Verdict.Fail(Name, e, $"{party} Delivered datagram {id}, which the network made by {fault.Fault} at seq {fault.Seq} (from {fault.Datagram ?? "nothing"})");
            if (!sends.TryGetValue(id, out var send))
                return Verdict.Fail(Name, e, $"{party} Delivered datagram {id} (Deliver seq {deliver.Seq}), which no party of this session sent: forged or cross-session");
            if (send.Party == party)
                return Verdict.Fail(Name, e, $"{party} Delivered its own datagram {id} (sent at seq {send.Seq}) reflected back to it");
            if (e.PayloadId is { } got && send.PayloadId is { } sent && got != sent)
                return Verdict.Fail(Name, e, $"{party} Delivered payload {got} from datagram {id}, but that datagram was sent with payload {sent} (seq {send.Seq})");

            var pid = e.PayloadId ?? send.PayloadId;
            if (pid is not { } p) continue;
            var seen = delivered.TryGetValue(party, out var set) ? set : delivered[party] = [];
            if (!seen.Add(p) && (replayed.Contains(id) || replayedPayloads.Contains((send.Party, p))))
                return Verdict.Fail(Name, e, $"{party} Delivered payload {p} a second time (datagram {id}) after it was replayed");
        }
        return Verdict.Pass(Name, $"{checkedCount} Delivered outcomes, each from unaltered bytes the peer sent; no replayed payload Delivered twice");
    }
}
