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
    /// H: past epochs whose header key and commit hash are kept, only to recognise old datagrams
    /// (Expired, never NotForThisSession) and to notice forks (PAIRMLS.md "Old datagrams are
    /// recognised"); null: <see cref="DefaultHeaderKeyHorizon"/>, or R + 2 if that is larger. An
    /// explicit value must be at least R + 2. Header keys protect metadata only, so keeping them
    /// costs no message confidentiality; a foreign datagram costs up to H + 1 trial decryptions.
    /// </summary>
    public int? HeaderKeyHorizon { get; init; }

    /// <summary>H when <see cref="HeaderKeyHorizon"/> is null (and R + 2 ≤ 64).</summary>
    public const int DefaultHeaderKeyHorizon = 64;

    /// <summary>Generations below the newest received one that can still arrive late within an epoch (RFC 9420 §9.2).</summary>
    public uint OutOfOrderWindow { get; init; } = 32;

    /// <summary>How far ahead of the next expected generation a datagram may be (RFC 9420 §9.2).</summary>
    public uint MaximumForwardDistance { get; init; } = 1000;

    /// <summary>
    /// Seconds since the Unix epoch: the creation time of invitations and the current time of the
    /// RFC 9420 §7.3 lifetime checks of leaves (passed down as <see cref="GroupOptions.Clock"/>);
    /// null: the system clock. A simulation passes its virtual clock.
    /// </summary>
    public Func<ulong>? Clock { get; init; }

    /// <summary>How long an invitation's KeyPackage is valid from its creation (RFC 9420 §7.2 lifetime); default 90 days.</summary>
    public TimeSpan InvitationLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Clock skew allowed at the start of an invitation's lifetime: not_before is this much before its creation.</summary>
    internal const ulong InvitationSkewSeconds = 3600;

    /// <summary>The current time, in seconds since the Unix epoch.</summary>
    internal ulong Now() => Clock?.Invoke() ?? (ulong)Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>H, the header-key horizon in effect.</summary>
    internal int Horizon => HeaderKeyHorizon ?? Math.Max(DefaultHeaderKeyHorizon, RetentionWindow + 2);

    /// <summary>
    /// How long the invitee keeps the invitation's init private key: R + 2 epochs past w. Unlike a
    /// header key it also opens the Welcome (the secrets of epoch w), so keeping it for H epochs
    /// would undo the forward secrecy of epoch w; older datagrams of w are NotForThisSession.
    /// </summary>
    internal int WelcomeHorizon => RetentionWindow + 2;

    /// <summary>Checks every value (an ArgumentOutOfRangeException names the bad one).</summary>
    internal void Validate()
    {
        if (RetentionWindow < 0) throw new ArgumentOutOfRangeException(nameof(RetentionWindow), RetentionWindow, "must not be negative");
        if (HeaderKeyHorizon is { } h && h < RetentionWindow + 2)
            throw new ArgumentOutOfRangeException(nameof(HeaderKeyHorizon), h, $"must be at least RetentionWindow + 2 = {RetentionWindow + 2}");
        if (InvitationLifetime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(InvitationLifetime), InvitationLifetime, "must be positive");
    }

    /// <summary>
    /// A baseline variant (PAIRMLS.md "Baselines"): the acceptor never commits the random empty commit,
    /// so w is always 1 and the parity tells who invited whom. Set only through
    /// <see cref="Baselines.PairVariants.WithoutRandomEmptyCommit"/>.
    /// </summary>
    internal bool SkipRandomEmptyCommit { get; init; }

    /// <summary>
    /// A baseline variant (PAIRMLS.md "Baselines"): the datagrams of epoch k are sealed under the header
    /// key exported from epoch k itself instead of k−1 (the key <see cref="PairState.HeaderKeys"/> holds
    /// at k + 1). A peer still in k−1 holds no such key, so the datagram that carries the commit into k
    /// cannot be opened by the one party that needs it. Set only through
    /// <see cref="Baselines.PairVariants.WithHeaderKeyFromNewestEpoch"/>; the compare workloads have no
    /// rollback, and the variant makes no recovery offer of its own worth taking.
    /// </summary>
    internal bool HeaderKeyFromNewestEpoch { get; init; }

    /// <summary>Where the key that seals epoch k's datagrams sits in <see cref="PairState.HeaderKeys"/>: at k + this.</summary>
    internal ulong HeaderKeyOffset => HeaderKeyFromNewestEpoch ? 1UL : 0UL;

    /// <summary>The MLS options every PairMLS group runs with.</summary>
    internal GroupOptions ToGroupOptions()
    {
        Validate();
        return GroupOptions.Default with
        {
            PastEpochsRetained = RetentionWindow,
            SecretTree = new SecretTreeOptions(OutOfOrderWindow, MaximumForwardDistance),
            // Two members and no delivery service: nobody joins from a GroupInfo (RFC 9420 §12.4.3.2).
            ExternalPubInGroupInfo = false,
            RatchetTreeInWelcome = true,
            Clock = Now,
        };
    }

    internal CipherSuite CipherSuite => CipherSuite.Get(Suite);
}
