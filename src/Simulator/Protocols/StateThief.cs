using Sim.Engine.Crypto;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Protocols;

/// <summary>
/// What an attacker did with a copy of <see cref="Victim"/>'s saved state taken at <see cref="AtMs"/>
/// (PAIRMLS.md "FS / PCS", measured, not assumed): of the peer's messages the victim had delivered
/// before the theft, how many it opened (forward secrecy), how many after, and when it was locked out: the send
/// time of the first message after which it opened none (<see cref="HealedAtMs"/>, null: never within
/// the run), with the victim's own messages sent between theft and lock-out as round trips.
/// </summary>
public sealed record TheftReport(Party Victim, long AtMs, int EarlierPayloads, int EarlierOpened, int LaterPayloads, int LaterOpened, long? HealedAtMs, int? RoundTrips)
{
    /// <summary>
    /// The peer's messages sent before the theft that the victim had not read by then (late, or lost: the
    /// attacker recorded them), and of those the ones the copy opens: what the retention window R costs in
    /// forward secrecy (a kept past epoch opens its late datagrams for the thief too).
    /// </summary>
    public int InFlightPayloads { get; init; }
    public int InFlightOpened { get; init; }

    /// <summary>False when the victim had saved no state by <see cref="AtMs"/> (not joined yet): nothing was stolen, so there is nothing to heal from.</summary>
    public bool Stolen { get; init; } = true;

    public bool Healed => HealedAtMs is not null;

    /// <summary>Virtual seconds from theft to lock-out; null: never.</summary>
    public double? HealSeconds => HealedAtMs is { } h ? (h - AtMs) / 1000.0 : null;

    public override string ToString() => !Stolen ? $"{Victim.Name()}@{AtMs}ms: nothing to steal (no state saved yet)" : Healed
        ? $"{Victim.Name()}@{AtMs}ms: opened {EarlierOpened}/{EarlierPayloads} earlier, {LaterOpened}/{LaterPayloads} later; locked out after {RoundTrips} round trips ({HealSeconds:0.###} s)"
        : $"{Victim.Name()}@{AtMs}ms: opened {EarlierOpened}/{EarlierPayloads} earlier, {LaterOpened}/{LaterPayloads} later; never locked out";
}

/// <summary>Runs the attacker of <see cref="TheftReport"/> over a world's captured datagrams, with real decryption.</summary>
public static class StateThief
{
    /// <summary>
    /// Feeds a thief of the captured state, first every datagram that reached the victim, in the order
    /// it reached it (so the thief follows whatever the victim followed and the stolen keys open,
    /// including the server's acceptance of a commit the victim had in flight at the theft), then every
    /// other datagram of the peer (ones the network lost are captured too). Forward secrecy counts the
    /// peer's messages the victim had Delivered by the theft (their keys were used); PCS the peer's
    /// messages sent after it that the victim read.
    /// </summary>
    public static TheftReport Attack(IConversationProtocol protocol, CapturedState capture, IReadOnlyList<SentDatagram> datagrams, IReadOnlyList<TraceEvent> trace, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(datagrams);
        ArgumentNullException.ThrowIfNull(trace);
        var victim = capture.Party;
        string name = victim.Name();
        var byId = new Dictionary<string, SentDatagram>(StringComparer.Ordinal);
        foreach (var d in datagrams) byId.TryAdd(d.Id, d);
        var peerPayloads = datagrams.Where(d => d.From == victim.Peer() && d.PayloadId != 0).ToList();
        var consumed = trace.OfType<OutcomeEvent>().Where(e => e.Party == name && e.IsDelivered && e.T <= capture.AtMs && e.PayloadId is not null)
            .Select(e => e.PayloadId!.Value).ToHashSet();
        var opened = new HashSet<SentDatagram>();
        if (capture.State is { } stolen)
        {
            var thief = protocol.Steal(stolen, new DeterministicRandomSource(seed, "state-thief"));
            var fed = new HashSet<string>(StringComparer.Ordinal);
            var arrived = trace.Where(e => e.Kind == TraceKind.Deliver && e.Party == name && e.Datagram is not null).Select(e => e.Datagram!);
            foreach (var d in arrived.Select(id => byId.GetValueOrDefault(id)).Where(d => d is not null).Concat(peerPayloads))
            {
                if (!fed.Add(d!.Id)) continue;
                if (thief.Open(d.Bytes) is not null && d.From == victim.Peer() && d.PayloadId != 0) opened.Add(d);
            }
        }
        var earlier = peerPayloads.Where(d => d.T <= capture.AtMs && consumed.Contains(d.PayloadId)).ToList();
        // PCS is judged on the messages the victim itself read: one it never could (its commit never came) says nothing about the thief.
        var readByVictim = trace.OfType<OutcomeEvent>().Where(e => e.Party == name && e.IsDelivered && e.PayloadId is not null)
            .Select(e => e.PayloadId!.Value).ToHashSet();
        var later = peerPayloads.Where(d => d.T > capture.AtMs && readByVictim.Contains(d.PayloadId)).ToList();
        long? healed = null;
        int lastOpened = later.FindLastIndex(opened.Contains);
        // A thief who got nothing is not "locked out": there is no copy to heal from.
        if (capture.State is not null && later.Count > 0 && lastOpened < later.Count - 1) healed = later[lastOpened + 1].T;
        int? roundTrips = healed is { } h
            ? datagrams.Where(d => d.From == victim && d.PayloadId != 0 && d.T > capture.AtMs && d.T < h).Select(d => d.PayloadId).Distinct().Count()
            : null;
        var inFlight = peerPayloads.Where(d => d.T <= capture.AtMs && !consumed.Contains(d.PayloadId)).ToList();
        return new TheftReport(victim, capture.AtMs, earlier.Count, earlier.Count(opened.Contains), later.Count, later.Count(opened.Contains), healed, roundTrips)
        {
            InFlightPayloads = inFlight.Count,
            InFlightOpened = inFlight.Count(opened.Contains),
            Stolen = capture.State is not null,
        };
    }
}
