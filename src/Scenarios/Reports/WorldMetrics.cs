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
/// Recovery while faults go on: from <see cref="HealMs"/> (the moment the sweep's partition heals; with
/// no partition, the moment it would have started) to the first event after which both parties are in
/// the same epoch and each has Delivered a message its peer sent after that moment
/// (<see cref="TraceQuery.ConvergenceAfter"/>, the same definition as above), while the point's drops,
/// duplicates and reordering continue. Null when that never happened.
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
    /// <summary>The moment recovery is measured from (virtual ms), or null when not measured.</summary>
    public long? HealMs { get; init; }
    /// <summary>Virtual ms from <see cref="HealMs"/> until the parties converged, or null when they never did.</summary>
    public long? HealConvergenceMs { get; init; }
    /// <summary>They converged after <see cref="HealMs"/> while faults were still on (before the liveness phase began).</summary>
    public bool HealConvergedUnderFaults { get; init; }
    public int HonestArrived { get; init; }
    public int HonestDecrypted { get; init; }
    public int Sent { get; init; }
    public int Lost { get; init; }
    public int Expired { get; init; }
    public int Epochs { get; init; }
    public required IReadOnlyList<Verdict> Verdicts { get; init; }

    public double? DecryptableFraction => HonestArrived == 0 ? null : (double)HonestDecrypted / HonestArrived;
    public bool AllHeld => Verdicts.All(v => v.Passed);

    /// <param name="healMs">The moment recovery is measured from (<see cref="HealMs"/>); null: not measured.</param>
    public static WorldMetrics Of(WorldResult result, long? healMs = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var trace = new TraceQuery(result.Trace.Events);
        var (ms, trips) = Convergence(trace);
        var healed = healMs is { } h ? trace.ConvergenceAfter(h) : null;
        var (arrived, decrypted) = Decryptability(trace);
        return new WorldMetrics
        {
            Seed = result.Options.Seed,
            TraceHash = result.TraceHash,
            ReplayLine = result.ReplayLine,
            ConvergenceMs = ms,
            ConvergenceRoundTrips = trips,
            HealMs = healMs,
            HealConvergenceMs = healed?.Ms,
            HealConvergedUnderFaults = healed is { } hp && trace.LivenessStart is { } live && hp.At.Seq < live.Seq,
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
    public static int LivenessStart(IReadOnlyList<TraceEvent> trace) => new TraceQuery(trace).LivenessIndex;

    /// <summary>The trace query's one definition of convergence (<see cref="TraceQuery.Convergence"/>).</summary>
    internal static (long? Ms, int? RoundTrips) Convergence(TraceQuery trace) =>
        trace.Convergence() is { } p ? (p.Ms, p.RoundTrips) : (null, null);

    internal static (long? Ms, int? RoundTrips) Convergence(IReadOnlyList<TraceEvent> trace) => Convergence(new TraceQuery(trace));

    internal static (int Arrived, int Decrypted) Decryptability(IReadOnlyList<TraceEvent> trace) => Decryptability(new TraceQuery(trace));

    internal static (int Arrived, int Decrypted) Decryptability(TraceQuery trace)
    {
        int start = trace.LivenessIndex;
        // Honest datagrams sent while faults were on (before the liveness phase).
        bool SentWithFaults(SendEvent s) => start < 0 || s.Seq < trace.Events[start].Seq;
        var arrived = new HashSet<string>(StringComparer.Ordinal);
        var decrypted = new HashSet<string>(StringComparer.Ordinal);
        var deliveredPayloads = new HashSet<(string, long)>();
        foreach (var (deliver, outcome) in trace.Receipts)
        {
            if (outcome.Party is not { } party) continue;
            if (outcome is { IsDelivered: true, PayloadId: { } p }) deliveredPayloads.Add((party, p));
            if (deliver.Datagram is not { } id || !trace.IsHonest(id) || trace.Sends[id] is not { } send || send.Party == party || !SentWithFaults(send)) continue;
            arrived.Add(id);
            if (outcome.IsDelivered || (outcome.Result == OutcomeEvent.Duplicate && send.PayloadId is { } sp && deliveredPayloads.Contains((party, sp))))
                decrypted.Add(id);
        }
        return (arrived.Count, decrypted.Count);
    }
}
