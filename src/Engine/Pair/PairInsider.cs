using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// The insider of PAIRMLS.md's fault model: a compromised transport that holds a session's header
/// keys (the exporter-derived keys of <see cref="HeaderSeal"/>), so it can open any datagram they
/// seal, change one layer or field of the body (<see cref="InsiderMutation"/>) and re-seal it so it
/// passes the outer seal: only MLS verification can then stop it. It holds no MLS secret (no
/// application, sender-data or signature key): it cannot make a valid message, only alter one.
/// <para>
/// For simulations and fuzzing. It copies the keys it learns (the session deletes its own when
/// their epoch leaves the horizon); it never prints them.
/// </para>
/// <para>
/// No header key opens the acceptor's datagrams of the Welcome epoch w: they are sealed by HPKE to the
/// invitation's init key (PAIRMLS.md "Creating a conversation", step 3: only the invitee can open them), so a
/// transport insider cannot alter them. <see cref="OfInvitation"/> makes the one insider who can, for the fuzzer:
/// it holds the invitation's private init key, opens those datagrams, mutates every layer (the Welcome staple
/// too: <see cref="InviteeMutations"/>) and re-seals them to the invitation.
/// </para>
/// </summary>
public sealed class PairInsider
{
    /// <summary>Epochs whose keys the insider keeps (the newest ones).</summary>
    public const int MaxEpochs = 64;

    private readonly SortedDictionary<ulong, byte[]> _keys = [];
    /// <summary>The invitation's init key pair (<see cref="OfInvitation"/>), or null for a transport insider.</summary>
    private readonly byte[]? _initKey;
    private readonly Schedule.Secret? _initPrivateKey;

    private PairInsider(CipherSuite suite, byte[]? initKey = null, Schedule.Secret? initPrivateKey = null)
    {
        Suite = suite;
        _initKey = initKey;
        _initPrivateKey = initPrivateKey;
    }

    public CipherSuite Suite { get; }

    /// <summary>
    /// The transport insider's mutations, in declaration order: every one but the Welcome's, which it never meets (the
    /// Welcome staple travels only in datagrams of w, sealed to the invitation). The simulator draws from these.
    /// </summary>
    public static IReadOnlyList<InsiderMutation> Mutations { get; } = [.. Enum.GetValues<InsiderMutation>().Where(m => m < InsiderMutation.WelcomeGroupSecrets)];

    /// <summary>Every mutation, the Welcome staple's included: what the invitee's insider (<see cref="OfInvitation"/>) tries.</summary>
    public static IReadOnlyList<InsiderMutation> InviteeMutations { get; } = Enum.GetValues<InsiderMutation>();

    /// <summary>Whether this insider holds the invitation's private init key (it opens the acceptor's datagrams of w).</summary>
    public bool HoldsInvitation => _initPrivateKey is not null;

    /// <summary>Epochs whose header key the insider holds, oldest first.</summary>
    public IReadOnlyList<ulong> Epochs => [.. _keys.Keys];

    /// <summary>An insider that knows the header keys <paramref name="session"/> holds now (a copy of each).</summary>
    public static PairInsider Of(PairSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var insider = new PairInsider(session.Suite);
        foreach (var (epoch, key) in session.State.HeaderKeys) insider._keys[epoch] = (byte[])key.Clone();
        return insider;
    }

    /// <summary>
    /// An insider holding <paramref name="invitation"/>'s private init key (a copy), as only the invitee does: it opens
    /// the acceptor's datagrams of w (HPKE to the invitation) and re-seals what it changed to the same init key. For the
    /// fuzzer, which holds the invitation; the transport insider of a simulation never has it.
    /// </summary>
    public static PairInsider OfInvitation(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return new PairInsider(invitation.Suite, (byte[])invitation.Public.KeyPackage.InitKey.Clone(), invitation.InitPrivateKey.Clone());
    }

