using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>The resumption PSK a ReInit or branch injects into a new group's initial Commit (RFC 9420 §8.6, §11).</summary>
internal sealed record ResumptionPsk(PreSharedKeyId Id, Secret Psk)
{
    public bool Names(PreSharedKeyId id) => Tls.Serialize(id).AsSpan().SequenceEqual(Tls.Serialize(Id));
    public override string ToString() => $"ResumptionPsk({Id.Usage}, epoch {Id.PskEpoch}, <psk redacted>)";
}

/// <summary>What a joiner resumes from: the old group's state and how (ReInit or branch).</summary>
internal sealed record ResumedFrom(ResumptionPskUsage Usage, GroupState Old);

/// <summary>
/// RFC 9420 §11.2 reinitialisation and §11.3 subgroup branching: a new group, in epoch 1 after its
/// creator's initial Commit, bound to an old one by a resumption PSK of usage reinit or branch that
/// the initial Commit injects and the Welcome names. Both the creator's and the joiner's side of
/// every rule live here; pure functions of states, like the rest of the group layer.
/// </summary>
internal static class GroupResumption
{
    /// <summary>
    /// §11.2 step 3: the group the committed ReInit of <paramref name="old"/> asks for (its group_id,
    /// version, cipher suite and extensions), with the same members: one KeyPackage for every other
    /// member of <paramref name="old"/>. Returns the new group's state in epoch 1 and its Welcome.
    /// </summary>
    public static (GroupState State, Welcome Welcome) ReInit(GroupState old, IReadOnlyList<KeyPackage> others, NewLeaf leaf,
        GroupOptions options, IRandomSource random)
    {
        var reinit = old.PendingReInit ?? throw new InvalidOperationException("no ReInit was committed in this group (RFC 9420 §11.2)");
        if (reinit.Version != GroupContext.Mls10)
            throw new InvalidOperationException($"the ReInit asks for protocol version {reinit.Version}; only mls10 is implemented");
        var suite = CipherSuite.Get(reinit.CipherSuite);
        var id = PreSharedKeyId.Resumption(ResumptionPskUsage.ReInit, old.GroupId, old.Epoch, random.NextBytes(suite.HashLength));
        return Start(old, suite, reinit.GroupId, reinit.Extensions, others, id, leaf, options, random, sameMembers: true);
    }

    /// <summary>
    /// §11.3: a subgroup of <paramref name="old"/>'s members (one fresh KeyPackage each, the
    /// creator's own leaf included by the creator) under the same version and cipher suite.
    /// </summary>
    public static (GroupState State, Welcome Welcome) Branch(GroupState old, byte[] groupId, IReadOnlyList<KeyPackage> members,
        IReadOnlyList<Extension> extensions, NewLeaf leaf, GroupOptions options, IRandomSource random)
    {
        if (old.IsRemoved) throw new InvalidOperationException("we were removed from this group: it cannot be branched");
        // §11.3 step 2: "the psk_nonce ... MUST be a randomly sampled nonce of length KDF.Nh".
        var id = PreSharedKeyId.Resumption(ResumptionPskUsage.Branch, old.GroupId, old.Epoch, random.NextBytes(old.Suite.HashLength));
        return Start(old, old.Suite, groupId, extensions, members, id, leaf, options, random, sameMembers: false);
    }

    /// <summary>The creator's own leaf in the new group: its keys and what it carries.</summary>
    internal sealed record NewLeaf(KeyPair SignatureKey, Credential Credential, Capabilities? Capabilities, IReadOnlyList<Extension>? Extensions)
    {
        /// <summary>The creator's current signature key and credential, capabilities and extensions (a new suite needs a new key).</summary>
        public static NewLeaf Resolve(GroupState old, CipherSuite suite, KeyPair? signatureKey, Credential? credential, Capabilities? capabilities,
            IReadOnlyList<Extension>? extensions)
        {
            if (signatureKey is null && suite.Id != old.Suite.Id)
                throw new ArgumentException($"the new group uses cipher suite 0x{suite.Id:x4}: give a signature key of that suite", nameof(signatureKey));
            var own = old.OwnLeaf;
            return new NewLeaf(signatureKey ?? new KeyPair(old.SignaturePrivateKey.ToArray(), own.SignatureKey), credential ?? own.Credential,
                capabilities ?? (suite.Id == old.Suite.Id ? own.Capabilities : null), extensions ?? own.Extensions);
        }
    }

    private static (GroupState, Welcome) Start(GroupState old, CipherSuite suite, byte[] groupId, IReadOnlyList<Extension> extensions,
        IReadOnlyList<KeyPackage> joiners, PreSharedKeyId id, NewLeaf leaf, GroupOptions options, IRandomSource random, bool sameMembers)
    {
        if (joiners.Count == 0) throw new ArgumentException("a resumed group needs at least one other member", nameof(joiners));
        var psk = old.ResolvePsk(id) ?? throw new InvalidOperationException($"the resumption PSK of epoch {id.PskEpoch} is not retained");
        using var resumption = new Secret(psk);
        var state = GroupJoiner.Create(suite, groupId, leaf.SignatureKey, leaf.Credential, random, options, leaf.Capabilities, leaf.Extensions, extensions);
        var commit = new CommitOptions { InlineProposals = joiners.Select(kp => (Proposal)new AddProposal(kp)).ToList() };
        var (result, _) = GroupSender.Commit(state, commit, random, new ResumptionPsk(id, resumption));
        // The creator's side of "same members" (§11.2) / "each LeafNode matches some LeafNode in the original group" (§11.3).
        var newTree = result.Staged.NewState.Tree;
        if (!Matches(old, newTree.Leaves.Select(l => l.Leaf).ToList(), options, sameMembers, out var why)) throw new ArgumentException(why, nameof(joiners));
        // Nobody else is in epoch 0 of the new group: the initial Commit is merged at once and never sent.
        return (result.Staged.NewState, result.Welcome?.Welcome ?? throw new InvalidOperationException("the new group has no other member"));
    }

