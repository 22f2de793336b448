using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Fork freedom": never two different commits for one epoch. Across both parties' Epoch
/// events, one epoch has one commit hash; and no receiver ever reports Rejected:Fork (a stapled
/// commit that differs from the one it recorded for that epoch).
/// </summary>
public sealed class ForkFreedomChecker : IChecker
{
    public string Name => "ForkFreedom";

    public Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context)
    {
        var commits = new Dictionary<ulong, TraceEvent>();
        foreach (var e in trace)
        {
            if (e.Kind == TraceKind.Outcome && e.Outcome == TraceFacts.RejectedFork)
                return Verdict.Fail(Name, e, $"{e.Party} received a datagram of epoch {Show(e.Epoch)} whose commit differs from the one it recorded: Rejected:Fork");
            if (e.Kind != TraceKind.Epoch || e.Epoch is not { } epoch || e.CommitHash is not { } hash) continue;
            if (!commits.TryGetValue(epoch, out var first)) commits[epoch] = e;
            else if (first.CommitHash != hash)
                return Verdict.Fail(Name, e,
                    $"epoch {epoch} has two commits: {first.CommitHash} ({first.Party} at seq {first.Seq}, {first.Detail}) and {hash} ({e.Party} at seq {e.Seq}, {e.Detail})");
        }
        return Verdict.Pass(Name, $"{commits.Count} epochs, one commit each; no Rejected:Fork");
    }

    /// <summary>The lowest epoch with two different commit hashes in the trace's Epoch events, or null.</summary>
    public static ulong? FirstForkedEpoch(IReadOnlyList<TraceEvent> trace)
    {
        var commits = new Dictionary<ulong, string>();
        ulong? lowest = null;
        foreach (var e in trace)
        {
            if (e.Kind != TraceKind.Epoch || e.Epoch is not { } epoch || e.CommitHash is not { } hash) continue;
            if (!commits.TryAdd(epoch, hash) && commits[epoch] != hash && (lowest is null || epoch < lowest)) lowest = epoch;
        }
        return lowest;
    }

    private static string Show(ulong? epoch) => epoch?.ToString() ?? "?";
}
