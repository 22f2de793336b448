using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Convergence": once faults stop and both parties have exchanged a message, both are in
/// the same epoch with the same epoch authenticator, tree hash and group context, and each sees the
/// other's latest committed card (and agent). The premise is checked, not assumed: each party must
/// have Delivered a payload its peer sent after faults stopped (<see cref="TraceQuery.Convergence"/>);
/// without it the claim cannot be made and the verdict fails saying so. Then judged on each party's
/// last State event after the liveness phase started; the violation is the later of the two.
/// </summary>
public sealed class ConvergenceChecker : IChecker
{
    public string Name => "Convergence";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        if (trace.LivenessStart is null) return Verdict.Fail(Name, null, "the trace has no liveness phase (no Phase event \"liveness\")");
        var states = trace.FinalStates();
        if (!states.TryGetValue(TraceQuery.Alice, out var a)) return Verdict.Fail(Name, null, "no State event of alice after the liveness phase started");
        if (!states.TryGetValue(TraceQuery.Bob, out var b)) return Verdict.Fail(Name, null, "no State event of bob after the liveness phase started");
        var at = a.Seq > b.Seq ? a : b;

        if (trace.Convergence() is null)
            return Verdict.Fail(Name, at, "premise not met: after faults stopped the parties never both Delivered a message of the other in one epoch, so they cannot be said to converge (see Liveness)");
        var problems = TraceQuery.Disagreements(a, b);
        return problems.Count == 0
            ? Verdict.Pass(Name, $"both in epoch {a.Epoch}, same epoch_auth, tree_hash and context; cards alice {a.CardVersion}, bob {b.CardVersion} seen by the peer")
            : Verdict.Fail(Name, at, string.Join("; ", problems));
    }
}
