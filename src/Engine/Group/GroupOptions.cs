using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Group;

/// <summary>Why a leaf is being shown to the Authentication Service (RFC 9420 §5.3.1, §7.3).</summary>
public enum LeafChangeKind
{
    /// <summary>The leaf of an Add proposal's KeyPackage (§12.1.1).</summary>
    Add,
    /// <summary>The leaf of an Update proposal (§12.1.2).</summary>
    Update,
    /// <summary>The committer's new leaf in a Commit's UpdatePath (§12.4.2), also for external commits.</summary>
    Commit,
    /// <summary>A leaf of the tree a joiner receives with a Welcome or for an external join (§12.4.3.1).</summary>
    Join,
}

/// <summary>What the Authentication Service is told besides the leaves: why, and the group context before the change.</summary>
public sealed record LeafChangeContext(LeafChangeKind Kind, GroupContext GroupContext);

/// <summary>
/// The Authentication Service hook (RFC 9420 §5.3.1): called for every leaf that enters the tree
/// with the leaf it replaces (null for a new member), the new leaf and its index. It refuses by
/// throwing <see cref="AuthenticationServiceException"/>; returning accepts. Runs after the §7.3 checks.
/// </summary>
public delegate void LeafChangeValidator(LeafNode? oldLeaf, LeafNode newLeaf, uint leafIndex, LeafChangeContext context);

/// <summary>Ready-made Authentication Services.</summary>
public static class AuthenticationServices
{
    /// <summary>Accepts any basic credential and rejects any other credential type.</summary>
    public static readonly LeafChangeValidator AcceptBasicCredentials = (_, leaf, index, _) =>
    {
        if (leaf.Credential.CredentialType != CredentialType.Basic)
            throw new MlsProtocolException(MlsError.InvalidLeafNode, $"leaf {index}: credential type {leaf.Credential.CredentialType} is not accepted");
    };
}

/// <summary>
/// How an <see cref="MlsGroup"/> behaves: retention of past epochs for late application messages,
/// secret-tree tolerances, padding, the wire format of handshake messages, what a Welcome carries,
/// the Authentication Service, external PSKs, leaf-validation relaxations and the clock.
/// </summary>
public sealed record GroupOptions
{
    public static readonly GroupOptions Default = new();

    /// <summary>R: how many past epochs keep their application keys for late messages (0: none).</summary>
    public int PastEpochsRetained { get; init; }

    /// <summary>How many recent epochs keep their resumption PSK (RFC 9420 §8.6), the current one included.</summary>
    public int ResumptionPsksRetained { get; init; } = 8;

    public SecretTreeOptions SecretTree { get; init; } = SecretTreeOptions.Default;

    public PaddingPolicy Padding { get; init; } = PaddingPolicy.None;

    /// <summary>PublicMessage (default) or PrivateMessage for proposals and commits we send.</summary>
    public WireFormat HandshakeWireFormat { get; init; } = WireFormat.PublicMessage;

    /// <summary>Whether a Welcome's GroupInfo carries the ratchet_tree extension (RFC 9420 §12.4.3.3).</summary>
    public bool RatchetTreeInWelcome { get; init; } = true;

    /// <summary>Whether GroupInfos we sign carry external_pub (RFC 9420 §12.4.3.2), enabling external joins.</summary>
    public bool ExternalPubInGroupInfo { get; init; } = true;

    public LeafChangeValidator AuthenticationService { get; init; } = AuthenticationServices.AcceptBasicCredentials;

    /// <summary>
    /// Shows a leaf to <see cref="AuthenticationService"/> (every path that admits a leaf calls this):
    /// its refusal becomes the engine's <see cref="MlsError.RejectedByAuthenticationService"/>, which each
    /// operation reports as its own typed error with the service's exception inside.
    /// </summary>
    internal void Authenticate(LeafNode? oldLeaf, LeafNode newLeaf, uint leafIndex, LeafChangeContext context)
    {
        try { AuthenticationService(oldLeaf, newLeaf, leafIndex, context); }
        catch (AuthenticationServiceException e)
        {
            throw new MlsProtocolException(MlsError.RejectedByAuthenticationService, $"leaf {leafIndex}: {e.Message}", e);
        }
    }

