using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>A proposal of a Commit with its origin: its ref (null inline), its sender, and for our own Update its private part.</summary>
internal sealed record ResolvedProposal(Proposal Proposal, byte[]? Ref, Sender Sender, OwnUpdate? Own = null);

/// <summary>The result of validating and applying a proposal list (RFC 9420 §12.2, §12.3) to a state.</summary>
internal sealed record ProposalListOutcome(
    RatchetTree Tree,
    IReadOnlyList<Extension> Extensions,
    IReadOnlyList<(uint Leaf, KeyPackage KeyPackage)> Added,
    IReadOnlyList<PreSharedKeyId> Psks,
    ExternalInitProposal? ExternalInit,
    ReInitProposal? ReInit,
    bool PathRequired,
    bool RemovesUs,
    ResolvedProposal? OwnUpdateTaken,
    uint? ExternalResyncRemoved);

/// <summary>
/// RFC 9420 §12.2 proposal list validation and §12.3 application, shared by the committer and the
/// members processing the Commit, so both sides judge a list identically. Nothing passed in is
/// changed: the tree is staged on a diff. Failures are <see cref="MlsProtocolException"/>
/// (<see cref="MlsError.InvalidProposalList"/> for list rules; leaf, KeyPackage and PSK errors keep their own reason).
/// </summary>
internal static class ProposalList
{
    /// <summary>Validates <paramref name="proposals"/> as covered by a Commit from <paramref name="committer"/> and applies them.</summary>
    /// <remarks><paramref name="resumption"/> is set only for the initial Commit of a group made by ReInit or branch
    /// (RFC 9420 §11.2, §11.3): that one Commit may carry one resumption PSK of that usage; every other list may not.</remarks>
    public static ProposalListOutcome ValidateAndApply(GroupState state, IReadOnlyList<ResolvedProposal> proposals, Sender committer,
        ResumptionPskUsage? resumption = null)
    {
        // ---- §6.1, §12.1, §12.2 list rules
        if (ListRuleViolation(state, proposals, committer, resumption, out var shape) is { } violation)
            throw violation.ToException();
        bool external = committer.SenderType == SenderType.NewMemberCommit;
        var suite = state.Suite;
        var tree = state.Tree;
        var (gce, reinit, externalInit) = shape;

        // ---- §12.3 application, in the RFC's order
        var extensions = gce?.Extensions ?? state.Context.Extensions;
        if (gce is not null)
        {
            GroupExtensions.RequiredCapabilities(extensions);   // well-formed
            GroupExtensions.ExternalSenders(extensions);
        }
        var leafContext = state.LeafContext(extensions);
        var diff = tree.Stage();
        ResolvedProposal? ownUpdate = null;

        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (p.Proposal is not UpdateProposal update) continue;
            uint leaf = p.Sender.LeafIndex;
            // An Update by reference was cached (§12.1): its leaf's signature at this leaf index was
            // verified on receipt (GroupProcessor.ReceiveProposal), or it is ours, signed with the leaf's key.
            LeafNodeValidator.Validate(update.LeafNode, leaf, leafContext, tree, LeafNodeSource.Update, signatureVerified: p.Ref is not null);
            state.Options.Authenticate(tree.GetLeaf(leaf), update.LeafNode, leaf, new LeafChangeContext(LeafChangeKind.Update, state.Context));
            diff.UpdateLeaf(leaf, update.LeafNode);
            if (leaf == state.OwnLeafIndex)
            {
                if (p.Own is null || !(ReferenceEquals(p.Own.LeafNode, update.LeafNode) || Tls.SameEncoding(p.Own.LeafNode, update.LeafNode)))
                    // Only our own cached Updates can name our leaf (§12.2 refuses an Update by the committer,
                    // and one of ours received back is refused on receipt), and each keeps its key: a bug.
                    throw new MlsInternalException("a Commit takes an Update of our leaf we hold no key for");
                ownUpdate = p;
            }
        }

