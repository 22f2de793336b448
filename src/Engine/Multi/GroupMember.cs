using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Multi;

/// <summary>
/// One member of an N-party group running a GROUPS.md strategy over the public <see cref="MlsGroup"/>
/// API: it turns user actions, received datagrams and clock ticks into datagrams to send and
/// observations for the trace. Pure protocol code: no clock of its own (every input brings the
/// virtual time), no I/O, all randomness from the seed it was given.
/// <para>
/// Sequenced: commits and application messages go to the <see cref="Sequencer"/>, which orders
/// commits per epoch; a commit is merged when the sequencer echoes it (RFC 9420 §14: the DS orders
/// handshake messages). Uncoordinated: every datagram goes straight to every member; a commit is
/// merged at once; forks are found from two valid commits for one epoch or from a peer's head, and
/// healed onto the branch <see cref="BranchChain"/>'s rule picks (retained state, external commit
/// §12.4.3.2, or a Welcome from a re-add); then lost messages are asked for by key-share.
/// </para>
/// </summary>
public sealed partial class GroupMember
{
    private readonly MultiOptions _options;
    private readonly CipherSuite _suite;
    private readonly DeterministicRandomSource _random;
    private readonly KeyPair _signature;
    private readonly Credential _credential;
    private readonly KeyPair _keyShareKey;
    private readonly GroupOptions _groupOptions;
    private readonly Dictionary<string, MemberIdentity> _roster = [];
    private readonly List<KeyPackageBundle> _keyPackages = [];
    private readonly Dictionary<string, KeyPackage> _keyPackagesOf = [];
    private readonly List<Intent> _intents = [];
    private readonly Dictionary<string, long> _lastAsked = [];
    private readonly List<MultiDatagram> _future = [];
    private readonly HashSet<string> _delivered = [];
    private MlsGroup? _group;
    private BranchChain _chain = BranchChain.Genesis;
    /// <summary>The epoch we entered the current group in (by founding or a Welcome); an external resync keeps it.</summary>
    private ulong _memberSince;
    private long _now;
    private long? _lastHeartbeat;
    private List<Outgoing> _out = [];
    private List<MemberObservation> _seen = [];

