using Sim.Simulator;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The figures a sweep reads from one world's trace (so a saved trace gives the same figures).
/// <para>
/// Convergence: from the start of the liveness phase (the moment faults stop) to the first event
/// after which both parties are in the same epoch and each has Delivered a message its peer sent in
/// the liveness phase; <see cref="ConvergenceRoundTrips"/> counts the liveness exchanges (Bob then
/// Alice) begun by then. Null when that never happened.
/// </para>
/// <para>
/// Decryptability: of the honest datagrams (sent by a party, not corrupted or forged) sent while
/// faults were on that reached the peer (at least one copy received), the fraction the peer
/// decrypted (some copy Delivered or a Duplicate of an already Delivered payload); the rest came
/// too late (Expired: outside the window R) or could not be opened.
/// </para>
/// </summary>
public sealed record WorldMetrics
{
    public required ulong Seed { get; init; }
    public required string TraceHash { get; init; }
    /// <summary>The world's options line (WorldOptions.Describe): it reproduces the world.</summary>
    public required string ReplayLine { get; init; }
    public long? ConvergenceMs { get; init; }
    public int? ConvergenceRoundTrips { get; init; }
    public int HonestArrived { get; init; }
    public int HonestDecrypted { get; init; }
    public int Sent { get; init; }
    public int Lost { get; init; }
    public int Expired { get; init; }
    public int Epochs { get; init; }
    public required IReadOnlyList<Verdict> Verdicts { get; init; }

    public double? DecryptableFraction => HonestArrived == 0 ? null : (double)HonestDecrypted / HonestArrived;
    public bool AllHeld => Verdicts.All(v => v.Passed);

    public static WorldMetrics Of(WorldResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var trace = result.Trace.Events;
        var (ms, trips) = Convergence(trace);
        var (arrived, decrypted) = Decryptability(trace);
        return new WorldMetrics
        {
            Seed = result.Options.Seed,
            TraceHash = result.TraceHash,
            ReplayLine = result.ReplayLine,
            ConvergenceMs = ms,
            ConvergenceRoundTrips = trips,
            HonestArrived = arrived,
            HonestDecrypted = decrypted,
            Sent = result.Counts.DatagramsSent,
            Lost = result.Counts.DatagramsLost,
            Expired = result.Counts.Outcome("Expired"),
            Epochs = (int)Math.Max(result.Alice.Epoch ?? 0, result.Bob.Epoch ?? 0),
            Verdicts = Checkers.Run(trace),
        };
    }

    /// <summary>Index of the Phase event that starts the liveness phase, or -1.</summary>
    public static int LivenessStart(IReadOnlyList<TraceEvent> trace)
    {
        for (int i = trace.Count - 1; i >= 0; i--)
            if (trace[i] is { Kind: TraceKind.Phase, Detail: "liveness" }) return i;
        return -1;
    }

    internal static (long? Ms, int? RoundTrips) Convergence(IReadOnlyList<TraceEvent> trace)
    {
        int start = LivenessStart(trace);
        if (start < 0) return (null, null);
        long t0 = trace[start].T;
        var epochs = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        for (int i = 0; i < start; i++) Track(epochs, trace[i]);
        var livenessPayloads = new Dictionary<long, string>(); // payload id -> sender
        var heard = new HashSet<string>(StringComparer.Ordinal);
        int exchanges = 0;
        for (int i = start + 1; i < trace.Count; i++)
        {
            var e = trace[i];
            Track(epochs, e);
            if (e is { Kind: TraceKind.Send, PayloadId: { } pid, Party: { } sender })
            {
                livenessPayloads[pid] = sender;
                if (sender == "bob") exchanges++;
            }
            if (e is { Kind: TraceKind.Outcome, Outcome: "Delivered", PayloadId: { } got, Party: { } receiver }
                && livenessPayloads.TryGetValue(got, out var from) && from != receiver)
                heard.Add(receiver);
            if (heard.Count == 2 && epochs.GetValueOrDefault("alice") is { } a && epochs.GetValueOrDefault("bob") is { } b && a == b)
                return (e.T - t0, Math.Max(1, exchanges));
        }
        return (null, null);
    }

    internal static (int Arrived, int Decrypted) Decryptability(IReadOnlyList<TraceEvent> trace)
    {
        int start = LivenessStart(trace);
        var sends = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        var altered = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < trace.Count; i++)
        {
            var e = trace[i];
            if (e is { Kind: TraceKind.Send, Datagram: { } id } && (start < 0 || i < start)) sends.TryAdd(id, e);
            if (e is { Kind: TraceKind.Fault, Fault: "corrupt" or "inject" } && DetailFields.Get(e.Detail, "deliver") is { } bad) altered.Add(bad);
        }
        var arrived = new HashSet<string>(StringComparer.Ordinal);
        var decrypted = new HashSet<string>(StringComparer.Ordinal);
        var deliveredPayloads = new HashSet<(string, long)>();
        TraceEvent? pendingDeliver = null;
        foreach (var e in trace)
        {
            if (e.Kind == TraceKind.Deliver) { pendingDeliver = e; continue; }
            if (e.Kind != TraceKind.Outcome || e.Party is not { } party) continue;
            if (e is { Outcome: "Delivered", PayloadId: { } p }) deliveredPayloads.Add((party, p));
            // An Outcome answers the Deliver to the same party just before it (the world records them together).
            if (pendingDeliver is not { Datagram: { } id } d || d.Party != party) continue;
            pendingDeliver = null;
            if (altered.Contains(id) || !sends.TryGetValue(id, out var send) || send.Party == party) continue;
            arrived.Add(id);
            if (e.Outcome == "Delivered" || (e.Outcome == "Duplicate" && send.PayloadId is { } sp && deliveredPayloads.Contains((party, sp))))
                decrypted.Add(id);
        }
        return (arrived.Count, decrypted.Count);
    }

    private static void Track(Dictionary<string, ulong?> epochs, TraceEvent e)
    {
        if (e.Party is not { } p) return;
        if (e.Kind is TraceKind.Joined or TraceKind.Epoch && e.Epoch is { } epoch) epochs[p] = epoch;
        else if (e.Kind is TraceKind.Restart or TraceKind.Restore) epochs[p] = e.Epoch;
    }
}
