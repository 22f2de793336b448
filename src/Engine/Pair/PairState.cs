using System.Collections.Immutable;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>Which side of the conversation a session is.</summary>
public enum PairRole
{
    /// <summary>Alice: made the invitation, joined from the Welcome.</summary>
    Inviter,
    /// <summary>Bob: accepted the invitation, created the group; owns the epochs of w's parity.</summary>
    Acceptor,
}

/// <summary>An update proposal the peer sent in the current epoch, validated, with its rank.</summary>
internal sealed record PeerProposal(byte[] Ref, UpdatePriority Priority, IdentityUpdate Update);

/// <summary>
/// An update proposal we sent in the current epoch: its ProposalRef, the identity it would commit,
/// the encoded MLSMessage (stapled again to later datagrams of the epoch) and the evidence that
/// travels with it in each application message.
/// </summary>
internal sealed record OwnProposal(byte[] Ref, IdentityUpdate Intended, byte[] Message, IdentityEvidence Evidence);

/// <summary>The reuse_guard (RFC 9420 §6.3.2) of a peer application message we delivered, to tell a replay from a reused generation.</summary>
internal sealed record DeliveredGuard(ulong Epoch, uint Generation, uint Guard);

/// <summary>
/// Everything a PairMLS session knows, as a value: processing builds the next one and the session
/// swaps it in only when every check passed (DESIGN.md "group state is a value").
/// Byte arrays held here are never written after construction.
/// </summary>
internal sealed record PairState
{
    public required PairRole Role { get; init; }
    public required ulong WelcomeEpoch { get; init; }
    public required GroupState Group { get; init; }
    public required uint PeerLeaf { get; init; }

    /// <summary>Our identity and the peer's, as committed in the current epoch.</summary>
    public required IdentityView MyView { get; init; }
    public required IdentityView PeerView { get; init; }

    /// <summary>The card we want the peer to commit (its version exceeds MyView's while an edit is pending).</summary>
    public required Card DesiredCard { get; init; }
    /// <summary>The assertion of <see cref="DesiredCard"/> by our desired agent, while a card edit is pending.</summary>
    public CardAssertion? PendingCardAssertion { get; init; }
    /// <summary>The private key of the agent we want to roll over to, while an agent update is pending.</summary>
    public byte[]? PendingAgentPrivateKey { get; init; }
    /// <summary>Succession links from our committed agent to the desired one.</summary>
    public ImmutableList<SuccessionAssertion> PendingSuccessions { get; init; } = [];

    /// <summary>
    /// Our newest committed succession links (at most <see cref="MaxCommittedSuccessions"/>, oldest
    /// first, ending at our committed agent). docs/RECOVERY.md "Resync": an offer carries them, so a
    /// peer restored from before our rollover can follow the chain from the agent it knows to the one
    /// that signs the offer (each link is signed by its predecessor: nothing it could not verify).
    /// </summary>
    public ImmutableList<SuccessionAssertion> CommittedSuccessions { get; init; } = [];

    /// <summary>How many committed succession links an offer carries at most (rollovers a restored peer may have missed).</summary>
    public const int MaxCommittedSuccessions = 16;

    /// <summary>The staple of the current epoch, if we own it (our Commit into it, or the Welcome of w).</summary>
    public Staple? OwnStaple { get; init; }
    public byte[]? OwnStapleBytes { get; init; }

    /// <summary>Staple hash per recent epoch (fork detection), and header key per held epoch.</summary>
    public EpochMap StapleHashes { get; init; } = EpochMap.Empty;
    public EpochMap HeaderKeys { get; init; } = EpochMap.Empty;

    /// <summary>
    /// Per own epoch within the horizon: its serialized GroupContext and the peer's signature key in it
    /// (<c>opaque context&lt;V&gt;; opaque peer_signature_key&lt;V&gt;</c>): what the peer's Commit out of it
    /// was signed under and with (RFC 9420 §6.1; the key is the peer's agent of then, which a rollover
    /// may have replaced since), so that a second Commit of the peer for a recorded epoch is authentic
    /// evidence of a fork (docs/RECOVERY.md "Detection"), however old it is.
    /// </summary>
    public EpochMap OwnContexts { get; init; } = EpochMap.Empty;

    /// <summary>
    /// Per peer epoch within the horizon, the hash of the signed content of the peer's Commit into it
    /// (<see cref="PairReceiver.ContentHash"/>): a second Commit is a fork only if its signed content
    /// differs, not if an insider flipped a tag outside the signature.
    /// </summary>
    public EpochMap PeerCommitContents { get; init; } = EpochMap.Empty;

