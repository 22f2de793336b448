using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// A thin mutable handle around the current <see cref="GroupState"/> of one member (RFC 9420 §12).
/// Every operation computes the next state as a value and swaps it in only at the end, so an
/// exception (a rejected message) leaves the group exactly as it was.
/// <list type="bullet">
/// <item>Sending a proposal or an application message swaps in the state after sending at once.</item>
/// <item><see cref="Commit"/> does NOT merge our own Commit: it returns the staged next epoch, merged
/// with <see cref="Merge"/> when the caller knows the Commit is accepted (or dropped otherwise). Until
/// then the group stays in the current epoch (and may still send and receive in it).</item>
/// <item><see cref="Process(MlsMessage)"/> applies application messages and proposals at once; a
/// <see cref="StagedCommit"/> is merged with <see cref="Merge"/>.</item>
/// </list>
/// </summary>
public sealed class MlsGroup
{
    private readonly IRandomSource _random;

    private MlsGroup(GroupState state, IRandomSource random)
    {
        State = state;
        _random = random;
    }

    /// <summary>The current state: a value; keep it to compare or to restore.</summary>
    internal GroupState State { get; private set; }

    /// <summary>A handle around an existing state (e.g. one restored from storage).</summary>
    internal static MlsGroup FromState(GroupState state, IRandomSource random) =>
        new(state ?? throw new ArgumentNullException(nameof(state)), random ?? throw new ArgumentNullException(nameof(random)));

    /// <summary>Saves the group's state (<see cref="GroupState.Save"/>); <see cref="LastProposalRef"/> is
    /// not saved. The output holds secrets: store it as a private key, never log it.</summary>
    public byte[] Save() => State.Save();

