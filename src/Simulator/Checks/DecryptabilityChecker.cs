using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Decryptability" (R ≥ 1): every datagram that arrives unaltered, inside the retention
/// window and inside the out-of-order limits, is Delivered, or Duplicate when that payload was
/// already Delivered to that party.
/// <list type="bullet">
/// <item>Retention window: the receiver, in epoch c when the datagram arrives, can reach its epoch e
/// when c − R ≤ e ≤ c + 1 (one ahead: the stapled commit takes it there); before it joined, only the
/// welcome epoch is inside.</item>
/// <item>Out-of-order limits (RFC 9420 §9.2, as the secret tree applies them): the datagram's
/// generation g is the number of datagrams its sender sent before it in that epoch (one application
/// message each); with n the receiver's next expected generation of that sender in e (one past the
/// newest it decrypted), g is inside when n ≤ g ≤ n + forward distance, or when g &lt; n and g is at
/// least the newest decrypted generation minus the out-of-order window.</item>
/// </list>
/// Not judged: datagrams in or after an epoch with two different commits (a fork, see
/// <see cref="ForkFreedomChecker"/>), receipts while the receiver's epoch is unknown (after a reload
/// that names none), generations a rollback made uncertain (a Restore of the sender in or before
/// that epoch, of the receiver for the epochs it held), and the recovery from a rollback
/// (docs/RECOVERY.md): a RollbackDetected outcome (authentic evidence; ForkFreedom fails one
/// without a rollback), a Resynced one, and, once a party resynced into epoch k + 1, what it gets of
/// the peer's epochs up to k, which it never held. With no fault at all every sent payload is
/// Delivered exactly once to the peer.
/// </summary>
public sealed class DecryptabilityChecker : IChecker
{
    public string Name => "Decryptability";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var ownership = trace.Ownership;
        var firstForked = trace.FirstForkedEpoch();
        ulong r = (ulong)context.RetentionWindow;

        var epochs = new EpochTracker();
        var generation = new Dictionary<string, long>(StringComparer.Ordinal); // datagram -> generation (absent: uncertain)
        var sent = new Dictionary<(string Party, ulong Epoch), long>();        // next generation a sender uses
        var uncertainSender = new Dictionary<string, ulong>(StringComparer.Ordinal); // sender -> epochs ≤ this are uncertain
        var next = new Dictionary<(string Receiver, ulong Epoch), long>();     // receiver's next expected generation
        var newest = new Dictionary<(string Receiver, ulong Epoch), long>();
        var uncertainReceiver = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var atDeliver = new Dictionary<long, (bool Joined, ulong? Epoch)>();
        var delivered = new HashSet<(string, long)>();
        var deliveredCount = new Dictionary<(string, long), int>();
        int judged = 0;

