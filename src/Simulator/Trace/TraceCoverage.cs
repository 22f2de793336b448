namespace Sim.Simulator.Trace;

/// <summary>
/// The states a world reached and the rejection reasons it saw, read from its trace, so a green
/// check run shows what it exercised (the check command's coverage table): a long epoch (a party
/// sent more datagrams in one epoch than the forward distance), a one-way or a long partition, a
/// card-edit storm (three or more card edits in flight before the peer committed one), insider
/// tampering, every crash point, every rollback kind (and a rollback to before an agent rollover,
/// which Liveness exempts), and each outcome name (Rejected:Reason, Expired...).
/// </summary>
public static class TraceCoverage
{
    public const string LongEpoch = "long epoch (> forward distance)";
    public const string OneWayPartition = "one-way partition";
    public const string LongPartition = "long partition (>= 1 s)";
    public const string InFlightCut = "datagram cut in flight";
    public const string CardEditStorm = "card-edit storm (>= 3 in flight)";
    public const string Insider = "insider re-sealed datagram";
    public const string Crash = "crash between requests";
    public const string Rollback = "rollback (restore)";
    public const string RollbackInEpoch = "rollback within the party's own epoch";
    public const string RollbackAcrossEpochs = "rollback across epochs";
    /// <summary><see cref="Sim.Simulator.Trace.RollbackPastRollover"/>: unrecoverable by design, so the world is exempt from Liveness (its verdict says so).</summary>
    public const string RollbackPastAgentRollover = "rollback to before an agent rollover (Liveness exempt)";

    /// <summary>The states reached and outcomes seen, each once.</summary>
    public static IReadOnlySet<string> Of(TraceQuery trace, long forwardDistance = 1000)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var perEpoch = new Dictionary<(string, ulong), int>();
        var epochs = new EpochTracker();
        var editsInFlight = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in trace.Events)
        {
            switch (e)
            {
                case SendEvent { Party: { } p, Epoch: { } ep } s:
                    int n = perEpoch[(p, ep)] = perEpoch.GetValueOrDefault((p, ep)) + 1;
                    if (n > forwardDistance) seen.Add(LongEpoch);
                    if (s.CardEdit && (editsInFlight[p] = editsInFlight.GetValueOrDefault(p) + 1) >= 3) seen.Add(CardEditStorm);
                    break;
                case IdentityEvent { Peer: { } whose } id when id.Party != whose:
                    editsInFlight[whose] = 0;
                    break;
                case OutcomeEvent o:
                    seen.Add("outcome " + o.Name);
                    break;
                case FaultEvent f:
                    seen.Add("fault " + f.Fault);
                    if (f.Fault == "partition" && f.Why == "in_flight") seen.Add(InFlightCut);
                    if (f.Fault == "insider") seen.Add(Insider);
                    break;
                case CrashEvent c:
                    seen.Add(c.Point is { } point ? "crash point " + point : Crash);
                    break;
                case RestoreEvent { Party: { } rp } r:
                    seen.Add(Rollback);
                    seen.Add(r.Epoch == epochs.EpochOf(rp) ? RollbackInEpoch : RollbackAcrossEpochs);
                    break;
            }
            epochs.Observe(e);
        }
        if (RollbackPastRollover.In(trace).Count > 0) seen.Add(RollbackPastAgentRollover);
        foreach (var p in trace.Options?.Partitions ?? [])
        {
            if (p.Direction != "both") seen.Add(OneWayPartition);
            if (p.HealMs - p.StartMs >= 1000) seen.Add(LongPartition);
        }
        return seen;
    }
}