    /// <summary>A group restored from <see cref="Save"/>'s bytes (<see cref="GroupState.Load"/>: the
    /// delegates come from <paramref name="options"/>, the other option values from the bytes).
    /// Throws only <see cref="MlsDecodeException"/> on malformed bytes.</summary>
    public static MlsGroup Load(ReadOnlySpan<byte> bytes, IRandomSource random, GroupOptions options)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new(GroupState.Load(bytes, options), random);
    }

    // ---------------------------------------------------------------- creating and joining

    /// <summary>RFC 9420 §11: a new group in epoch 0 with us as its only member (leaf 0).</summary>
    public static MlsGroup Create(CipherSuite suite, byte[] groupId, KeyPair signatureKey, Credential credential, IRandomSource random,
        GroupOptions? options = null, Capabilities? capabilities = null, IReadOnlyList<Extension>? leafExtensions = null,
        IReadOnlyList<Extension>? groupContextExtensions = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(random);
        return new(GroupJoiner.Create(suite, groupId, signatureKey, credential, random, options ?? GroupOptions.Default, capabilities,
            leafExtensions, groupContextExtensions), random);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1: joins with a Welcome for <paramref name="keyPackage"/>. The tree comes from
    /// the GroupInfo's ratchet_tree extension, else <paramref name="ratchetTreeIfNotInExtension"/>;
    /// it is validated in full (tree hash, parent hashes, every leaf, the AS). PSKs named by the
    /// Welcome are looked up with <paramref name="psks"/> (then <see cref="GroupOptions.ExternalPsks"/>).
    /// </summary>
    public static MlsGroup JoinFromWelcome(Welcome welcome, KeyPackageBundle keyPackage, KeyPair signatureKey,
        RatchetTreeWire? ratchetTreeIfNotInExtension, Func<PreSharedKeyId, byte[]?>? psks, IRandomSource random, GroupOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(keyPackage);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(random);
        return new(OperationErrors.Run(() => GroupJoiner.FromWelcome(welcome, keyPackage, signatureKey, ratchetTreeIfNotInExtension, psks,
            options ?? GroupOptions.Default), WelcomeException.From), random);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.2: joins with an external Commit against <paramref name="groupInfo"/> (which
    /// must carry external_pub; the tree from its ratchet_tree extension or <paramref name="ratchetTree"/>).
    /// <paramref name="resyncRemove"/> removes an old appearance of ourselves. The returned group is
    /// already in the new epoch; the returned Commit must be delivered to the group.
    /// </summary>
    public static (MlsGroup Group, MlsMessage Commit) JoinExternal(GroupInfo groupInfo, RatchetTreeWire? ratchetTree, KeyPair signatureKey,
        Credential credential, IRandomSource random, GroupOptions? options = null, Capabilities? capabilities = null,
        IReadOnlyList<Extension>? leafExtensions = null, uint? resyncRemove = null, byte[]? authenticatedData = null)
    {
        ArgumentNullException.ThrowIfNull(groupInfo);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(random);
        var (state, commit) = OperationErrors.Run(() => GroupJoiner.External(groupInfo, ratchetTree, signatureKey, credential, random,
            options ?? GroupOptions.Default, capabilities, leafExtensions, resyncRemove, authenticatedData), ExternalJoinException.From);
        return (new MlsGroup(state, random), commit);
    }

    /// <summary>
    /// RFC 9420 §11.2: joins the group that the committed ReInit of <paramref name="reinitialized"/>
    /// asked for, with its Welcome. Besides every check of <see cref="JoinFromWelcome"/>: the Welcome
    /// names exactly one resumption PSK, of usage reinit, for <paramref name="reinitialized"/>'s group and
    /// the epoch that committed the ReInit; the new GroupContext has the ReInit's version, cipher suite,
    /// group_id and extensions and epoch 1; the members are the same (<see cref="GroupOptions.SameClient"/>).
    /// </summary>
    public static MlsGroup JoinReInit(Welcome welcome, KeyPackageBundle keyPackage, KeyPair signatureKey, MlsGroup reinitialized,
        RatchetTreeWire? ratchetTreeIfNotInExtension, IRandomSource random, GroupOptions? options = null) =>
        JoinResumed(ResumptionPskUsage.ReInit, welcome, keyPackage, signatureKey, reinitialized, ratchetTreeIfNotInExtension, random, options);

    /// <summary>
    /// RFC 9420 §11.3: joins a subgroup branched from <paramref name="original"/> (whose resumption PSK of
    /// the named epoch this member still holds). Besides every check of <see cref="JoinFromWelcome"/>: one
    /// resumption PSK of usage branch for <paramref name="original"/>'s group; the same version and cipher
    /// suite, epoch 1; each member matches a member of <paramref name="original"/> (<see cref="GroupOptions.SameClient"/>).
    /// </summary>
    public static MlsGroup JoinBranch(Welcome welcome, KeyPackageBundle keyPackage, KeyPair signatureKey, MlsGroup original,
        RatchetTreeWire? ratchetTreeIfNotInExtension, IRandomSource random, GroupOptions? options = null) =>
        JoinResumed(ResumptionPskUsage.Branch, welcome, keyPackage, signatureKey, original, ratchetTreeIfNotInExtension, random, options);

    private static MlsGroup JoinResumed(ResumptionPskUsage usage, Welcome welcome, KeyPackageBundle keyPackage, KeyPair signatureKey, MlsGroup old,
        RatchetTreeWire? ratchetTree, IRandomSource random, GroupOptions? options)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(keyPackage);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(random);
        return new(OperationErrors.Run(() => GroupJoiner.FromWelcome(welcome, keyPackage, signatureKey, ratchetTree, null, options ?? old.State.Options,
            new ResumedFrom(usage, old.State)), WelcomeException.From), random);
    }

    // ---------------------------------------------------------------- reinitialising and branching (§11)

    /// <summary>The ReInit a merged Commit carried (RFC 9420 §11.2): the group no longer sends; <see cref="ReInit"/> makes its successor.</summary>
    public ReInitProposal? PendingReInit => State.PendingReInit;

    /// <summary>RFC 9420 §12.1.5: proposes to reinitialise the group as <paramref name="groupId"/> under <paramref name="suite"/>
    /// with <paramref name="extensions"/> (version mls10). A Commit covering it must cover nothing else (§12.2).</summary>
    public MlsMessage ProposeReInit(byte[] groupId, CipherSuite suite, IReadOnlyList<Extension>? extensions = null, byte[]? authenticatedData = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(suite);
        return Propose(new ReInitProposal(groupId.ToArray(), GroupContext.Mls10, suite.Id, extensions ?? []), authenticatedData);
    }

    /// <summary>
    /// RFC 9420 §11.2 step 3, once a Commit covering a ReInit is merged (<see cref="PendingReInit"/>):
    /// creates the new group the ReInit asks for, in epoch 1, with one KeyPackage (of the new suite)
    /// for every other member, bound to this group's current epoch by a resumption PSK of usage reinit.
    /// Our leaf keeps our signature key and credential unless given (a new suite needs a new key).
    /// Send the Welcome to the others; they join with <see cref="JoinReInit"/>.
    /// </summary>
    public ResumedGroup ReInit(IReadOnlyList<KeyPackage> otherMembers, KeyPair? signatureKey = null, Credential? credential = null,
        GroupOptions? options = null, Capabilities? capabilities = null, IReadOnlyList<Extension>? leafExtensions = null)
    {
        ArgumentNullException.ThrowIfNull(otherMembers);
        var reinit = State.PendingReInit ?? throw new InvalidOperationException("no ReInit was committed in this group (RFC 9420 §11.2)");
        var leaf = GroupResumption.NewLeaf.Resolve(State, CipherSuite.Get(reinit.CipherSuite), signatureKey, credential, capabilities, leafExtensions);
        var (state, welcome) = OperationErrors.Run(() => GroupResumption.ReInit(State, otherMembers, leaf, options ?? State.Options, _random),
            CreateCommitException.From);
        return new ResumedGroup(new MlsGroup(state, _random), MlsMessage.From(welcome));
    }

    /// <summary>
    /// RFC 9420 §11.3: branches a subgroup <paramref name="groupId"/> of this group's members (one fresh
    /// KeyPackage for each other member taken along), same version and suite, in epoch 1, bound to this
    /// group's current epoch by a resumption PSK of usage branch with a fresh nonce. The others join
    /// with <see cref="JoinBranch"/>.
    /// </summary>
    public ResumedGroup Branch(byte[] groupId, IReadOnlyList<KeyPackage> otherMembers, IReadOnlyList<Extension>? groupContextExtensions = null,
        GroupOptions? options = null, KeyPair? signatureKey = null, Credential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(otherMembers);
        var leaf = GroupResumption.NewLeaf.Resolve(State, State.Suite, signatureKey, credential, null, null);
        var (state, welcome) = OperationErrors.Run(() => GroupResumption.Branch(State, groupId.ToArray(), otherMembers, groupContextExtensions ?? [],
            leaf, options ?? State.Options, _random), CreateCommitException.From);
        return new ResumedGroup(new MlsGroup(state, _random), MlsMessage.From(welcome));
    }

    // ---------------------------------------------------------------- accessors

    public CipherSuite Suite => State.Suite;
    public ulong Epoch => State.Epoch;
    public byte[] GroupId => State.GroupId;
    public GroupContext Context => State.Context;
    internal RatchetTree Tree => State.Tree;

    /// <summary>RFC 9420 §12.4.3.3: the ratchet tree in its wire form, for a joiner whose Welcome or GroupInfo carries none.</summary>
    public RatchetTreeWire ExportRatchetTree() => State.Tree.ToWire();
    public byte[] TreeHash => State.Tree.TreeHash();
    public byte[] EpochAuthenticator => State.EpochAuthenticator;
    public uint OwnLeafIndex => State.OwnLeafIndex;
    public bool IsRemoved => State.IsRemoved;

    /// <summary>The members: leaf index → LeafNode.</summary>
    public IReadOnlyDictionary<uint, LeafNode> Members => State.Tree.Leaves.ToDictionary(l => l.LeafIndex, l => l.Leaf);

    /// <summary>The cached proposals of the current epoch.</summary>
    internal IReadOnlyList<CachedProposal> PendingProposals => State.Proposals;

    /// <summary>RFC 9420 §8.5 MLS-Exporter(label, context, length).</summary>
    public byte[] Export(string label, ReadOnlySpan<byte> context, int length) => State.Secrets.MlsExporter(label, context, length);

    /// <summary>RFC 9420 §12.4.3 a signed GroupInfo of the current epoch (with external_pub if enabled).</summary>
    public GroupInfo GroupInfo(bool withRatchetTree = true) => GroupSender.SignGroupInfo(State, withRatchetTree);

    // ---------------------------------------------------------------- proposals (§12.1)

    public MlsMessage ProposeAdd(KeyPackage keyPackage, byte[]? authenticatedData = null)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        // §7.3: a client MUST check the lifetime of a leaf it sends (with GroupOptions.Clock).
        try { KeyPackageValidation.Validate(State.Suite, keyPackage, State.Now, null); }
        catch (MlsProtocolException e) { throw KeyPackageException.From(e); }
        return Propose(new AddProposal(keyPackage), authenticatedData);
    }

    public MlsMessage ProposeRemove(uint leafIndex, byte[]? authenticatedData = null)
    {
        if (State.Tree.TryGetLeaf(leafIndex) is null) throw new ArgumentException($"leaf {leafIndex} is not a member", nameof(leafIndex));
        return Propose(new RemoveProposal(leafIndex), authenticatedData);
    }

    /// <summary>
    /// RFC 9420 §12.1.2: an Update with a fresh encryption key, optionally new credential, capabilities
    /// or extensions. Several may be in flight; each keeps its private key until a Commit shows which
    /// (if any) was taken.
    /// </summary>
    /// <remarks>A new signature_key (in <paramref name="newLeafParts"/>) needs its private key
    /// <paramref name="newSignaturePrivateKey"/>: the leaf is signed with it, and once a Commit takes
    /// this Update the group signs with it.</remarks>
    public MlsMessage ProposeUpdate(LeafNodeTemplate? newLeafParts = null, byte[]? authenticatedData = null, byte[]? newSignaturePrivateKey = null)
    {
        var (proposal, own) = GroupSender.MakeUpdate(State, newLeafParts, _random, newSignaturePrivateKey);
        return Propose(proposal, authenticatedData, own);
    }

    public MlsMessage ProposePsk(PreSharedKeyId psk, byte[]? authenticatedData = null) =>
        Propose(new PreSharedKeyProposal(psk ?? throw new ArgumentNullException(nameof(psk))), authenticatedData);

    public MlsMessage ProposeGroupContextExtensions(IReadOnlyList<Extension> extensions, byte[]? authenticatedData = null) =>
        Propose(new GroupContextExtensionsProposal(extensions ?? throw new ArgumentNullException(nameof(extensions))), authenticatedData);

    /// <summary>The ProposalRef of the last proposal we sent.</summary>
    public byte[]? LastProposalRef { get; private set; }

    private MlsMessage Propose(Proposal proposal, byte[]? authenticatedData, OwnUpdate? own = null)
    {
        var (message, next, reference) = GroupSender.Propose(State, proposal, authenticatedData ?? [], _random, own);
        State = next;
        LastProposalRef = reference;
        return message;
    }

    // ---------------------------------------------------------------- commits (§12.4)

    /// <summary>
    /// RFC 9420 §12.4.1: a Commit covering <paramref name="options"/>' proposals. Not merged: call
    /// <see cref="Merge"/> with <see cref="CommitResult.Staged"/> once the Commit is accepted.
    /// </summary>
    public CommitResult Commit(CommitOptions? options = null)
    {
        (CommitResult result, GroupState afterSending) committed;
        try { committed = GroupSender.Commit(State, options ?? CommitOptions.Default, _random); }
        catch (MlsProtocolException e) { throw CreateCommitException.From(e); }
        var (result, afterSending) = committed;
        State = afterSending;
        return result;
    }

    /// <summary>Swaps in a staged Commit (ours or processed). It must stage the current epoch's successor.</summary>
    public void Merge(StagedCommit staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        bool successor = staged.Removed ? staged.NewState.Epoch == State.Epoch : staged.NewState.Epoch == State.Epoch + 1;
        if (!successor || !staged.NewState.GroupId.AsSpan().SequenceEqual(State.GroupId))
            throw new InvalidOperationException($"staged commit for epoch {staged.NewEpoch} does not follow epoch {State.Epoch}");
        var old = State;
        State = staged.NewState;
        // Our own Update proposals that were not taken: their keys are deleted (§12.1.2).
        foreach (var p in old.Proposals)
            if (p.Own is { } own) own.LeafPrivateKey.Clear();
    }

    /// <summary>Equivalent to <see cref="Merge"/> with the result's staged state.</summary>
    public void MergeCommit(CommitResult result) => Merge((result ?? throw new ArgumentNullException(nameof(result))).Staged);

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// Processes a PublicMessage or PrivateMessage. Application messages and proposals are applied at
    /// once; a Commit comes back as <see cref="StagedCommit"/> for <see cref="Merge"/>. Bad input throws
    /// <see cref="ProcessMessageException"/> and changes nothing.
    /// </summary>
    public ProcessResult Process(MlsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ProcessResult result;
        try { result = GroupProcessor.Process(State, message); }
        catch (MlsProtocolException e) { throw ProcessMessageException.From(e); }
        if (result is not StagedCommit) State = result.NextState;
        return result;
    }

    /// <summary>Decodes an MLSMessage (malformed: <see cref="ProcessMessageError.Malformed"/>) and processes it.</summary>
    public ProcessResult Process(ReadOnlySpan<byte> message)
    {
        MlsMessage decoded;
        try { decoded = Tls.Deserialize<MlsMessage>(message); }
        catch (MlsDecodeException e) { throw new ProcessMessageException(ProcessMessageError.Malformed, "Malformed: MLSMessage: " + e.Message, null, e); }
        return Process(decoded);
    }

    // ---------------------------------------------------------------- application data (§15)

    /// <summary>RFC 9420 §15: application data, always as a PrivateMessage.</summary>
    public MlsMessage EncryptApplication(ReadOnlySpan<byte> data, byte[]? authenticatedData = null)
    {
        var (message, next) = GroupSender.EncryptApplication(State, data, authenticatedData ?? [], _random);
        State = next;
        return message;
    }

    public override string ToString() => $"MlsGroup({State})";
}