        bool removesUs = false;
        uint? resyncRemoved = null;
        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (p.Proposal is not RemoveProposal rm) continue;
            diff.RemoveLeaf(rm.Removed);
            if (rm.Removed == state.OwnLeafIndex && !external) removesUs = true;
            if (external) resyncRemoved = rm.Removed;
        }

        var added = new List<(uint, KeyPackage)>();
        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (p.Proposal is not AddProposal add) continue;
            var kp = add.KeyPackage;
            KeyPackageValidation.Validate(suite, kp, state.Now, null);
            // §7.3 against the members so far (removed ones are gone; earlier Adds count): this also
            // rejects an Add of a client already in the group and two Adds of one client (same keys).
            var current = diff.ToTree();
            LeafNodeValidator.Validate(kp.LeafNode, null, leafContext, current, LeafNodeSource.KeyPackage);
            uint index = diff.LeftmostBlankLeafOrExtend();
            state.Options.Authenticate(null, kp.LeafNode, index, new LeafChangeContext(LeafChangeKind.Add, state.Context));
            diff.AddLeaf(kp.LeafNode);
            added.Add((index, kp));
        }

        var newTree = diff.ToTree();
        if (gce is not null) CheckExtensionsSupported(newTree, extensions);

        // Loops, not LINQ chains: this runs for every Commit sent and received.
        var psks = new List<PreSharedKeyId>(0);
        bool pathRequired = proposals.Count == 0;
        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (p.Proposal is PreSharedKeyProposal psk) psks.Add(psk.Psk);
            pathRequired |= p.Proposal.ProposalType is
                ProposalType.Update or ProposalType.Remove or ProposalType.ExternalInit or ProposalType.GroupContextExtensions;
        }
        return new ProposalListOutcome(newTree, extensions, added, psks, externalInit, reinit, pathRequired, removesUs, ownUpdate, resyncRemoved);
    }

    /// <summary>The shape of a proposal list that passed the §12.2 list rules.</summary>
    internal sealed record ListShape(GroupContextExtensionsProposal? Gce, ReInitProposal? ReInit, ExternalInitProposal? ExternalInit)
    {
        /// <summary>No GroupContextExtensions, ReInit or ExternalInit (most lists, and the shape of a broken one).</summary>
        public static readonly ListShape None = new(null, null, null);
    }

    /// <summary>
    /// The rules about a proposal list as a whole, each a named <see cref="ValidationRule"/>: the sender
    /// may commit (§6.1), each proposal is valid on its own as far as the list can tell (§12.1: Update
    /// sender, Remove target, PSK id and availability, ReInit version, ExternalInit use) and the list
    /// rules of §12.2 for a regular or an external Commit. Null when <paramref name="proposals"/>
    /// passes, else the first rule broken. It throws for no list, so the committer chooses among cached
    /// proposals with it (no exception as a probe); the members processing a Commit and the committer
    /// then apply the chosen list with <see cref="ValidateAndApply"/>, which calls it first. Leaf,
    /// KeyPackage and extension-support rules are checked as the list is applied.
    /// </summary>
    // Index loops over the proposal lists below: a foreach over IReadOnlyList boxes an enumerator each time.
    internal static RuleBreach? ListRuleViolation(GroupState state, IReadOnlyList<ResolvedProposal> proposals, Sender committer,
        ResumptionPskUsage? resumption, out ListShape shape)
    {
        shape = ListShape.None;
        bool external = committer.SenderType == SenderType.NewMemberCommit;
        if (!external && committer.SenderType != SenderType.Member)
            return new(MlsError.InvalidSender, ValidationRule.CommitSender, $"a {committer.SenderType} sender cannot commit");
        uint? committerLeaf = external ? null : committer.LeafIndex;
        var tree = state.Tree;
        GroupContextExtensionsProposal? gce = null;
        ReInitProposal? reinit = null;
        ExternalInitProposal? externalInit = null;
        int removes = 0;
        // Made when a proposal needs them (most lists hold one Update and no PSK).
        HashSet<uint>? touched = null;
        HashSet<string>? pskIds = null;
        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (ProposalViolation(state, p, committerLeaf, external, resumption, ref touched, ref pskIds) is { } breach) return breach;
            switch (p.Proposal)
            {
                case ExternalInitProposal ei:
                    if (externalInit is not null)
                        return new(MlsError.InvalidProposalList, ValidationRule.ExternalCommitOneExternalInit, "more than one ExternalInit");
                    externalInit = ei;
                    break;
                case ReInitProposal r: reinit = r; break;
                case GroupContextExtensionsProposal g:
                    if (gce is not null)
                        return new(MlsError.InvalidProposalList, ValidationRule.ProposalListOneGroupContextExtensions, "more than one GroupContextExtensions");
                    gce = g;
                    break;
                case RemoveProposal: removes++; break;
            }
        }
        if (reinit is not null && proposals.Count > 1)
            return new(MlsError.InvalidProposalList, ValidationRule.ProposalListReInitAlone, "ReInit together with other proposals");
        if (external && externalInit is null)
            return new(MlsError.InvalidProposalList, ValidationRule.ExternalCommitOneExternalInit, "an external Commit needs exactly one ExternalInit");
        if (external && removes > 1)
            return new(MlsError.InvalidProposalList, ValidationRule.ExternalCommitOneRemove, "an external Commit removes at most one leaf");
        if (AddViolation(tree, proposals) is { } addBreach) return addBreach;
        shape = gce is null && reinit is null && externalInit is null ? ListShape.None : new ListShape(gce, reinit, externalInit);
        return null;
    }

    /// <summary>The rules one proposal of the list breaks, given the committer and the leaves and PSK ids seen so far.</summary>
    private static RuleBreach? ProposalViolation(GroupState state, ResolvedProposal p, uint? committerLeaf, bool external,
        ResumptionPskUsage? resumption, ref HashSet<uint>? touched, ref HashSet<string>? pskIds)
    {
        var tree = state.Tree;
        static RuleBreach Invalid(ValidationRule rule, string why) => new(MlsError.InvalidProposalList, rule, why);
        // §12.2: an external Commit holds only ExternalInit, Remove and PreSharedKey proposals.
        if (external && p.Proposal is not (ExternalInitProposal or RemoveProposal or PreSharedKeyProposal))
            return Invalid(ValidationRule.ExternalCommitProposalTypes, $"{p.Proposal.ProposalType} in an external Commit");
        switch (p.Proposal)
        {
            case ExternalInitProposal when !external:
                return Invalid(ValidationRule.ProposalExternalInitUse, "ExternalInit in a regular Commit");
            case ReInitProposal r when r.Version < state.Context.Version:
                return Invalid(ValidationRule.ProposalReInitVersion, "ReInit to an older protocol version");
            case UpdateProposal:
                if (p.Sender.SenderType != SenderType.Member)
                    return Invalid(ValidationRule.ProposalUpdateSender, $"Update from a {p.Sender.SenderType} sender");
                if (p.Sender.LeafIndex == committerLeaf)
                    return Invalid(ValidationRule.ProposalListCommitterUpdate, "Update proposal generated by the committer");
                if (tree.TryGetLeaf(p.Sender.LeafIndex) is null)
                    return Invalid(ValidationRule.ProposalUpdateSender, $"Update from blank leaf {p.Sender.LeafIndex}");
                if (!(touched ??= []).Add(p.Sender.LeafIndex))
                    return Invalid(ValidationRule.ProposalListOneChangePerLeaf, $"several Update/Remove proposals for leaf {p.Sender.LeafIndex}");
                return null;
            case RemoveProposal rm:
                if (rm.Removed == committerLeaf) return Invalid(ValidationRule.ProposalListCommitterRemove, "Remove of the committer");
                if (tree.TryGetLeaf(rm.Removed) is null) return Invalid(ValidationRule.ProposalRemoveTarget, $"Remove of blank or absent leaf {rm.Removed}");
                if (!(touched ??= []).Add(rm.Removed))
                    return Invalid(ValidationRule.ProposalListOneChangePerLeaf, $"several Update/Remove proposals for leaf {rm.Removed}");
                return null;
            case PreSharedKeyProposal psk:
                if (PskIdViolation(state, psk.Psk, resumption) is { } pskBreach) return pskBreach;
                if (!(pskIds ??= []).Add(Convert.ToHexString(Tls.Serialize(psk.Psk))))
                    return Invalid(ValidationRule.ProposalListPskIdsDistinct, "the same PreSharedKeyID twice");
                // The resumed group's own reinit/branch PSK is given to its initial Commit, not resolved (§11.2, §11.3).
                bool given = resumption is not null && psk.Psk.Usage == resumption;
                if (!given && state.ResolvePsk(psk.Psk) is null)
                    return new(MlsError.MissingKey, ValidationRule.ProposalPskAvailable, $"PSK ({psk.Psk.PskType}) named by a PreSharedKey proposal is not available");
                return null;
            default:
                // Add, GroupContextExtensions, ReInit, ExternalInit: judged as the list is applied. §12.2's rule
                // on unsupported non-default proposal types holds at decoding: no other type decodes (Proposal is closed).
                return null;
        }
    }

    /// <summary>§12.2: no two Adds of one client, no Add of a client still in the group after the list's
    /// Removes and Updates (the application's notion of a client: its signature key).</summary>
    private static RuleBreach? AddViolation(RatchetTree tree, IReadOnlyList<ResolvedProposal> proposals)
    {
        bool anyAdd = false;
        for (int i = 0; i < proposals.Count; i++) anyAdd |= proposals[i].Proposal is AddProposal;
        if (!anyAdd) return null;
        var inGroup = new HashSet<string>();
        foreach (var (i, leaf) in tree.Leaves)
        {
            if (proposals.Any(p => p.Proposal is RemoveProposal rm && rm.Removed == i)) continue;
            var update = proposals.FirstOrDefault(p => p.Proposal is UpdateProposal && p.Sender.LeafIndex == i)?.Proposal as UpdateProposal;
            inGroup.Add(Convert.ToHexString((update?.LeafNode ?? leaf).SignatureKey));
        }
        var addKeys = new HashSet<string>();
        for (int i = 0; i < proposals.Count; i++)
        {
            var p = proposals[i];
            if (p.Proposal is not AddProposal add) continue;
            var key = Convert.ToHexString(add.KeyPackage.LeafNode.SignatureKey);
            if (!addKeys.Add(key)) return new(MlsError.InvalidProposalList, ValidationRule.ProposalListAddsDistinct, "two Add proposals for the same client");
            if (inGroup.Contains(key)) return new(MlsError.InvalidProposalList, ValidationRule.ProposalListAddOfMember, "Add of a client already in the group");
        }
        return null;
    }

    /// <summary><see cref="ValidationRule.ProposalPskNonce"/> (psk_nonce of Nh bytes) and <see cref="ValidationRule.ProposalPskUsage"/>
    /// (§11.2, §11.3: a resumption PSK in a Commit has usage application, except the one reinit/branch PSK of a resumed group's initial Commit).</summary>
    private static RuleBreach? PskIdViolation(GroupState state, PreSharedKeyId id, ResumptionPskUsage? resumption)
    {
        if (id.PskNonce.Length != state.Suite.HashLength)
            return new(MlsError.InvalidProposalList, ValidationRule.ProposalPskNonce, $"psk_nonce of {id.PskNonce.Length} bytes, not {state.Suite.HashLength}");
        if (id.PskType == PskType.Resumption && id.Usage != ResumptionPskUsage.Application && id.Usage != resumption)
            return new(MlsError.InvalidProposalList, ValidationRule.ProposalPskUsage, $"resumption PSK with usage {id.Usage} in a Commit");
        return null;
    }

    /// <summary><see cref="ValidationRule.GroupExtensionsSupported"/>: every member supports every non-default extension and the required capabilities.</summary>
    private static void CheckExtensionsSupported(RatchetTree tree, IReadOnlyList<Extension> extensions)
    {
        var required = GroupExtensions.RequiredCapabilities(extensions);
        foreach (var (i, leaf) in tree.Leaves)
        {
            foreach (var e in extensions)
                if (!ValidationRules.IsDefaultExtension(e.ExtensionType) && !leaf.Capabilities.Extensions.Contains(e.ExtensionType))
                    throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.GroupExtensionsSupported,
                        $"leaf {i} does not support GroupContext extension 0x{e.ExtensionType:x4}");
            if (ValidationRules.MissingRequiredCapability(leaf.Capabilities, required) is { } why)
                throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.GroupExtensionsSupported, $"leaf {i}: {why}");
        }
    }

    /// <summary>RFC 9420 §8.4 psk_secret over <paramref name="psks"/> in order; a missing PSK is <see cref="MlsError.MissingKey"/>.</summary>
    public static Secret PskSecretOf(GroupState state, IReadOnlyList<PreSharedKeyId> psks, ResumptionPsk? resumption = null)
    {
        var inputs = new List<(byte[], byte[])>(psks.Count);
        foreach (var id in psks)
        {
            var psk = (resumption is not null && resumption.Names(id) ? resumption.Psk.ToArray() : null) ?? state.ResolvePsk(id)
                ?? throw new MlsProtocolException(MlsError.MissingKey, ValidationRule.ProposalPskAvailable, $"PSK ({id.PskType}) named by a PreSharedKey proposal is not available");
            inputs.Add((Tls.Serialize(id), psk));
        }
        return PskSecret.Compute(state.Suite, inputs);
    }
}
