using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Integrity": a tampered, forged, replayed or cross-session datagram is never Delivered,
/// including one an insider re-sealed with a valid header key; and every delivered payload's bytes
/// (their hash, <see cref="OutcomeEvent.PayloadHash"/>) are the bytes its Send carried; a refusal leaves
/// the receiver's saved state byte-identical (<see cref="OutcomeEvent.StateAltered"/>, compared by the party).
/// A Delivered outcome must answer a Deliver of bytes the peer sent in this session, unaltered: not
/// the new bytes of a corrupt or inject Fault, not bytes no Send produced (forged or from another
/// session), not the receiver's own datagram, and with the payload id that Send carried. A replayed
/// datagram may come out Duplicate, Expired or Rejected, but its payload is never Delivered a second
/// time to the same party (a Restore of that party forgets what it had delivered: a rollback).
/// A copy the insider altered in one layer is refused for the reason PAIRMLS.md names for that layer
/// (<see cref="InsiderRefusal"/>: wrong parity, bad signature, fork, malformed), not merely refused.
/// </summary>
public sealed class IntegrityChecker : IChecker
{
    public string Name => "Integrity";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var sends = trace.Sends;
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        var replayedPayloads = new HashSet<(string? Sender, long Payload)>();
        var delivered = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        int checkedCount = 0, reasons = 0;
        var epochs = new EpochTracker();
        var epochAtDeliver = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        bool rolledBack = false;

        foreach (var e in trace.Events)
        {
            epochs.Observe(e);
            if (e is RestoreEvent) rolledBack = true;
            if (e is DeliverEvent { Party: { } to }) epochAtDeliver[to] = epochs.EpochOf(to);
            if (!rolledBack && e is OutcomeEvent { Party: { } at } answer && JudgesRefusal(trace, answer, epochAtDeliver.GetValueOrDefault(at), context, out var wrong))
            {
                if (wrong is not null) return Verdict.Fail(Name, e, wrong);
                reasons++;
            }
            if (e is FaultEvent { Fault: "replay" } f)
            {
                foreach (var rid in new[] { f.Datagram, f.DeliverId })
                {
                    if (rid is null) continue;
                    replayed.Add(rid);
                    if (sends.TryGetValue(rid, out var rs) && rs.PayloadId is { } rp) replayedPayloads.Add((rs.Party, rp));
                }
                continue;
            }
            if (e.Party is not { } party) continue;
            if (e is RestoreEvent) { delivered.Remove(party); continue; }
            if (e is OutcomeEvent { StateAltered: true } refused)
                return Verdict.Fail(Name, e, $"{party} answered datagram {refused.Datagram} with {refused.Name}{(refused.Detail is { } why ? $" ({why})" : "")}, which changes nothing, but its saved state afterwards is not byte-identical to the state before");
            if (e is not OutcomeEvent { IsDelivered: true } o || trace.DeliverOf(o) is not { Datagram: { } id } deliver) continue;

            checkedCount++;
            if (trace.Altered.TryGetValue(id, out var fault))
                return Verdict.Fail(Name, e, $"{party} Delivered datagram {id}, which the network made by {fault.Fault}{(fault.Why is { } w ? $" ({w})" : "")} at seq {fault.Seq} (from {fault.Datagram ?? "nothing"}){PayloadVersus(o, fault.Datagram is { } orig && sends.TryGetValue(orig, out var os) ? os : null)}");
            if (!sends.TryGetValue(id, out var send))
                return Verdict.Fail(Name, e, $"{party} Delivered datagram {id} (Deliver seq {deliver.Seq}), which no party of this session sent: forged or cross-session");
            if (send.Party == party)
                return Verdict.Fail(Name, e, $"{party} Delivered its own datagram {id} (sent at seq {send.Seq}) reflected back to it");
            // Judged from the messages: the payload bytes delivered are the bytes that Send carried.
            if (o.PayloadHash is { } gotBytes && send.PayloadHash is { } sentBytes && gotBytes != sentBytes)
                return Verdict.Fail(Name, e, $"{party} Delivered payload bytes {gotBytes} from datagram {id}, but that datagram was sent with payload bytes {sentBytes} (seq {send.Seq})");
            if (o.PayloadId is { } got && send.PayloadId is { } sent && got != sent)
                return Verdict.Fail(Name, e, $"{party} Delivered payload {got} from datagram {id}, but that datagram was sent with payload {sent} (seq {send.Seq})");

            var pid = o.PayloadId ?? send.PayloadId;
            if (pid is not { } p) continue;
            var seen = delivered.TryGetValue(party, out var set) ? set : delivered[party] = [];
            if (!seen.Add(p) && (replayed.Contains(id) || replayedPayloads.Contains((send.Party, p))))
                return Verdict.Fail(Name, e, $"{party} Delivered payload {p} a second time (datagram {id}) after it was replayed");
        }
        return Verdict.Pass(Name, $"{checkedCount} Delivered outcomes, each from unaltered bytes the peer sent; no replayed payload Delivered twice; {reasons} insider copies refused for the reason their altered layer calls for");
    }

    /// <summary>
    /// Whether <paramref name="o"/> answers an insider's copy whose refusal <see cref="InsiderRefusal"/> decides;
    /// <paramref name="wrong"/> says why the outcome is not that refusal (null: it is).
    /// </summary>
    private static bool JudgesRefusal(TraceQuery trace, OutcomeEvent o, ulong? receiverEpoch, CheckContext context, out string? wrong)
    {
        wrong = null;
        if (receiverEpoch is not { } at || trace.DeliverOf(o) is not { Datagram: { } id } || !trace.Altered.TryGetValue(id, out var fault)
            || fault is not { Fault: "insider", Why: { } mutation, Datagram: { } original } || !trace.Sends.TryGetValue(original, out var send)
            || send.Epoch is not { } k || InsiderRefusal.Expected(mutation, k, at, context.RetentionWindow) is not var (expected, why))
            return false;
        if (o.Name != expected)
            wrong = $"{o.Party} answered datagram {id}, the insider's copy of {original} (epoch {k}) altered by {mutation}, with {o.Name}{(o.Detail is { } d ? $" ({d})" : "")} while in epoch {at}; PAIRMLS.md calls for {expected}: {why}";
        return true;
    }

    /// <summary>What the altered datagram's delivery carried compared with the payload its original was sent with.</summary>
    private static string PayloadVersus(OutcomeEvent o, SendEvent? original) => (o.PayloadHash, original?.PayloadHash) switch
    {
        ({ } got, { } sent) when got == sent => $"; its payload bytes are those of the original ({sent})",
        ({ } got, { } sent) => $"; payload bytes {got}, not the original's {sent}",
        _ => "",
    };
}
