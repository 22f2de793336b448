using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Convergence": once faults stop and both parties have exchanged a message, both are in
/// the same epoch with the same epoch authenticator, tree hash and group context, and each sees the
/// other's latest committed card (and agent). Judged on each party's last State event after the
/// liveness phase started; the violation is the later of the two.
/// </summary>
public sealed class ConvergenceChecker : IChecker
{
    public string Name => "Convergence";

    public Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context)
    {
        if (TraceFacts.LivenessStart(trace) is null) return Verdict.Fail(Name, null, "the trace has no liveness phase (no Phase event \"liveness\")");
        var states = TraceFacts.FinalStates(trace);
        if (!states.TryGetValue(TraceFacts.Alice, out var a)) return Verdict.Fail(Name, null, "no State event of alice after the liveness phase started");
        if (!states.TryGetValue(TraceFacts.Bob, out var b)) return Verdict.Fail(Name, null, "no State event of bob after the liveness phase started");
        var at = a.Seq > b.Seq ? a : b;

        var problems = new List<string>();
        void Same<T>(string what, T x, T y)
        {
            if (x is null || y is null) problems.Add($"{what} missing (alice {Show(x)}, bob {Show(y)})");
            else if (!EqualityComparer<T>.Default.Equals(x, y)) problems.Add($"{what} differs (alice {x}, bob {y})");
        }
        Same("epoch", a.Epoch, b.Epoch);
        Same("epoch_auth", a.EpochAuth, b.EpochAuth);
        Same("tree_hash", a.TreeHash, b.TreeHash);
        Same("gc_hash", DetailFields.Get(a.Detail, "gc_hash"), DetailFields.Get(b.Detail, "gc_hash"));
        SeesCard("alice", a, "bob", b, problems);
        SeesCard("bob", b, "alice", a, problems);
        SeesAgent("alice", a, "bob", b, problems);
        SeesAgent("bob", b, "alice", a, problems);

        return problems.Count == 0
            ? Verdict.Pass(Name, $"both in epoch {a.Epoch}, same epoch_auth, tree_hash and context; cards alice {a.CardVersion}, bob {b.CardVersion} seen by the peer")
            : Verdict.Fail(Name, at, string.Join("; ", problems));
    }

    private static void SeesCard(string viewer, TraceEvent v, string owner, TraceEvent o, List<string> problems)
    {
        var seen = DetailFields.GetUInt64(v.Detail, "peer_card");
        if (seen is null || o.CardVersion is null) problems.Add($"{viewer}'s peer_card ({Show(seen)}) or {owner}'s card_version ({Show(o.CardVersion)}) missing");
        else if (seen != o.CardVersion) problems.Add($"{viewer} sees {owner}'s card version {seen}, but {owner} is at {o.CardVersion}");
    }

    // The agent is optional in a State event; compare it only when both sides name it.
    private static void SeesAgent(string viewer, TraceEvent v, string owner, TraceEvent o, List<string> problems)
    {
        var seen = DetailFields.Get(v.Detail, "peer_agent");
        var actual = DetailFields.Get(o.Detail, "agent") ?? o.Agent;
        if (seen is not null && actual is not null && seen != actual) problems.Add($"{viewer} sees {owner}'s agent {seen}, but {owner}'s agent is {actual}");
    }

    private static string Show<T>(T x) => x?.ToString() ?? "none";
}
