using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>
/// How a PairMLS session trades forward secrecy for tolerance of a bad network (PAIRMLS.md
/// "Receiving"): how many past epochs keep their application secrets, how long header keys and
/// commit hashes stay (so late datagrams are told apart as Expired rather than unknown, and forks
/// are still noticed), and the out-of-order window of each sender's ratchet within an epoch.
/// </summary>
public sealed record PairOptions
{
    public static readonly PairOptions Default = new();

    /// <summary>The cipher suite of a new invitation (an acceptor takes the invitation's suite).</summary>
    public ushort Suite { get; init; } = 1;

    /// <summary>R: past epochs whose application secrets are kept for late datagrams (0: none).</summary>
    public int RetentionWindow { get; init; } = 2;

    /// <summary>
    /// Past epochs whose header key and commit hash are kept; null: <see cref="RetentionWindow"/> + 2.
    /// Must be at least <see cref="RetentionWindow"/>: a datagram we could decrypt must be openable.
    /// </summary>
    public int? HeaderKeyHorizon { get; init; }

    /// <summary>Generations below the newest received one that can still arrive late within an epoch (RFC 9420 §9.2).</summary>
    public uint OutOfOrderWindow { get; init; } = 32;

    /// <summary>How far ahead of the next expected generation a datagram may be (RFC 9420 §9.2).</summary>
    public uint MaximumForwardDistance { get; init; } = 1000;

    /// <summary>
    /// A baseline variant (PAIRMLS.md "Baselines"): the acceptor never commits the random empty commit,
    /// so w is always 1 and the parity tells who invited whom. Set only through
    /// <see cref="Baselines.PairVariants.WithoutRandomEmptyCommit"/>.
    /// </summary>
    internal bool SkipRandomEmptyCommit { get; init; }

    internal int Horizon => Math.Max(HeaderKeyHorizon ?? RetentionWindow + 2, RetentionWindow);

    /// <summary>The MLS options every PairMLS group runs with.</summary>
    internal GroupOptions ToGroupOptions()
    {
        if (RetentionWindow < 0) throw new ArgumentOutOfRangeException(nameof(RetentionWindow), "must not be negative");
        return GroupOptions.Default with
        {
            PastEpochsRetained = RetentionWindow,
            SecretTree = new SecretTreeOptions(OutOfOrderWindow, MaximumForwardDistance),
            // Two members and no delivery service: nobody joins from a GroupInfo (RFC 9420 §12.4.3.2).
            ExternalPubInGroupInfo = false,
            RatchetTreeInWelcome = true,
        };
    }

    internal CipherSuite CipherSuite => CipherSuite.Get(Suite);
}
