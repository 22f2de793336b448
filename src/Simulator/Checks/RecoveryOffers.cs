using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// docs/RECOVERY.md "Resync": a party that found the peer on another branch offers it a resync with every datagram it
/// sends until it follows the peer again, and its outcome says so (<c>RecoveryOffered</c>: this datagram made it start
/// offering). Judged against the datagrams themselves (each Send's <c>envelope</c>, read from the bytes with the
/// sender's header keys), per party, from what it is known to be doing:
/// <list type="bullet">
/// <item>after an outcome that says it starts offering, its next datagram is an offer (unless it first followed the
/// peer: an epoch entered by the peer's Commit, or a Resynced outcome; or it crashed or was restored);</item>
/// <item>an outcome says it starts offering only while it is not offering already (its last datagram was no offer);</item>
/// <item>an offer follows either an outcome that started it or an earlier offer with nothing that ends offering in
/// between; a fresh party offers nothing.</item>
/// </list>
/// After a Crash, Restart or Restore what the loaded state does is unknown until its next datagram shows it. Applied
/// by <see cref="RecoveryChecker"/>; null when every party's datagrams agree with its outcomes.
/// </summary>
public static class RecoveryOffers
{
    /// <summary>The first event where a party's offers and its outcomes disagree, and why; null if none.</summary>
    public static (TraceEvent At, string Why)? Disagreement(TraceQuery trace)
    {
        // Per party: offering (true), not (false), unknown (absent); and the outcome that started it.
        var offering = new Dictionary<string, bool>();
        var startedBy = new Dictionary<string, OutcomeEvent>();
        foreach (var e in trace.Events)
        {
            if (e.Party is not { } p) continue;
            switch (e)
            {
                case CrashEvent or RestartEvent or RestoreEvent:
                    offering.Remove(p);
                    break;
                case JoinedEvent:
                // Following the peer again (its Commit, or our resync into its offer) ends an offer (RECOVERY.md "Resync").
                case EpochEvent ep when ep.Committer != p:
                case OutcomeEvent { Result: OutcomeEvent.Resynced }:
                    offering[p] = false;
                    break;
                case OutcomeEvent { Offered: true } o:
                    if (offering.GetValueOrDefault(p))
                        return (e, $"{p}'s outcome at seq {e.Seq} ({o.Name}) says it starts offering a resync, but it offers one already (its datagram since the last offer started or load was an offer)");
                    offering[p] = true;
                    startedBy[p] = o;
                    break;
                case SendEvent s:
                    bool offer = s.Envelope == "offer";
                    if (offering.TryGetValue(p, out bool expected) && expected != offer)
                        return (e, expected
                            ? $"{p}'s outcome at seq {startedBy.GetValueOrDefault(p)?.Seq.ToString() ?? "?"} said it offers a resync with every datagram, but its datagram {s.Datagram} (seq {s.Seq}, epoch {s.Epoch}) is {(s.Envelope is null ? "an ordinary one" : "a " + s.Envelope)}"
                            : $"{p} sent a resync offer {s.Datagram} (seq {s.Seq}, epoch {s.Epoch}) though no outcome since its last ordinary datagram said it started offering");
                    offering[p] = offer;
                    break;
            }
        }
        return null;
    }
}
