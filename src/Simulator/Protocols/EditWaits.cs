using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Protocols;

/// <summary>One card edit a user asked for: when, and when the datagram asking the peer to commit it left (null: never).</summary>
public sealed record EditWait(Party Party, ulong CardVersion, long RequestMs, long? LeftMs)
{
    /// <summary>How long the edit waited because the protocol needed something from the peer (or the server); null: it never left.</summary>
    public long? WaitMs => LeftMs - RequestMs;
}

/// <summary>
/// Goal 2 of PAIRMLS.md measured from a trace: a user's card edit is the Send event of its message
/// (Detail "card_edit", made when the user acted); it has left once a Send event of that party names
/// the card version the edit asks for (<see cref="TraceEvent.CardVersion"/>: the datagram that asks the
/// peer to commit it). Every protocol starts cards at version 1, and each edit asks for the next.
/// </summary>
public static class EditWaits
{
    public static IReadOnlyList<EditWait> Of(IReadOnlyList<TraceEvent> trace)
    {
        var waits = new List<EditWait>();
        foreach (var party in new[] { Party.Alice, Party.Bob })
        {
            string name = party.Name();
            var sends = trace.OfType<SendEvent>().Where(e => e.Party == name).ToList();
            ulong version = 1;
            foreach (var request in sends.Where(e => e.PayloadId is not null && e.CardEdit))
            {
                version++;
                // The datagram asking for it may precede the message's own in the same send (a commit, then the message).
                var left = sends.FirstOrDefault(e => e.T >= request.T && e.CardVersion >= version);
                waits.Add(new EditWait(party, version, request.T, left?.T));
            }
        }
        return waits;
    }
}
