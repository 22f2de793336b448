namespace Sim.Engine.Baselines;

/// <summary>
/// A datagram a baseline hands out: its bytes, the epoch it was made in, whether it carries the user's
/// payload, and the card version it asks the peer to commit (a commit carrying a card edit).
/// </summary>
public sealed record BaselineDatagram(byte[] Bytes, ulong Epoch, bool CarriesPayload, ulong? CardVersion)
{
    public override string ToString() => $"BaselineDatagram(epoch {Epoch}, {Bytes.Length} bytes{(CarriesPayload ? ", payload" : "")})";
}