    public GroupMember(string name, MultiOptions options, DeterministicRandomSource random)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _suite = options.Suite;
        _signature = _suite.Signature.GenerateKeyPair(_random);
        _credential = Credential.Basic(Encoding.UTF8.GetBytes(name));
        _keyShareKey = _suite.Kem.GenerateKeyPair(_random);
        _groupOptions = GroupOptions.Default with { PastEpochsRetained = Math.Max(0, options.PastEpochKeys), AuthenticationService = ValidateLeaf, ExternalPsks = ResolvePsk };
        Identity = new MemberIdentity(name, _signature.PublicKey, _keyShareKey.PublicKey);
    }

    public string Name { get; }
    public MemberIdentity Identity { get; }
    public MultiOptions Options => _options;

    /// <summary>True while we hold a group state in which we are a member.</summary>
    public bool IsMember => IsSendGroups ? _group is not null && !_sendRemoved : _group is { IsRemoved: false };
    public ulong Epoch => _group?.Epoch ?? 0;
    public BranchChain Chain => _chain;
    /// <summary>The current epoch's authenticator (send groups: every group's, with its owner, in owner order).</summary>
    public byte[] EpochAuthenticator => IsSendGroups ? CombinedAuthenticator() : _group?.EpochAuthenticator ?? [];

    /// <summary>The members of our current state, by credential name, in leaf order (send groups: our own group's, in name order).</summary>
    public IReadOnlyList<string> Members => _group is null ? [] : IsSendGroups ? NamesOf(_group) : [.. _group.Tree.Leaves.Select(l => NameOf(l.Leaf))];

    /// <summary>The leaf index of each of <see cref="Members"/>, in the same order (the trace names a leaf by it).</summary>
    public IReadOnlyList<uint> MemberLeaves => _group is null ? []
        : IsSendGroups ? [.. _group.Tree.Leaves.OrderBy(l => NameOf(l.Leaf), StringComparer.Ordinal).Select(l => l.LeafIndex)]
        : [.. _group.Tree.Leaves.Select(l => l.LeafIndex)];

    /// <summary>The verified identities (set before the group starts; the AS accepts only these).</summary>
    public void Verify(IEnumerable<MemberIdentity> identities)
    {
        foreach (var id in identities) _roster[id.Name] = id;
    }

    // ------------------------------------------------------------------ founding (out of band, before the world runs)

    /// <summary>
    /// RFC 9420 §11-12: <paramref name="founder"/> creates the group and adds <paramref name="others"/>
    /// with one Commit; they join from its Welcome. Everyone ends in epoch 1 with one chain.
    /// </summary>
    public static void Found(GroupMember founder, IReadOnlyList<GroupMember> others, byte[] groupId)
    {
        ArgumentNullException.ThrowIfNull(founder);
        ArgumentNullException.ThrowIfNull(others);
        if (founder.CreateAndAddAll(groupId, others) is not { } welcome) return;
        foreach (var o in others)
        {
            o._group = o.JoinWelcome(welcome) ?? throw new InvalidOperationException($"{o.Name}: the founding Welcome is not for us");
            o._chain = founder._chain;
            o._memberSince = o._group.Epoch;
        }
    }

    /// <summary>
    /// Creates <paramref name="groupId"/> as our current group and adds <paramref name="others"/> with one
    /// Commit with a path (RFC 9420 §11-12), merged and entered in our chain; the Welcome they join from,
    /// or null when there is nobody to add. Founding of the shared group and of each send group.
    /// </summary>
    private Welcome? CreateAndAddAll(byte[] groupId, IReadOnlyList<GroupMember> others)
    {
        _group = MlsGroup.Create(_suite, groupId, _signature, _credential, _random.Derive("group"), _groupOptions);
        if (others.Count == 0) return null;
        var packages = others.Select(o => o.FreshKeyPackage()).ToList();
        var result = _group.Commit(new CommitOptions { InlineProposals = [.. packages.Select(p => (Proposal)new AddProposal(p))], ForcePath = true });
        byte[] commit = Tls.Serialize(result.Commit);
        _group.MergeCommit(result);
        _chain = _chain.Extend(_suite.Hash(commit));
        return result.Welcome!.Welcome!;
    }

    /// <summary>A fresh KeyPackage (RFC 9420 §10); we keep its private keys for the Welcome that uses it.</summary>
    public KeyPackage FreshKeyPackage()
    {
        var bundle = KeyPackageBundle.Create(_suite, _signature, _credential, new Lifetime(0, ulong.MaxValue), _random, capabilities: null);
        _keyPackages.Add(bundle);
        return bundle.KeyPackage;
    }

    // ------------------------------------------------------------------ user actions

    /// <summary>The user sends application message <paramref name="messageId"/> (<paramref name="payloadBytes"/> long, at least 8).</summary>
    public MemberStep SendApplication(long messageId, int payloadBytes, long nowMs)
    {
        Begin(nowMs);
        if (!IsMember) return End();
        var plaintext = new byte[Math.Max(8, payloadBytes)];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, messageId);
        _random.Fill(plaintext.AsSpan(8));
        var message = _group!.EncryptApplication(plaintext, ApplicationEpochId);
        byte[] body = Tls.Serialize(message);
        string id = MessageRef(body);
        Hold(id, Name, plaintext, _group!);
        _delivered.Add(id);
        var recipients = Members.Where(m => m != Name).ToList();
        var d = Datagram(MultiKind.Application) with { Body = body };
        if (_options.Strategy == MultiStrategy.Sequenced) Send(Sequencer.Name, d);
        else foreach (var r in recipients) Send(r, d);
        _seen.Add(new MemberObservation.Sent(messageId, id, _group.Epoch, recipients));
        return End();
    }

    /// <summary>The user wants a fresh leaf (an empty Commit with a path: PCS, RFC 9420 §12.4).</summary>
    public MemberStep Update(long nowMs) => WithIntent(new Intent(IntentKind.Update, Name), nowMs);

    /// <summary>The user wants <paramref name="name"/> added (its KeyPackage is asked for first).</summary>
    public MemberStep Add(string name, long nowMs) => WithIntent(new Intent(IntentKind.Add, name), nowMs);

    /// <summary>The user wants <paramref name="name"/> removed.</summary>
    public MemberStep Remove(string name, long nowMs) => WithIntent(new Intent(IntentKind.Remove, name), nowMs);

    /// <summary>Time passes: gossip, retries, re-proposals, key-share requests.</summary>
    public MemberStep Tick(long nowMs)
    {
        Begin(nowMs);
        if (IsMember && _options.Strategy != MultiStrategy.Sequenced && (_lastHeartbeat is not { } last || nowMs - last >= _options.HeartbeatMs))
        {
            _lastHeartbeat = nowMs;
            var peers = Members.Where(m => m != Name).ToList();
            for (int i = 0; i < Math.Min(_options.GossipFanout, peers.Count); i++)
            {
                int k = (int)_random.NextUInt64((ulong)peers.Count);
                Send(peers[k], Datagram(MultiKind.Head));
                peers.RemoveAt(k);
            }
        }
        if (_pending is not null && nowMs - _pendingSinceMs >= _options.RetryMs && Ask("ds/catchup"))
            Send(Sequencer.Name, Datagram(MultiKind.CatchUp));
        RejoinWhenDue();
        AskInWhenDue();
        if (IsSendGroups) SendGroupsTick();
        if (IsRetention) RetentionTick();
        TryIntents();
        RequestKeyShares();
        return End();
    }

    private MemberStep WithIntent(Intent intent, long nowMs)
    {
        Begin(nowMs);
        if (!_intents.Contains(intent)) _intents.Add(intent);
        TryIntents();
        return End();
    }

    // ------------------------------------------------------------------ helpers

    private void Begin(long nowMs)
    {
        _now = nowMs;
        _out = [];
        _seen = [];
    }

    private MemberStep End() => new(_out, _seen);

    private MultiDatagram Datagram(MultiKind kind) => new(kind, Name, Epoch, _chain.Tip);

    private void Send(string to, MultiDatagram d) => _out.Add(new Outgoing(to, d.Kind, d.ToBytes()));

    /// <summary>True (and remembered) if <paramref name="key"/> was not asked within <see cref="MultiOptions.RetryMs"/>.</summary>
    private bool Ask(string key)
    {
        if (_lastAsked.TryGetValue(key, out long at) && _now - at < _options.RetryMs) return false;
        _lastAsked[key] = _now;
        return true;
    }

    private static string NameOf(LeafNode leaf) => leaf.Credential.Identity is { } id ? Encoding.UTF8.GetString(id) : "?";

    /// <summary>A short id of an MLS message: the first 8 bytes of SHA-256 of its bytes, hex (the trace's datagram id form).</summary>
    public static string MessageRef(ReadOnlySpan<byte> mlsMessage) => Convert.ToHexString(SHA256.HashData(mlsMessage).AsSpan(0, 8)).ToLowerInvariant();

    /// <summary>The Authentication Service (RFC 9420 §5.3.1): a leaf must carry a verified name with its verified signature key.</summary>
    /// <summary>The leaf's credential names a verified identity (the roster) and carries that identity's signature key.</summary>
    private bool IsVerified(LeafNode leaf) =>
        _roster.TryGetValue(NameOf(leaf), out var id) && CipherSuite.FixedTimeEquals(id.SignaturePublicKey, leaf.SignatureKey);

    private void ValidateLeaf(LeafNode? oldLeaf, LeafNode leaf, uint index, LeafChangeContext context)
    {
        AuthenticationServices.AcceptBasicCredentials(oldLeaf, leaf, index, context);
        string name = NameOf(leaf);
        if (!IsVerified(leaf))
            throw new MlsProtocolException(MlsError.InvalidLeafNode, $"leaf {index}: '{name}' is not a verified identity with this signature key");
    }

    /// <summary>Joins with the first of our KeyPackages the Welcome is for; <paramref name="consume"/> deletes that KeyPackage's private keys once used (RFC 9420 §10).</summary>
    private MlsGroup? JoinWelcome(Welcome welcome, bool consume = false)
    {
        for (int i = 0; i < _keyPackages.Count; i++)
        {
            MlsGroup joined;
            try { joined = MlsGroup.JoinFromWelcome(welcome, _keyPackages[i], _signature, null, null, _random.Derive($"group/{i}"), _groupOptions); }
            catch (WelcomeException e) when (e.Reason == WelcomeError.NotForUs) { continue; }
            if (consume) _keyPackages.RemoveAt(i);
            return joined;
        }
        return null;
    }
}