    // ---------------------------------------------------------------- the joiner's side (§12.4.3.1)

    /// <summary>
    /// §12.4.3.1 "if a PreSharedKeyID has type resumption with usage reinit or branch, verify that it
    /// is the only such PSK"; §11.2/§11.3: such a PSK is only taken when joining as that usage
    /// (<see cref="MlsGroup.JoinReInit"/>, <see cref="MlsGroup.JoinBranch"/>), and names the old group.
    /// </summary>
    public static void CheckWelcomePsks(IReadOnlyList<PreSharedKeyId> psks, ResumedFrom? from)
    {
        var resumptions = psks.Where(IsReInitOrBranch).ToList();
        if (resumptions.Count > 1) throw Invalid("more than one resumption PSK of usage reinit or branch (RFC 9420 §12.4.3.1)");
        if (from is null)
        {
            if (resumptions.Count == 1)
                throw Invalid($"the Welcome resumes another group ({resumptions[0].Usage}): join it as a {resumptions[0].Usage} of that group (§11)");
            return;
        }
        if (resumptions.Count == 0 || resumptions[0].Usage != from.Usage)
            throw Invalid($"the Welcome names no resumption PSK of usage {from.Usage} (§11)");
        var id = resumptions[0];
        if (!id.PskGroupId.AsSpan().SequenceEqual(from.Old.GroupId)) throw Invalid("the resumption PSK names another group than the one resumed");
        // §11.2: "the epoch field indicates the epoch after the Commit covering the ReInit".
        if (from.Usage == ResumptionPskUsage.ReInit && (from.Old.PendingReInit is null || id.PskEpoch != from.Old.Epoch))
            throw Invalid($"the reinit PSK names epoch {id.PskEpoch}, not the epoch {from.Old.Epoch} that committed a ReInit");
    }

    /// <summary>Whether the lookup of <paramref name="id"/> belongs to the resumed group (and the usage is this join's).</summary>
    public static byte[]? ResolveFor(ResumedFrom? from, PreSharedKeyId id)
    {
        if (!IsReInitOrBranch(id)) return null;
        CheckWelcomePsks([id], from);
        return from!.Old.ResolvePsk(id);
    }

    /// <summary>§11.2 / §11.3: the new group is the one asked for, in epoch 1, with the right members.</summary>
    public static void CheckNewGroup(GroupContext context, RatchetTree tree, ResumedFrom from, GroupOptions options)
    {
        if (context.Epoch != 1) throw Invalid($"a {from.Usage} Welcome is for epoch {context.Epoch}, not 1 (§11)");
        var old = from.Old;
        if (from.Usage == ResumptionPskUsage.ReInit)
        {
            var reinit = old.PendingReInit!;
            if (context.Version != reinit.Version || context.CipherSuite != reinit.CipherSuite || !context.GroupId.AsSpan().SequenceEqual(reinit.GroupId) ||
                !Tls.Serialize<Proposal>(new GroupContextExtensionsProposal(context.Extensions)).AsSpan()
                    .SequenceEqual(Tls.Serialize<Proposal>(new GroupContextExtensionsProposal(reinit.Extensions))))
                throw Invalid("the new group's version, cipher_suite, group_id or extensions differ from the ReInit's (§11.2)");
        }
        else if (context.Version != old.Context.Version || context.CipherSuite != old.Context.CipherSuite)
            throw Invalid("a branch keeps the version and cipher suite of the original group (§11.3)");
        if (!Matches(old, tree.Leaves.Select(l => l.Leaf).ToList(), options, from.Usage == ResumptionPskUsage.ReInit, out var why))
            throw Invalid(why + (from.Usage == ResumptionPskUsage.ReInit ? " (§11.2)" : " (§11.3)"));
    }

    /// <summary>
    /// Every leaf matches a distinct member of <paramref name="old"/> ("identifiers presented by their
    /// credentials are considered equivalent by the application": <see cref="GroupOptions.SameClient"/>);
    /// with <paramref name="all"/>, every member of <paramref name="old"/> is matched too.
    /// </summary>
    private static bool Matches(GroupState old, IReadOnlyList<LeafNode> leaves, GroupOptions options, bool all, out string why)
    {
        var same = options.SameClient ?? GroupOptions.SameCredential;
        var members = old.Tree.Leaves.Select(l => l.Leaf).ToList();
        var used = new bool[members.Count];
        foreach (var leaf in leaves)
        {
            int match = Enumerable.Range(0, members.Count).FirstOrDefault(i => !used[i] && same(members[i], leaf), -1);
            if (match < 0)
            {
                why = $"a member of the new group ({Describe(leaf.Credential)}) matches no remaining member of the original group";
                return false;
            }
            used[match] = true;
        }
        if (all && used.Any(u => !u))
        {
            why = $"the new group has {leaves.Count} members, the reinitialised group {members.Count}: not the same members";
            return false;
        }
        why = "";
        return true;
    }

    private static string Describe(Credential c) =>
        c.Identity is { } identity ? $"{c.CredentialType} credential {Convert.ToHexString(identity)}" : $"{c.CredentialType} credential";

    private static bool IsReInitOrBranch(PreSharedKeyId id) =>
        id.PskType == PskType.Resumption && id.Usage is ResumptionPskUsage.ReInit or ResumptionPskUsage.Branch;

    private static MlsProtocolException Invalid(string message) => new(MlsError.InvalidWelcome, message);
}
