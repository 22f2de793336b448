namespace Sim.Engine.Pair;

/// <summary>
/// A datagram and the saved session state that made it (persist-before-send): store
/// <see cref="State"/> before handing <see cref="Datagram"/> to the network, so a restart never
/// makes a second, different commit for an epoch whose commit may already be out.
/// <see cref="Committed"/> lists the peer's identity changes our stapled commit made committed.
/// </summary>
public sealed record SendResult(byte[] Datagram, byte[] State)
{
    public ulong Epoch { get; init; }
    public IReadOnlyList<IdentityChange> Committed { get; init; } = [];
    /// <summary>The leaf index of the MLS sender of the Commit this send made (RFC 9420 §6.1), null when it made none.</summary>
    public uint? CommitSender { get; init; }

    public override string ToString() => $"SendResult(epoch {Epoch}, {Datagram.Length}-byte datagram)";
}
