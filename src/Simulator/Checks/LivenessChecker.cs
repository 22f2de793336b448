using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Liveness" (a verdict, as TigerBeetle's VOPR makes it): after faults stop, the
/// liveness phase is a bounded probe (Bob sends, then Alice, each waiting for the network to go
/// quiet). The parties must converge (<see cref="TraceQuery.Convergence"/>: same epoch, each has
/// Delivered a liveness message of the other) within <see cref="MaxRoundTrips"/> of those
/// exchanges, and their final states must agree. Otherwise the verdict says why each party is
/// stuck: its epoch and what it last refused, with the engine's reason and detail.
/// <para>
/// One documented exemption (docs/RECOVERY.md): a world that does not converge because a party was
/// restored to a state older than its own agent rollover, which its peer committed
/// (<see cref="RollbackPastRollover"/>, judged from the trace), cannot recover by design and needs a
/// new invitation. Its verdict is <see cref="Verdict.Exempt"/>, naming
/// the restore and the rollover, with why each party is stuck. Every other stuck world fails.
/// </para>
/// </summary>
public sealed class LivenessChecker : IChecker
{
    /// <summary>PAIRMLS.md: "converge within 2 round trips of the liveness phase".</summary>
    public const int MaxRoundTrips = 2;

    public string Name => "Liveness";

    /// <summary>How an exempt verdict starts (the check command counts them).</summary>
    public const string ExemptReason = "rollback to before an agent rollover, unrecoverable by design";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        if (trace.LivenessStart is not { } start) return Verdict.Fail(Name, null, "the trace has no liveness phase (no Phase event \"liveness\")");
        var point = trace.Convergence();
        var states = trace.FinalStates();
        if (point is { RoundTrips: <= MaxRoundTrips } p)
        {
            if (states.TryGetValue(TraceQuery.Alice, out var a) && states.TryGetValue(TraceQuery.Bob, out var b)
                && TraceQuery.Disagreements(a, b) is { Count: > 0 } problems)
                return Verdict.Fail(Name, a.Seq > b.Seq ? a : b, $"exchanged messages in epoch {a.Epoch} but ended in different conversations: {string.Join("; ", problems)}");
            return Verdict.Pass(Name, $"converged {p.Ms} ms after faults stopped, within {p.RoundTrips} round trip(s)");
        }
        var at = trace.Events.Count > 0 ? trace.Events[^1] : start;
        string how = point is { } late
            ? $"converged only after {late.RoundTrips} round trips (at most {MaxRoundTrips})"
            : $"not converged after the liveness probe ({Exchanges(trace, start)} exchange(s) begun)";
        string why = $"{how}: {Stuck(trace, TraceQuery.Alice, states)}; {Stuck(trace, TraceQuery.Bob, states)}";
        if (RollbackPastRollover.In(trace) is { Count: > 0 } byDesign)
            return Verdict.Exempted(Name, $"{ExemptReason}: {string.Join("; ", byDesign)}; {why}");
        return Verdict.Fail(Name, point?.At ?? at, why);
    }

    private static int Exchanges(TraceQuery trace, PhaseEvent start) =>
        trace.Events.Skip(trace.LivenessIndex + 1).Count(e => e is SendEvent { Party: TraceQuery.Bob });

    /// <summary>Why a party is stuck, in its own words: its epoch, what it last refused and why.</summary>
    private static string Stuck(TraceQuery trace, string party, IReadOnlyDictionary<string, StateEvent> states)
    {
        string epoch = states.TryGetValue(party, out var s)
            ? s.Joined ? $"epoch {s.Epoch}" : "not joined"
            : "no final state";
        var refusal = trace.LastRefusal(party);
        string last = refusal is null
            ? "refused nothing"
            : $"last refused datagram {refusal.Datagram} (seq {refusal.Seq}) as {refusal.Name}{(refusal.Detail is { } d ? $" (\"{d}\")" : "")}";
        return $"{party} in {epoch}, {last}";
    }
}
