using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Fork freedom": never two different commits for one epoch, unless a rollback made
/// them; every rollback is detected. Across both parties' Epoch events one epoch has one commit
/// hash, unless a Restore came before the second one (a rollback's fork: then some party must
/// detect it, a Rejected:Fork, RollbackDetected or Resynced outcome, before the trace ends); without
/// any rollback no receiver ever reports any of them for bytes a party sent (docs/RECOVERY.md:
/// detection is from authentic evidence only, and only a party behind on an abandoned branch takes a
/// resync offer; a Fork answering bytes the network altered, such as an insider's changed staple, is
/// neither a fork nor a detection; a RollbackDetected or Resynced answering them, with no rollback in the
/// trace, is a false detection: the insider holds header keys, not the signature keys evidence needs).
/// The forks a party reports (its State event's <c>forks</c>: for PairMLS the engine's own counter,
/// <c>PairSession.ForksDetected</c>, which `pairsim run` shows) are its Fork outcomes so far, Rejected:Fork and
/// RollbackDetected:Fork, altered bytes included: a count that drifts from the outcomes misreports what happened.
/// </summary>
public sealed class ForkFreedomChecker : IChecker
{
    public string Name => "ForkFreedom";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var commits = new Dictionary<ulong, EpochEvent>();
        RestoreEvent? rollback = null;
        EpochEvent? undetected = null;
        bool detected = false;
        var forksSeen = new Dictionary<string, int>();
        foreach (var e in trace.Events)
        {
            if (e is RestoreEvent r) rollback ??= r;
            if (e is OutcomeEvent { Name: "Rejected:Fork" or "RollbackDetected:Fork", Party: { } forked })
                forksSeen[forked] = forksSeen.GetValueOrDefault(forked) + 1;
            if (e is StateEvent { Party: { } party } state && state.Forks != forksSeen.GetValueOrDefault(party))
                return Verdict.Fail(Name, e, $"{party} reports {state.Forks} fork(s) detected, but {forksSeen.GetValueOrDefault(party)} of its outcomes were Rejected:Fork or RollbackDetected:Fork");
            if (e is OutcomeEvent o && (o.Name == "Rejected:Fork" || o.Result is OutcomeEvent.RollbackDetected or OutcomeEvent.Resynced))
            {
                // A "fork" the insider made (an altered staple of a known epoch) is refused, not entered: no second commit
                // exists, and the refusal is neither a fork nor a detection.
                bool altered = MadeByNetwork(trace, o);
                if (altered && o.Name == "Rejected:Fork") continue;
                // RollbackDetected and Resynced act on authentic evidence only (docs/RECOVERY.md "Detection"): with no rollback
                // in the trace there is none, and the network (an insider holds header keys, never a signature key) cannot make it.
                if (rollback is null)
                    return Verdict.Fail(Name, e, $"{e.Party} reported {o.Name} for {(altered ? "bytes the network altered" : "a datagram")} of epoch {Show(e.Epoch)}, with no rollback in the trace");
                if (!altered) detected = true;
            }
            if (e is not EpochEvent { Epoch: { } epoch, CommitHash: { } hash } ep) continue;
            if (!commits.TryGetValue(epoch, out var first)) commits[epoch] = ep;
            else if (first.CommitHash != hash)
            {
                if (rollback is null || rollback.Seq > ep.Seq)
                    return Verdict.Fail(Name, e, $"epoch {epoch} has two commits: {first.CommitHash} ({first.Party} at seq {first.Seq}) and {hash} ({e.Party} at seq {e.Seq}), with no rollback before");
                undetected ??= ep;
            }
        }
        if (undetected is not null && !detected)
            return Verdict.Fail(Name, undetected, $"the rollback at seq {rollback!.Seq} ({rollback.Party}) made a second commit for epoch {undetected.Epoch} and no party ever detected the split (no Rejected:Fork, RollbackDetected or Resynced)");
        return Verdict.Pass(Name, $"{commits.Count} epochs{(rollback is null ? ", one commit each; no Rejected:Fork" : undetected is null ? "; a rollback, but no second commit" : "; the rollback's fork was detected")}");
    }

    private static bool MadeByNetwork(TraceQuery trace, OutcomeEvent o) =>
        trace.DeliverOf(o) is { Datagram: { } id } && trace.Altered.ContainsKey(id);

    private static string Show(ulong? epoch) => epoch?.ToString() ?? "?";
}