    /// <summary>
    /// What a transport holding <paramref name="sender"/>'s header keys sees of a datagram that session just sent
    /// (docs/RECOVERY.md "Resync"): <c>"offer"</c> or <c>"request"</c> for a recovery envelope (its marker and kind byte), null
    /// for an ordinary body or a datagram none of its header keys opens (the acceptor's datagrams of w, sealed to the
    /// invitation). Read from the bytes, not from the session's flags: the simulator judges a session's claim to offer a
    /// resync (<see cref="ReceiveOutcome.RecoveryOffered"/>) against what it then sends.
    /// </summary>
    public static string? EnvelopeOf(PairSession sender, ReadOnlySpan<byte> datagram)
    {
        ArgumentNullException.ThrowIfNull(sender);
        if (PairReceiver.Open(sender.State, datagram) is not { Body: var body }) return null;
        try
        {
            if (!RecoveryEnvelope.IsEnvelope(body) || body.Length < 3) return null;
            return body[2] switch { (byte)RecoveryKind.Offer => "offer", (byte)RecoveryKind.Request => "request", _ => null };
        }
        finally { System.Security.Cryptography.CryptographicOperations.ZeroMemory(body); }
    }

    /// <summary>Adds the keys <paramref name="other"/> knows (same suite), keeping the newest <see cref="MaxEpochs"/> epochs.</summary>
    public void Learn(PairInsider other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Suite.Id != Suite.Id) throw new ArgumentException($"an insider of suite {other.Suite.Id} cannot teach one of suite {Suite.Id}", nameof(other));
        foreach (var (epoch, key) in other._keys) _keys.TryAdd(epoch, (byte[])key.Clone());
        while (_keys.Count > MaxEpochs) _keys.Remove(_keys.Keys.First());
    }

    /// <summary>The epoch whose header key opens <paramref name="datagram"/>, newest first, or null.</summary>
    public ulong? EpochOf(ReadOnlySpan<byte> datagram) => Open(datagram) is { Epoch: { } epoch } ? epoch : null;

    /// <summary>
    /// <paramref name="datagram"/> opened, changed by <paramref name="mutation"/> and re-sealed under a
    /// header key the insider holds (a fresh nonce from <paramref name="random"/>); null when the
    /// insider holds no key that opens it (e.g. the acceptor's datagrams of epoch w, sealed to the
    /// invitation), when it does not parse as a PairMLS body, or when the mutation does not apply
    /// (<see cref="InsiderMutation.SealEpoch"/> with a single key). The result always differs from the body sent.
    /// </summary>
    public byte[]? Mutate(ReadOnlySpan<byte> datagram, InsiderMutation mutation, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (Open(datagram) is not { } opened) return null;
        if (mutation == InsiderMutation.SealEpoch)
        {
            var others = _keys.Keys.Where(e => e != opened.Epoch).ToList();
            if (others.Count == 0) return null;
            ulong other = others[(int)random.NextUInt64((ulong)others.Count)];
            return HeaderSeal.Seal(Suite, _keys[other], opened.Body, random);
        }
        DatagramBody parts;
        try { parts = DatagramBody.Parse(opened.Body); }
        catch (PairRejection) { return null; }
        var body = MutateBody(parts, mutation, random);
        return body is null ? null : Reseal(opened.Epoch, body, random);
    }

    /// <summary>Seals <paramref name="body"/> as the original was: under the header key of <paramref name="epoch"/>, or to the invitation (null).</summary>
    private byte[] Reseal(ulong? epoch, byte[] body, IRandomSource random) => epoch is { } e
        ? HeaderSeal.Seal(Suite, _keys[e], body, random)
        : HeaderSeal.SealToInvitation(Suite, _initKey!, body, random);

    /// <summary>
    /// <paramref name="datagram"/> opened, <paramref name="bits"/> random bits of its body flipped (anywhere: lengths,
    /// tags, fields of any layer) and re-sealed under the same header key; null when no key the insider holds opens it.
    /// </summary>
    public byte[]? FlipBodyBits(ReadOnlySpan<byte> datagram, int bits, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        if (Open(datagram) is not { } opened) return null;
        var body = opened.Body;
        var flipped = new HashSet<ulong>();
        while (flipped.Count < Math.Min(bits, body.Length * 8))
        {
            ulong bit = random.NextUInt64((ulong)body.Length * 8);
            if (flipped.Add(bit)) body[bit / 8] ^= (byte)(1 << (int)(bit % 8));
        }
        return Reseal(opened.Epoch, body, random);
    }

    /// <summary>The first mutation that applies, trying <see cref="Mutations"/> cyclically from <paramref name="first"/>; null if none does.</summary>
    public (byte[] Datagram, InsiderMutation Mutation)? MutateAny(ReadOnlySpan<byte> datagram, InsiderMutation first, IRandomSource random)
    {
        int start = (int)first;
        for (int i = 0; i < Mutations.Count; i++)
        {
            var m = Mutations[(start + i) % Mutations.Count];
            if (Mutate(datagram, m, random) is { } bytes) return (bytes, m);
        }
        return null;
    }

    /// <summary>The body and the epoch whose header key opened it (null: the invitation's init key did), or null.</summary>
    private (byte[] Body, ulong? Epoch)? Open(ReadOnlySpan<byte> datagram)
    {
        foreach (var (epoch, key) in _keys.Reverse())
            if (HeaderSeal.TryOpen(Suite, key, datagram) is { } body) return (body, epoch);
        if (_initPrivateKey is { } initPrivateKey && HeaderSeal.TryOpenAsInvitee(Suite, initPrivateKey, datagram) is { } welcomeBody)
            return (welcomeBody, null);
        return null;
    }

    /// <summary>The body with one layer or field changed and every enclosing layer re-encoded around it; null if it does not apply.</summary>
    private static byte[]? MutateBody(DatagramBody parts, InsiderMutation mutation, IRandomSource random)
    {
        var app = parts.Application.PrivateMessage!;
        var proposal = parts.ProposalMessage;
        var staple = parts.Staple;
        var commit = parts.StapledMessage.PublicMessage;
        byte[]? stapleBytes = null;
        switch (mutation)
        {
            case InsiderMutation.ApplicationGroupId: app = app with { GroupId = Flip(app.GroupId, random) }; break;
            case InsiderMutation.ApplicationEpoch: app = app with { Epoch = app.Epoch + 1 }; break;
            case InsiderMutation.ApplicationContentType: app = app with { ContentType = ContentType.Proposal }; break;
            case InsiderMutation.ApplicationSenderData: app = app with { EncryptedSenderData = Flip(app.EncryptedSenderData, random) }; break;
            case InsiderMutation.ApplicationCiphertext: app = app with { Ciphertext = Flip(app.Ciphertext, random) }; break;
            case InsiderMutation.ProposalSender:
                proposal = proposal with { Content = proposal.Content with { Sender = OtherMember(proposal.Content.Sender) } };
                break;
            case InsiderMutation.ProposalEpoch:
                proposal = proposal with { Content = proposal.Content with { Epoch = proposal.Content.Epoch - 1 } };
                break;
            case InsiderMutation.ProposalLeafNode:
                if (proposal.Content.Proposal is not UpdateProposal update) return null;
                var leaf = update.LeafNode with { EncryptionKey = Flip(update.LeafNode.EncryptionKey, random) };
                proposal = proposal with { Content = proposal.Content with { Proposal = new UpdateProposal(leaf) } };
                break;
            case InsiderMutation.ProposalSignature:
                proposal = proposal with { Auth = proposal.Auth with { Signature = Flip(proposal.Auth.Signature, random) } };
                break;
            case InsiderMutation.ProposalMembershipTag:
                if (proposal.MembershipTag is null) return null;
                proposal = proposal with { MembershipTag = Flip(proposal.MembershipTag, random) };
                break;
            case InsiderMutation.StapleKind:
                staple = staple with { Kind = staple.Kind == Pair.StapleKind.Commit ? Pair.StapleKind.Welcome : Pair.StapleKind.Commit };
                break;
            case InsiderMutation.StapleEvidence:
            {
                // Written by hand: the flipped evidence need not decode (then MLS never sees it: Malformed).
                var evidence = Flip(Tls.Serialize(staple.Evidence), random);
                var w = new TlsWriter();
                w.WriteUInt8((byte)staple.Kind);
                w.WriteOpaque(staple.Message);
                w.WriteFixed(evidence);
                stapleBytes = w.ToArray();
                break;
            }
            case InsiderMutation.WelcomeGroupSecrets:
            case InsiderMutation.WelcomeGroupInfo:
            {
                if (parts.StapledMessage.Welcome is not { } welcome) return null;
                if (mutation == InsiderMutation.WelcomeGroupInfo) welcome = welcome with { EncryptedGroupInfo = Flip(welcome.EncryptedGroupInfo, random) };
                else
                {
                    if (welcome.Secrets.Count == 0) return null;
                    var first = welcome.Secrets[0];
                    var sealedSecrets = first.EncryptedGroupSecretsCiphertext;
                    first = first with { EncryptedGroupSecretsCiphertext = sealedSecrets with { Ciphertext = Flip(sealedSecrets.Ciphertext, random) } };
                    welcome = welcome with { Secrets = [first, .. welcome.Secrets.Skip(1)] };
                }
                staple = staple with { Message = Tls.Serialize(MlsMessage.From(welcome)) };
                break;
            }
            default:
                if (commit is null || commit.Content.Commit is not { } c) return null;
                commit = MutateCommit(commit, c, mutation, random);
                if (commit is null) return null;
                staple = staple with { Message = Tls.Serialize(MlsMessage.From(commit)) };
                break;
        }
        if (mutation is >= InsiderMutation.StapleKind)
        {
            stapleBytes ??= Tls.Serialize(staple);
            proposal = proposal with { Content = proposal.Content with { AuthenticatedData = stapleBytes } };
        }
        if (mutation is >= InsiderMutation.ProposalSender)
            app = app with { AuthenticatedData = Tls.Serialize(MlsMessage.From(proposal)) };
        return Tls.Serialize(MlsMessage.From(app));
    }

    private static PublicMessage? MutateCommit(PublicMessage message, Commit commit, InsiderMutation mutation, IRandomSource random)
    {
        switch (mutation)
        {
            case InsiderMutation.CommitSender:
                return message with { Content = message.Content with { Sender = OtherMember(message.Content.Sender) } };
            case InsiderMutation.CommitProposals:
                var forged = ProposalOrRef.ByReference(random.NextBytes(32));
                return message with { Content = message.Content with { Commit = commit with { Proposals = [.. commit.Proposals, forged] } } };
            case InsiderMutation.CommitPath:
                if (commit.Path is not { Nodes.Count: > 0 } path) return null;
                var node = path.Nodes[0] with { EncryptionKey = Flip(path.Nodes[0].EncryptionKey, random) };
                return message with { Content = message.Content with { Commit = commit with { Path = path with { Nodes = [node, .. path.Nodes.Skip(1)] } } } };
            case InsiderMutation.CommitPathLeaf:
                if (commit.Path is not { } p) return null;
                var leaf = p.LeafNode with { EncryptionKey = Flip(p.LeafNode.EncryptionKey, random) };
                return message with { Content = message.Content with { Commit = commit with { Path = p with { LeafNode = leaf } } } };
            case InsiderMutation.CommitConfirmationTag:
                if (message.Auth.ConfirmationTag is null) return null;
                return message with { Auth = message.Auth with { ConfirmationTag = Flip(message.Auth.ConfirmationTag, random) } };
            case InsiderMutation.CommitSignature:
                return message with { Auth = message.Auth with { Signature = Flip(message.Auth.Signature, random) } };
            case InsiderMutation.CommitMembershipTag:
                if (message.MembershipTag is null) return null;
                return message with { MembershipTag = Flip(message.MembershipTag, random) };
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, "not a mutation of the stapled Commit");
        }
    }

    /// <summary>A two-member group: the other leaf is 1 − leaf (RFC 9420 §7.8 leaf indices 0 and 1).</summary>
    private static Sender OtherMember(Sender sender) => sender with { LeafIndex = sender.LeafIndex == 0 ? 1u : 0u };

    /// <summary>A copy with one random bit flipped (an empty field gets one byte, so it still changes).</summary>
    private static byte[] Flip(byte[] bytes, IRandomSource random)
    {
        if (bytes.Length == 0) return [1];
        var copy = (byte[])bytes.Clone();
        ulong bit = random.NextUInt64((ulong)copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (int)(bit % 8));
        return copy;
    }

    public override string ToString() => $"PairInsider(suite {Suite.Id}, {_keys.Count} header keys{(HoldsInvitation ? ", the invitation's init key" : "")})";
}
