using Sim.Simulator.Agents;

namespace Sim.Simulator;

/// <summary>
/// Asks the world to copy <paramref name="Party"/>'s last saved state (the bytes its PartyActor
/// persisted) once every event at virtual time ≤ <paramref name="AtMs"/> has run: what an attacker who
/// steals the party's disk at time t gets (PAIRMLS.md "FS / PCS"). Observing changes nothing in the
/// world: no trace event is written; only the Options line names the capture.
/// </summary>
public sealed record StateCapture(Party Party, long AtMs);

/// <summary>
/// The copy a <see cref="StateCapture"/> took: <paramref name="State"/> is null when the party had
/// saved nothing yet (not joined). Secret material: never log or print it.
/// </summary>
public sealed record CapturedState(Party Party, long AtMs, byte[]? State)
{
    public override string ToString() => $"CapturedState({Party.Name()} at {AtMs} ms, {(State is null ? "nothing saved" : $"{State.Length} bytes")})";
}

/// <summary>A datagram a party handed to the network (kept when <see cref="WorldOptions.KeepDatagrams"/>): the original bytes, before any fault.</summary>
public sealed record SentDatagram(long T, Party From, string Id, ulong Epoch, long PayloadId, byte[] Bytes);
