using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Decryptability": every datagram delivered as sent (not corrupted or injected) whose
/// epoch e is inside the receiver's window is decrypted: its outcome is Delivered, or Duplicate when
/// that payload was already Delivered to that party. Inside the window means the receiver, in epoch
/// c when the datagram arrives, can reach it: c − R ≤ e ≤ c + 1 (one epoch ahead: the stapled commit
/// takes the receiver there); before the receiver joined, only the welcome epoch is inside.
/// Datagrams in or after an epoch with two different commits are not judged (that is a fork, see
/// <see cref="ForkFreedomChecker"/>), nor are receipts while the receiver's epoch is unknown (after
/// a reload whose event names no epoch). With no fault at all in the trace (no Fault, Crash,
/// Restart, Restore or Offline event) every sent payload is Delivered exactly once to the peer.
/// </summary>
public sealed class DecryptabilityChecker : IChecker
{
    public string Name => "Decryptability";

    public Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context)
    {
        var sends = TraceFacts.SendsByDatagram(trace);
        var altered = TraceFacts.AlteredDatagrams(trace);
        var ownership = Ownership.Of(trace);
        var firstForked = ForkFreedomChecker.FirstForkedEpoch(trace);
        var outcomeToDeliver = TraceFacts.Receipts(trace).ToDictionary(r => r.Outcome.Seq, r => r.Deliver);
        ulong r = (ulong)context.RetentionWindow;

        var epochs = new EpochTracker();
        var receiverEpochAtDeliver = new Dictionary<long, ulong?>();
        var joinedAtDeliver = new Dictionary<long, bool>();
        var delivered = new HashSet<(string, long)>();
        var deliveredCount = new Dictionary<(string, long), int>();
        int judged = 0;

        foreach (var e in trace)
        {
            if (e.Kind == TraceKind.Deliver && e.Party is { } rp)
            {
                receiverEpochAtDeliver[e.Seq] = epochs.EpochOf(rp);
                joinedAtDeliver[e.Seq] = epochs.HasJoined(rp);
            }
            epochs.Observe(e);
            if (e.Kind != TraceKind.Outcome || e.Party is not { } party) continue;

            if (e.Outcome == TraceFacts.Delivered && e.PayloadId is { } pid)
            {
                delivered.Add((party, pid));
                deliveredCount[(party, pid)] = deliveredCount.GetValueOrDefault((party, pid)) + 1;
            }
            if (!outcomeToDeliver.TryGetValue(e.Seq, out var deliver) || deliver.Datagram is not { } id) continue;
            if (altered.ContainsKey(id) || !sends.TryGetValue(id, out var send) || send.Party == party) continue;
            if (send.Epoch is not { } epoch) continue;
            if (firstForked is { } f && epoch >= f) continue;

            bool inside;
            if (!joinedAtDeliver[deliver.Seq]) inside = ownership.WelcomeEpoch == epoch;
            else if (receiverEpochAtDeliver[deliver.Seq] is not { } c) continue;
            else inside = epoch <= c + 1 && (epoch >= c || c - epoch <= r);
            if (!inside) continue;

            judged++;
            bool ok = e.Outcome == TraceFacts.Delivered
                || (e.Outcome == TraceFacts.Duplicate && send.PayloadId is { } sp && delivered.Contains((party, sp)));
            if (!ok)
            {
                string where = joinedAtDeliver[deliver.Seq] ? $"its epoch {receiverEpochAtDeliver[deliver.Seq]}" : "not joined yet";
                string why = e.Outcome == TraceFacts.Duplicate ? $"Duplicate although payload {send.PayloadId} was never Delivered to {party}" : e.Outcome ?? "no outcome";
                return Verdict.Fail(Name, e,
                    $"datagram {id} (sent by {send.Party} at seq {send.Seq} in epoch {epoch}, payload {send.PayloadId}) delivered unaltered to {party} ({where}, R={r}) inside the window: {why}");
            }
        }

        if (!TraceFacts.AnyFault(trace))
        {
            // The earliest violation by trace order: a Send never delivered, or a second Delivered.
            (TraceEvent At, string Why)? first = null;
            foreach (var s in trace)
            {
                if (s.Kind != TraceKind.Send || s.PayloadId is not { } pid || TraceFacts.PeerOf(s.Party) is not { } peer) continue;
                int n = deliveredCount.GetValueOrDefault((peer, pid));
                if (n == 1) continue;
                var at = n == 0 ? s : NthDelivered(trace, peer, pid, 2)!;
                if (first is null || at.Seq < first.Value.At.Seq)
                    first = (at, $"no faults, yet payload {pid} sent by {s.Party} at seq {s.Seq} was Delivered to {peer} {n} times (expected exactly once)");
            }
            if (first is { } v) return Verdict.Fail(Name, v.At, v.Why);
            return Verdict.Pass(Name, $"{judged} unaltered datagrams inside the window (R={r}) decrypted; no faults: every sent payload Delivered exactly once");
        }
        return Verdict.Pass(Name, $"{judged} unaltered datagrams inside the window (R={r}) decrypted");
    }

    private static TraceEvent? NthDelivered(IReadOnlyList<TraceEvent> trace, string party, long pid, int n) =>
        trace.Where(e => e.Kind == TraceKind.Outcome && e.Party == party && e.Outcome == TraceFacts.Delivered && e.PayloadId == pid).Skip(n - 1).FirstOrDefault();
}