    /// <summary>
    /// The <see cref="OwnContexts"/> entry the peer holds for the epoch our newest Commit left (that
    /// epoch's GroupContext and our signature key in it; same encoding), or null before our first
    /// Commit. docs/RECOVERY.md "Resync": an offer carries it, so that the party who rejoins can
    /// authenticate a second Commit of ours for the offered epoch (we were restored to before it).
    /// </summary>
    public byte[]? CommitBase { get; init; }

    /// <summary>
    /// PAIRMLS.md "State stays bounded": at most this many own update proposals per epoch. A party
    /// makes a new proposal only for the first datagram of an epoch and for an identity change (card
    /// edit, agent rollover) that its newest proposal does not carry yet, while fewer than this many
    /// are pending; every other datagram staples its newest proposal again. All of them keep their
    /// private keys until the peer's next commit shows which one was taken (the peer may take any it
    /// received), then the others are deleted. A change made past the bound waits for the next epoch,
    /// where the pending identity is proposed again.
    /// </summary>
    public const int MaxOwnProposals = 4;

    public ImmutableList<PeerProposal> PeerProposals { get; init; } = [];
    public ImmutableList<OwnProposal> OwnProposals { get; init; } = [];

    /// <summary>Reuse guards of the newest <see cref="MaxDeliveredGuards"/> peer messages delivered, oldest first.</summary>
    public AppendWindow<DeliveredGuard> DeliveredGuards { get; init; } = [];

    /// <summary>Bound of <see cref="DeliveredGuards"/>: twice the default out-of-order window.</summary>
    public const int MaxDeliveredGuards = 64;

    /// <summary>
    /// Set when the peer reused a generation in the current epoch (a rollback), or asked for an offer in
    /// it (a loaded copy): from then on only the proposals of its requests are cached or committed (the
    /// copy that asks made them); the others it may have lost the keys of.
    /// </summary>
    public bool PeerProposalsSuspended { get; init; }

    /// <summary>
    /// docs/RECOVERY.md "Resync": set when we hold evidence that the peer fell behind on another branch
    /// (a fork, a generation reused in a past epoch, or its request): the epoch whose header key both
    /// hold (the one that opened the evidence). While set, every datagram we send in an epoch we own
    /// carries a recovery offer and is sealed under that key, and we accept the peer's external Commit
    /// into our next epoch. Cleared when the peer's Commit (external or not) takes us into a new epoch.
    /// </summary>
    public ulong? OfferSealEpoch { get; init; }

    /// <summary>
    /// docs/RECOVERY.md "The offer's payload": while offering, the HPKE public key (a leaf
    /// <c>encryption_key</c>) of the newest update proposal of the peer whose LeafNode signature
    /// verified under the peer's agent as we know it, taken from the datagram that asked (or showed the
    /// rollback). Each offer seals its datagram's payload to it (RFC 9420 §5.1.3 EncryptWithLabel), so
    /// the rejoining party, which holds no secret of the offered epoch, still opens it. Null: not known
    /// (the payload of an offer is then lost to the peer). Public; cleared with <see cref="OfferSealEpoch"/>.
    /// </summary>
    public byte[]? OfferPayloadKey { get; init; }

    /// <summary>
    /// docs/RECOVERY.md "Resync": set when the peer's authentic Commit into this epoch covers an own
    /// proposal we do not hold (we were rolled back): every datagram we send asks the peer for an offer.
    /// Cleared when we enter a new epoch.
    /// </summary>
    public ulong? RecoveryRequest { get; init; }

    /// <summary>The acceptor seals epoch w to this init key (while in w).</summary>
    public byte[]? InvitationInitKey { get; init; }
    /// <summary>The invitee opens epoch w datagrams with this (while w is within the horizon).</summary>
    public Secret? InvitationInitPrivateKey { get; init; }

    public CipherSuite Suite => Group.Suite;
    public ulong Epoch => Group.Epoch;
    public uint OwnLeaf => Group.OwnLeafIndex;

    /// <summary>PAIRMLS.md "Epoch ownership": the acceptor owns w's parity, the inviter the other.</summary>
    public bool IsOwner(ulong epoch) => ((epoch ^ WelcomeEpoch) & 1) == 0 ? Role == PairRole.Acceptor : Role == PairRole.Inviter;

    /// <summary>The private key of the agent our next leaf should have.</summary>
    public byte[] DesiredAgentPrivateKey => PendingAgentPrivateKey ?? Group.SignaturePrivateKey.ToArray();

