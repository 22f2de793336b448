using Sim.Engine.Baselines;
using Sim.Engine.Pair;

namespace Sim.Simulator.Protocols;

/// <summary>
/// The protocols a world can run, by name (the Options line's <c>protocol=</c>), and what each
/// claims: a saved trace names its protocol, so re-checking it judges the same invariants.
/// </summary>
public static class ProtocolCatalog
{
    /// <summary>Every protocol name, PairMLS first.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [PairMlsProtocol.DefaultName, NoEmptyCommitName, NewestHeaderKeyName, StaticKeysProtocol.DefaultName, MlsPairProtocol.CentralDsName, MlsPairProtocol.SelfCommitName];

    /// <summary>The PairMLS variant without the random empty commit (<see cref="PairVariants.WithoutRandomEmptyCommit"/>): it claims all PairMLS claims; it leaks who invited.</summary>
    public const string NoEmptyCommitName = "pairmls-no-empty-commit";

    /// <summary>
    /// The PairMLS variant that seals epoch k's datagrams under the header key from epoch k instead of k−1
    /// (<see cref="PairVariants.WithHeaderKeyFromNewestEpoch"/>). Its peer cannot open the datagram that
    /// carries the commit it needs, so it claims only what holds without epochs advancing: no Convergence,
    /// Decryptability or IdentityLiveness (measured instead), no FS/PCS.
    /// </summary>
    public const string NewestHeaderKeyName = "pairmls-newest-header-key";

    /// <summary>What <see cref="NewestHeaderKeyName"/> claims.</summary>
    public const ProtocolClaims NewestHeaderKeyClaims = ProtocolClaims.Integrity | ProtocolClaims.ExactlyOnce | ProtocolClaims.ForkFreedom | ProtocolClaims.Parity;

    /// <summary>The invariants <paramref name="name"/> claims; an unknown name claims everything (so nothing is silently skipped).</summary>
    public static ProtocolClaims ClaimsOf(string? name) => name switch
    {
        null or PairMlsProtocol.DefaultName or NoEmptyCommitName => ProtocolClaims.All,
        NewestHeaderKeyName => NewestHeaderKeyClaims,
        StaticKeysProtocol.DefaultName => StaticKeysProtocol.ClaimsOf,
        MlsPairProtocol.CentralDsName => MlsPairProtocol.ClaimsFor(CommitRule.DeliveryServiceOrders),
        MlsPairProtocol.SelfCommitName => MlsPairProtocol.ClaimsFor(CommitRule.OwnEpochsByParity),
        _ => ProtocolClaims.All,
    };

    /// <summary>The protocol named <paramref name="name"/> with the world's suite, retention window and (virtual) clock for lifetimes.</summary>
    public static IConversationProtocol Create(string name, ushort suite, int retentionWindow, Func<ulong>? clock = null)
    {
        var options = PairOptions.Default with { Suite = suite, RetentionWindow = retentionWindow, Clock = clock };
        return name switch
        {
            PairMlsProtocol.DefaultName => new PairMlsProtocol(options),
            NoEmptyCommitName => new PairMlsProtocol(options.WithoutRandomEmptyCommit()) { Name = NoEmptyCommitName },
            NewestHeaderKeyName => new PairMlsProtocol(options.WithHeaderKeyFromNewestEpoch()) { Name = NewestHeaderKeyName, Claims = NewestHeaderKeyClaims },
            StaticKeysProtocol.DefaultName => new StaticKeysProtocol(suite),
            MlsPairProtocol.CentralDsName => new MlsPairProtocol(CommitRule.DeliveryServiceOrders, suite, retentionWindow),
            MlsPairProtocol.SelfCommitName => new MlsPairProtocol(CommitRule.OwnEpochsByParity, suite, retentionWindow),
            _ => throw new ArgumentException($"unknown protocol '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };
    }
}
