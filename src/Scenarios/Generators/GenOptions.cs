namespace Sim.Scenarios.Generators;

/// <summary>
/// What a property's generator may produce. The honest-protocol properties leave out what breaks
/// their invariant by design (a rollback forks the conversation: <see cref="Restore"/>), or turn on
/// what they need (the FS/PCS attacker's <see cref="Capture"/>).
/// </summary>
public sealed record GenOptions
{
    public static readonly GenOptions Honest = new();

    /// <summary>Rollbacks (<c>restore(party,depth)</c>) in the crash-and-restore phase.</summary>
    public bool Restore { get; init; }

    /// <summary>Tampering faults on the links: corruption, replay, injection, the insider who re-seals altered copies.</summary>
    public bool Hostile { get; init; } = true;

    /// <summary>Cipher suites other than 1, now and then (slower: P-384, P-521, X448).</summary>
    public bool OtherSuites { get; init; } = true;

    /// <summary>The smallest retention window R generated (R is drawn from 0, 1, 2, 3, 5).</summary>
    public int MinRetentionWindow { get; init; }

    /// <summary>
    /// Long epochs: now and then a party sends more datagrams in one epoch than the maximum forward
    /// distance (RFC 9420 §9.2) while its peer is offline, then one more it can receive.
    /// </summary>
    public bool LongEpochs { get; init; }

    /// <summary>
    /// A rival who accepted the same invitation injects its datagrams towards the inviter. Off by
    /// default: on the engine as it is, a rival's datagram that reaches Alice before Bob's makes her
    /// join the rival's conversation (found by this harness; see the note), which every run would report.
    /// </summary>
    public bool Rival { get; init; }

    /// <summary>An FS/PCS capture: a party and a time inside the script.</summary>
    public bool Capture { get; init; }
}