    /// <summary>The evidence our next update proposal carries, relative to <see cref="MyView"/>.</summary>
    public IdentityEvidence PendingEvidence => new(PendingCardAssertion, PendingSuccessions);

    public bool HasPendingIdentity => PendingCardAssertion is not null || PendingSuccessions.Count > 0;

    /// <summary>
    /// Drops header keys and staple hashes older than H epochs, and the invitation's init private key
    /// once w is older than R + 2 epochs (<see cref="PairOptions.WelcomeHorizon"/>).
    /// </summary>
    public PairState Pruned(PairOptions options)
    {
        ulong oldest = Oldest(options.Horizon);
        var keys = HeaderKeys.RemoveBelow(oldest);
        var hashes = StapleHashes.RemoveBelow(oldest);
        var contexts = OwnContexts.RemoveBelow(oldest);
        var contents = PeerCommitContents.RemoveBelow(oldest);
        bool welcomeHeld = WelcomeEpoch >= Oldest(options.WelcomeHorizon);
        var initPrivateKey = welcomeHeld ? InvitationInitPrivateKey : null;
        var initKey = Epoch == WelcomeEpoch ? InvitationInitKey : null;
        // Nothing to drop (most calls): this state itself, not a copy.
        if (ReferenceEquals(keys, HeaderKeys) && ReferenceEquals(hashes, StapleHashes) && ReferenceEquals(contexts, OwnContexts)
            && ReferenceEquals(contents, PeerCommitContents) && ReferenceEquals(initPrivateKey, InvitationInitPrivateKey)
            && ReferenceEquals(initKey, InvitationInitKey))
            return this;
        return this with
        {
            HeaderKeys = keys,
            StapleHashes = hashes,
            OwnContexts = contexts,
            PeerCommitContents = contents,
            InvitationInitPrivateKey = initPrivateKey,
            InvitationInitKey = initKey,
        };
    }

    private ulong Oldest(int horizon) => OldestWithin(Epoch, horizon);

    /// <summary>The oldest epoch within <paramref name="horizon"/> epochs of <paramref name="epoch"/>.</summary>
    internal static ulong OldestWithin(ulong epoch, int horizon) => epoch > (ulong)horizon ? epoch - (ulong)horizon : 0;

    /// <summary>After entering an own epoch: its GroupContext recorded (<see cref="OwnContexts"/>).</summary>
    public PairState WithOwnContext() => this with { OwnContexts = OwnContexts.SetItem(Epoch, OwnContextOf(Group, PeerLeaf)) };

    /// <summary>An <see cref="OwnContexts"/> entry: <paramref name="group"/>'s serialized GroupContext and the peer's signature key in it.</summary>
    internal static byte[] OwnContextOf(GroupState group, uint peerLeaf) => ContextEntry(group.Context, group.Tree.GetLeaf(peerLeaf)?.SignatureKey ?? []);

    /// <summary>An <see cref="OwnContexts"/> entry: <c>opaque context&lt;V&gt;; opaque signature_key&lt;V&gt;</c>.</summary>
    public static byte[] ContextEntry(GroupContext context, ReadOnlySpan<byte> signatureKey)
    {
        // From a pooled writer, the context encoded in place: the entry is the only array made.
        var w = Codec.TlsWriter.Rent();
        try
        {
            int mark = w.BeginVector();
            context.Encode(w);
            w.EndVector(mark);
            w.WriteOpaque(signatureKey);
            return w.ToArray();
        }
        finally { Codec.TlsWriter.Return(w); }
    }

    /// <summary>After entering a new epoch: the header key of the next one (RFC 9420 §8.5 exporter of this one).</summary>
    public PairState WithNextHeaderKey() => this with { HeaderKeys = HeaderKeys.SetItem(Epoch + 1, NextHeaderKeyOf(Group)) };

    /// <summary>The header key of the epoch after <paramref name="group"/>'s: MLS-Exporter("PairMLS header seal", "", Nk) of it.</summary>
    internal static byte[] NextHeaderKeyOf(GroupState group) =>
        group.Secrets.MlsExporter(HeaderSeal.ExporterLabel, ReadOnlySpan<byte>.Empty, group.Suite.Aead.KeyLength);

    // Stryker disable once all : a description for logs and debuggers; no rule of PairMLS depends on it
    public override string ToString() => $"PairState({Role}, epoch {Epoch}, w {WelcomeEpoch})";
}
