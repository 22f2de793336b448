using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>Every checker, and running them all over one trace.</summary>
public static class Checkers
{
    public static readonly IReadOnlyList<IChecker> All =
    [
        new ConvergenceChecker(),
        new LivenessChecker(),
        new DecryptabilityChecker(),
        new ParityChecker(),
        new ForkFreedomChecker(),
        new IntegrityChecker(),
        new ExactlyOnceChecker(),
        new IdentityLivenessChecker(),
        new RecoveryChecker(),
    ];

    /// <summary>The invariant a checker judges: it runs only on worlds whose protocol claims it.</summary>
    public static ProtocolClaims ClaimOf(IChecker checker) => checker.Name switch
    {
        "Convergence" => ProtocolClaims.Convergence,
        // Liveness is "converge within 2 round trips": judged where convergence is claimed.
        "Liveness" => ProtocolClaims.Convergence,
        "Decryptability" => ProtocolClaims.Decryptability,
        "Parity" => ProtocolClaims.Parity,
        "ForkFreedom" => ProtocolClaims.ForkFreedom,
        "Integrity" => ProtocolClaims.Integrity,
        "ExactlyOnce" => ProtocolClaims.ExactlyOnce,
        "IdentityLiveness" => ProtocolClaims.IdentityLiveness,
        "Recovery" => ProtocolClaims.Recovery,
        // A checker without a claim judges every protocol.
        _ => ProtocolClaims.None,
    };

    /// <summary>The checkers that judge a protocol claiming <paramref name="claims"/>, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<IChecker> For(ProtocolClaims claims) =>
        All.Where(c => ClaimOf(c) is var claim && (claim == ProtocolClaims.None || claims.HasFlag(claim))).ToList();

    /// <summary>The verdicts of the checkers the trace's protocol claims (all of them for PairMLS), in the order of <see cref="All"/>, with the context read from the trace's Options event.</summary>
    public static IReadOnlyList<Verdict> Run(IReadOnlyList<TraceEvent> trace) => Run(new TraceQuery(trace));

    public static IReadOnlyList<Verdict> Run(TraceQuery trace) => Run(trace, CheckContext.FromTrace(trace.Events));

    public static IReadOnlyList<Verdict> Run(IReadOnlyList<TraceEvent> trace, CheckContext context) => Run(new TraceQuery(trace), context);

    public static IReadOnlyList<Verdict> Run(TraceQuery trace, CheckContext context) =>
        For(ProtocolCatalog.ClaimsOf(context.Protocol)).Select(c => c.Check(trace, context)).ToList();

    /// <summary>Re-checks a saved JSON Lines trace.</summary>
    public static IReadOnlyList<Verdict> RunFile(string path) => Run(TraceJson.ReadFile(path).ToList());
}