        foreach (var e in trace.Events)
        {
            switch (e)
            {
                case SendEvent { Party: { } p, Epoch: { } se, Datagram: { } id }:
                    if (uncertainSender.TryGetValue(p, out var us) && se <= us) break;
                    long g = sent.GetValueOrDefault((p, se));
                    sent[(p, se)] = g + 1;
                    generation.TryAdd(id, g);
                    break;
                case RestoreEvent { Party: { } p }:
                    // Its ratchets of the epochs it holds went back to an unknown point, for what it sends and what it
                    // receives; later epochs it enters afresh (generation 0), as if it never had.
                    ulong upTo = e.Epoch ?? epochs.EpochOf(p) ?? 0;
                    uncertainSender[p] = Math.Max(uncertainSender.GetValueOrDefault(p), upTo);
                    uncertainReceiver[p] = Math.Max(uncertainReceiver.GetValueOrDefault(p), upTo);
                    foreach (var k in sent.Keys.Where(k => k.Party == p && k.Epoch > upTo).ToList()) sent.Remove(k);
                    foreach (var k in next.Keys.Where(k => k.Receiver == p && k.Epoch > upTo).ToList()) { next.Remove(k); newest.Remove(k); }
                    break;
                case DeliverEvent { Party: { } rp }:
                    atDeliver[e.Seq] = (epochs.HasJoined(rp), epochs.EpochOf(rp));
                    break;
            }
            epochs.Observe(e);
            if (e is not OutcomeEvent { Party: { } party } o) continue;

            if (o.IsDelivered && o.PayloadId is { } pid)
            {
                delivered.Add((party, pid));
                deliveredCount[(party, pid)] = deliveredCount.GetValueOrDefault((party, pid)) + 1;
            }
            if (o.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced)
            {
                if (o.Result == OutcomeEvent.Resynced && o.Epoch is { } rejoined)
                    uncertainReceiver[party] = Math.Max(uncertainReceiver.GetValueOrDefault(party), rejoined - 1);
                continue;
            }
            if (trace.DeliverOf(o) is not { Datagram: { } did } deliver) continue;
            if (!trace.IsHonest(did) || trace.Sends[did] is not { Party: { } sender, Epoch: { } epoch } send || sender == party) continue;
            bool known = generation.TryGetValue(did, out var gen)
                && !(uncertainReceiver.TryGetValue(party, out var ur) && epoch <= ur);
            var key = (party, epoch);
            long n = next.GetValueOrDefault(key);
            if (o.IsDelivered && known)
            {
                next[key] = Math.Max(n, gen + 1);
                newest[key] = Math.Max(newest.GetValueOrDefault(key, -1), gen);
            }
            if (firstForked is { } f && epoch >= f) continue;
            if (!known) continue;

            var (joined, c) = atDeliver[deliver.Seq];
            bool inside;
            if (!joined) inside = ownership.WelcomeEpoch == epoch;
            else if (c is not { } ce) continue;
            else inside = epoch <= ce + 1 && (epoch >= ce || ce - epoch <= r);
            if (!inside) continue;
            bool inLimits = gen >= n
                ? gen - n <= context.ForwardDistance
                : gen >= newest.GetValueOrDefault(key, -1) - context.OutOfOrderWindow;
            if (!inLimits) continue;

            judged++;
            bool ok = o.IsDelivered || (o.Result == OutcomeEvent.Duplicate && send.PayloadId is { } sp && delivered.Contains((party, sp)));
            if (!ok)
            {
                string where = joined ? $"its epoch {c}" : "not joined yet";
                string why = o.Result == OutcomeEvent.Duplicate ? $"Duplicate although payload {send.PayloadId} was never Delivered to {party}" : o.Name + (o.Detail is { } d ? $" (\"{d}\")" : "");
                return Verdict.Fail(Name, o,
                    $"datagram {did} (sent by {sender} at seq {send.Seq} in epoch {epoch}, generation {gen}, payload {send.PayloadId}) delivered unaltered to {party} ({where}, R={r}, next generation {n}, out-of-order window {context.OutOfOrderWindow}, forward distance {context.ForwardDistance}) inside the limits: {why}");
            }
        }

        if (!trace.AnyFault)
        {
            // The earliest violation by trace order: a Send never delivered, or a second Delivered.
            (TraceEvent At, string Why)? first = null;
            foreach (var s in trace.Events.OfType<SendEvent>())
            {
                if (s.PayloadId is not { } pid || TraceQuery.PeerOf(s.Party) is not { } peer) continue;
                int count = deliveredCount.GetValueOrDefault((peer, pid));
                if (count == 1) continue;
                TraceEvent at = count == 0 ? s : trace.Events.OfType<OutcomeEvent>().Where(x => x.Party == peer && x.IsDelivered && x.PayloadId == pid).Skip(1).First();
                if (first is null || at.Seq < first.Value.At.Seq)
                    first = (at, $"no faults, yet payload {pid} sent by {s.Party} at seq {s.Seq} was Delivered to {peer} {count} times (expected exactly once)");
            }
            if (first is { } v) return Verdict.Fail(Name, v.At, v.Why);
            return Verdict.Pass(Name, $"{judged} unaltered datagrams inside the window (R={r}) and the out-of-order limits decrypted; no faults: every sent payload Delivered exactly once");
        }
        return Verdict.Pass(Name, $"{judged} unaltered datagrams inside the window (R={r}) and the out-of-order limits decrypted");
    }
}
