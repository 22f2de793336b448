using Sim.Engine.Crypto;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Protocols;

/// <summary>
/// What an attacker did with a copy of <see cref="Victim"/>'s saved state taken at <see cref="AtMs"/>
/// (PAIRMLS.md "FS / PCS", measured, not assumed): of the peer's messages to the victim, how many sent
/// before the theft it opened (forward secrecy), how many after, and when it was locked out: the send
/// time of the first message after which it opened none (<see cref="HealedAtMs"/>, null: never within
/// the run), with the victim's own messages sent between theft and lock-out as round trips.
/// </summary>
public sealed record TheftReport(Party Victim, long AtMs, int EarlierPayloads, int EarlierOpened, int LaterPayloads, int LaterOpened, long? HealedAtMs, int? RoundTrips)
{
    public bool Healed => HealedAtMs is not null;

    /// <summary>Virtual seconds from theft to lock-out; null: never.</summary>
    public double? HealSeconds => HealedAtMs is { } h ? (h - AtMs) / 1000.0 : null;

    public override string ToString() => Healed
        ? $"{Victim.Name()}@{AtMs}ms: opened {EarlierOpened}/{EarlierPayloads} earlier, {LaterOpened}/{LaterPayloads} later; locked out after {RoundTrips} round trips ({HealSeconds:0.###} s)"
        : $"{Victim.Name()}@{AtMs}ms: opened {EarlierOpened}/{EarlierPayloads} earlier, {LaterOpened}/{LaterPayloads} later; never locked out";
}

/// <summary>Runs the attacker of <see cref="TheftReport"/> over a world's captured datagrams, with real decryption.</summary>
public static class StateThief
{
    /// <summary>
    /// Feeds every datagram of the run, in the order sent, to a thief of the captured state (it follows
    /// whatever commits the stolen keys open), and reports what it opened of the peer's payloads.
    /// </summary>
    public static TheftReport Attack(IConversationProtocol protocol, CapturedState capture, IReadOnlyList<SentDatagram> datagrams, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(datagrams);
        var victim = capture.Party;
        var peerPayloads = datagrams.Where(d => d.From == victim.Peer() && d.PayloadId != 0).ToList();
        var opened = new HashSet<SentDatagram>();
        if (capture.State is { } stolen)
        {
            var thief = protocol.Steal(stolen, new DeterministicRandomSource(seed, "state-thief"));
            foreach (var d in datagrams)
                if (thief.Open(d.Bytes) is not null && d.From == victim.Peer() && d.PayloadId != 0) opened.Add(d);
        }
        var earlier = peerPayloads.Where(d => d.T <= capture.AtMs).ToList();
        var later = peerPayloads.Where(d => d.T > capture.AtMs).ToList();
        long? healed = null;
        int lastOpened = later.FindLastIndex(opened.Contains);
        if (later.Count > 0 && lastOpened < later.Count - 1) healed = later[lastOpened + 1].T;
        int? roundTrips = healed is { } h
            ? datagrams.Where(d => d.From == victim && d.PayloadId != 0 && d.T > capture.AtMs && d.T < h).Select(d => d.PayloadId).Distinct().Count()
            : null;
        return new TheftReport(victim, capture.AtMs, earlier.Count, earlier.Count(opened.Contains), later.Count, later.Count(opened.Contains), healed, roundTrips);
    }
}
