using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>What became of one copy of a datagram on its way, as the spacetime chart draws it.</summary>
public enum FlightKind
{
    /// <summary>Arrived in send order (no datagram sent later on the link arrived before it).</summary>
    InOrder,
    /// <summary>Arrived after a datagram sent later on the same link (delivered out of send order).</summary>
    Reordered,
    /// <summary>A second or later arrival of the same bytes: an extra copy the network made (duplicate fault).</summary>
    DuplicateCopy,
    /// <summary>Never arrived: dropped, cut by a partition, or the receiver was offline or down.</summary>
    Lost,
}

/// <summary>
/// One arrow of the spacetime chart: a datagram copy from <see cref="From"/> at <see cref="SentMs"/>
/// to the peer at <see cref="ArrivedMs"/> (null when lost). <see cref="Outcome"/> is what the
/// receiver's Receive returned (Delivered, Duplicate, Expired, Rejected:...).
/// </summary>
public sealed record DatagramFlight(string From, string To, string Datagram, long SentMs, long? ArrivedMs, FlightKind Kind, string? Outcome, bool CardEdit)
{
    /// <summary>The payload the datagram carries (the hover text names it).</summary>
    public long? PayloadId { get; init; }
    /// <summary>The epoch the sender sent it in.</summary>
    public ulong? Epoch { get; init; }
    /// <summary>The network fault that touched this copy (drop, partition, offline, duplicate, reorder), if any.</summary>
    public string? Fault { get; init; }

    /// <summary>
    /// Every honest datagram of a trace (Send events) with each of its copies: the network's
    /// corrupted, replayed and forged extras are not drawn (the sweep's faults make none).
    /// </summary>
    public static IReadOnlyList<DatagramFlight> Of(IReadOnlyList<TraceEvent> trace) => Of(new TraceQuery(trace));

    public static IReadOnlyList<DatagramFlight> Of(TraceQuery trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var sends = new Dictionary<string, SendEvent>(StringComparer.Ordinal);
        var flights = new List<DatagramFlight>();
        // Per link: the latest send time among datagrams already arrived (a later arrival sent before it is reordered).
        var newestArrivedSend = new Dictionary<string, long>(StringComparer.Ordinal);
        var arrivals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in trace.Events)
        {
            switch (e)
            {
                case SendEvent { Datagram: { } id, Party: not null } send:
                    sends.TryAdd(id, send);
                    break;
                case FaultEvent { Datagram: { } id, Fault: "drop" or "partition" or "offline" } f when sends.TryGetValue(id, out var s):
                    flights.Add(new DatagramFlight(s.Party!, Peer(s.Party!), id, s.T, null, FlightKind.Lost, f.Fault, s.CardEdit) { PayloadId = s.PayloadId, Epoch = s.Epoch, Fault = f.Fault });
                    break;
                case OutcomeEvent { Party: { } to } o when trace.DeliverOf(o) is { Datagram: { } id } d:
                    if (!sends.TryGetValue(id, out var sent) || sent.Party == to) break;
                    if (d.Via is not null and not "duplicate") break;
                    arrivals[id] = arrivals.GetValueOrDefault(id) + 1;
                    FlightKind kind;
                    // The first copy to arrive stands for the datagram (the network's copies are alike); later ones are the duplicates.
                    if (arrivals[id] > 1) kind = FlightKind.DuplicateCopy;
                    else kind = newestArrivedSend.TryGetValue(sent.Party!, out var newest) && newest > sent.T ? FlightKind.Reordered : FlightKind.InOrder;
                    newestArrivedSend[sent.Party!] = Math.Max(newestArrivedSend.GetValueOrDefault(sent.Party!, long.MinValue), sent.T);
                    flights.Add(new DatagramFlight(sent.Party!, to, id, sent.T, d.T, kind, o.Name, sent.CardEdit)
                    {
                        PayloadId = sent.PayloadId, Epoch = sent.Epoch,
                        Fault = kind switch { FlightKind.DuplicateCopy => "duplicate", FlightKind.Reordered => "reorder", _ => null },
                    });
                    break;
            }
        }
        return flights;
    }

    private static string Peer(string party) => party == "alice" ? "bob" : "alice";
}
