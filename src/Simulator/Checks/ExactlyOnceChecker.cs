using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Receiving": nothing is delivered twice. No payload id is Delivered twice to the same
/// party, whatever the network duplicated or replayed, and across crashes and restarts (a restarted
/// party must not have forgotten what it delivered). Only a Restore, a rollback to an older saved
/// state by design, makes the party forget the payloads it had delivered.
/// </summary>
public sealed class ExactlyOnceChecker : IChecker
{
    public string Name => "ExactlyOnce";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var delivered = new Dictionary<(string Party, long Payload), OutcomeEvent>();
        int count = 0;
        foreach (var e in trace.Events)
        {
            if (e.Party is not { } party) continue;
            if (e is RestoreEvent)
            {
                foreach (var key in delivered.Keys.Where(k => k.Party == party).ToList()) delivered.Remove(key);
                continue;
            }
            if (e is not OutcomeEvent { IsDelivered: true, PayloadId: { } pid } o) continue;
            count++;
            if (!delivered.TryAdd((party, pid), o))
            {
                var first = delivered[(party, pid)];
                return Verdict.Fail(Name, e, $"payload {pid} Delivered to {party} twice: at seq {first.Seq} and at seq {e.Seq}");
            }
        }
        return Verdict.Pass(Name, $"{count} Delivered outcomes, none twice to the same party");
    }
}