    /// <summary>External PSKs by PreSharedKeyID (RFC 9420 §8.4); null: none known.</summary>
    public Func<PreSharedKeyId, byte[]?>? ExternalPsks { get; init; }

    /// <summary>See <see cref="Tree.LeafNodeValidationContext.RequireCipherSuiteInCapabilities"/>
    /// (<see cref="Messages.ValidationRule.LeafCipherSuite"/>); off by default, as §7.3 asks no such check.</summary>
    public bool RequireCipherSuiteInCapabilities { get; init; }

    /// <summary>
    /// The clock: seconds since the Unix epoch (a simulation passes its virtual clock). With it, the
    /// lifetime of every key_package leaf is checked (<see cref="Messages.ValidationRule.LeafLifetime"/>,
    /// RFC 9420 §7.3): leaves we send (Add proposals, Adds we commit) as §7.3 requires, and leaves we
    /// receive (Add proposals, Commits, the tree of a group we join) as it recommends. Null: lifetimes
    /// are not checked against the time (only their order).
    /// </summary>
    public Func<ulong>? Clock { get; init; }

    /// <summary>The §7.3 validation context these options give a group of <paramref name="suite"/> with <paramref name="extensions"/>.</summary>
    internal Tree.LeafNodeValidationContext LeafContext(CipherSuite suite, byte[] groupId, IReadOnlyList<Extension> extensions) =>
        new(suite, groupId)
        {
            CurrentTime = Clock?.Invoke(),
            RequiredCapabilities = GroupExtensions.RequiredCapabilities(extensions),
            RequireCipherSuiteInCapabilities = RequireCipherSuiteInCapabilities,
        };

    /// <summary>
    /// RFC 9420 §11.3: whether two leaves are the same client ("the identifiers presented by their
    /// respective credentials are considered equivalent by the application"), for the membership
    /// rules of ReInit (same members) and branch (a subset). Null: <see cref="SameCredential"/>.
    /// </summary>
    public Func<LeafNode, LeafNode, bool>? SameClient { get; init; }

    /// <summary>Two leaves are the same client when their credentials are byte-identical.</summary>
    public static bool SameCredential(LeafNode a, LeafNode b) =>
        Codec.Tls.Serialize(a.Credential).AsSpan().SequenceEqual(Codec.Tls.Serialize(b.Credential));
}

/// <summary>What <see cref="MlsGroup.Commit"/> covers and how (RFC 9420 §12.4).</summary>
public sealed record CommitOptions
{
    public static readonly CommitOptions Default = new();

    /// <summary>Proposals sent inline (by value) in the Commit; their sender is the committer.</summary>
    public IReadOnlyList<Proposal> InlineProposals { get; init; } = [];

    /// <summary>
    /// Exactly these cached proposals, by ProposalRef; null (default) takes every cached proposal
    /// that keeps the list valid (§12.2), preferring Removes over Updates of the same leaf.
    /// </summary>
    public IReadOnlyList<byte[]>? ProposalRefs { get; init; }

    /// <summary>Send an UpdatePath even where §12.4 allows omitting it.</summary>
    public bool ForcePath { get; init; }

    /// <summary>New credential/capabilities/extensions for the committer's leaf (implies a path).</summary>
    public Tree.LeafNodeTemplate? NewLeaf { get; init; }

    /// <summary>
    /// The private key behind <see cref="NewLeaf"/>'s SignatureKey when the committer's leaf changes
    /// signature key (RFC 9420 §7.3 verifies a leaf with its own signature_key): the new leaf is signed
    /// with it and the new epoch signs with it; the Commit itself is signed with the current key (§6.1).
    /// </summary>
    public byte[]? NewSignaturePrivateKey { get; init; }

    public byte[] AuthenticatedData { get; init; } = [];

    /// <summary>Overrides <see cref="GroupOptions.RatchetTreeInWelcome"/> for this Commit.</summary>
    public bool? RatchetTreeInWelcome { get; init; }
}
