using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Tree;

/// <summary>
/// What RFC 9420 §7.3 leaf-node validation needs from the group: the suite, the group_id that
/// update- and commit-source leaves sign over, the clock for lifetimes (null: lifetimes are not
/// checked, as §7.3 only recommends it for received leaves), an optional cap on a lifetime's
/// total span, and the group's required_capabilities extension if it has one.
/// </summary>
internal sealed record LeafNodeValidationContext(CipherSuite Suite, byte[] GroupId)
{
    /// <summary>Seconds since the Unix epoch, or null to skip the lifetime check.</summary>
    public ulong? CurrentTime { get; init; }

    /// <summary>The longest acceptable not_after − not_before, or null for no limit.</summary>
    public ulong? MaxLifetimeSeconds { get; init; }

    public RequiredCapabilities? RequiredCapabilities { get; init; }

    /// <summary>
    /// Whether capabilities.cipher_suites must list the group's suite. §7.2 says a client lists
    /// every suite it supports, but §7.3 does not check it, and some peers omit it (the IETF
    /// treekem.json leaves of suite-7 groups list suites 1–6 only): a group that insists refuses real
    /// groups of other implementations. Off by default (<see cref="Messages.ValidationRule.LeafCipherSuite"/>).
    /// </summary>
    public bool RequireCipherSuiteInCapabilities { get; init; }
}

/// <summary>Options for validating a whole tree (§12.4.3.1): the leaf context, plus an expected root tree hash if known.</summary>
internal sealed record TreeValidationOptions(LeafNodeValidationContext Leaves)
{
    /// <summary>If set, the root tree hash must equal it (the GroupInfo's tree_hash).</summary>
    public byte[]? ExpectedTreeHash { get; init; }

    public static TreeValidationOptions For(CipherSuite suite, byte[] groupId, ulong? currentTime = null) =>
        new(new LeafNodeValidationContext(suite, groupId) { CurrentTime = currentTime });

    public static TreeValidationOptions For(LeafNodeValidationContext leaves) => new(leaves);
}
