namespace Sim.Simulator.Agents;

/// <summary>
/// A party's state in hashes and ids only (never a secret): what the State trace events and the
/// world's result report. Null fields: the party has not joined (or, for a party that is down, the
/// summary comes from its last saved state).
/// </summary>
public sealed record PartySummary(string Party, bool Joined)
{
    public bool Down { get; init; }
    public bool Offline { get; init; }
    public ulong? Epoch { get; init; }
    public ulong? WelcomeEpoch { get; init; }
    /// <summary>First 8 bytes of SHA-256 of the epoch authenticator (RFC 9420 §8.7), hex: comparable, not the value.</summary>
    public string? EpochAuthHash { get; init; }
    /// <summary>First 8 bytes of the tree hash (RFC 9420 §7.8), hex.</summary>
    public string? TreeHash { get; init; }
    /// <summary>First 8 bytes of the hash of the GroupContext (RFC 9420 §8.1), hex.</summary>
    public string? GroupContextHash { get; init; }
    /// <summary>First 8 bytes of the hash of the commit (or Welcome) that started the current epoch, hex.</summary>
    public string? CommitHash { get; init; }
    public ulong? CardVersion { get; init; }
    public string? Agent { get; init; }
    public ulong? PeerCardVersion { get; init; }
    public string? PeerAgent { get; init; }
    /// <summary>The card version this party wants committed (higher than <see cref="CardVersion"/> while an edit is pending).</summary>
    public ulong? DesiredCardVersion { get; init; }
    public bool PendingIdentity { get; init; }
    /// <summary>States saved on this party's disk (sends, deliveries, accept/join), as currently held.</summary>
    public int Saves { get; init; }
    /// <summary>Datagrams this party rejected as a fork, over its whole life.</summary>
    public int ForksDetected { get; init; }
}
