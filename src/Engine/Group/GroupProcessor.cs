using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// Receiving: RFC 9420 §6 unprotect, §12.1 proposals into the cache, §12.4.2 Commit processing,
/// §15 application messages (current epoch and retained past epochs). A pure function of the state
/// and the message: the result carries the next state, the given state is never changed.
/// </summary>
internal static class GroupProcessor
{
    public static ProcessResult Process(GroupState state, MlsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (groupId, epoch) = message.WireFormat switch
        {
            WireFormat.PublicMessage => (message.PublicMessage!.Content.GroupId, message.PublicMessage.Content.Epoch),
            WireFormat.PrivateMessage => (message.PrivateMessage!.GroupId, message.PrivateMessage.Epoch),
            _ => throw new MlsProtocolException(MlsError.UnsupportedWireFormat, $"{message.WireFormat} is not a group message"),
        };
        if (!groupId.AsSpan().SequenceEqual(state.GroupId))
            throw new MlsProtocolException(MlsError.WrongGroup, "message is for another group");

        if (epoch != state.Epoch)
        {
            // §15: only application data of a retained past epoch may arrive late.
            if (message.WireFormat == WireFormat.PrivateMessage && epoch < state.Epoch &&
                message.PrivateMessage!.ContentType == ContentType.Application &&
                state.PastEpochs.FirstOrDefault(p => p.Epoch == epoch) is { } past)
                return ProcessPastApplication(state, past, message.PrivateMessage);
            throw new MlsProtocolException(MlsError.WrongEpoch, $"message is for epoch {epoch}, the group is in epoch {state.Epoch}");
        }

        using var protection = MessageProtection.ForEpoch(state.Context, state.Secrets, state.Options.Padding);
        var unprotected = protection.Unprotect(message, state.SecretTree, content => SignatureKeyOf(state, content));
        var content = unprotected.Content.Content;
        var secretTree = unprotected.UpdatedTree ?? state.SecretTree;

        switch (content.ContentType)
        {
            case ContentType.Application:
                return new ApplicationMessage(content.Sender.LeafIndex, content.ApplicationData!, content.AuthenticatedData, epoch,
                    unprotected.Generation ?? 0, state with { SecretTree = secretTree }) { ReuseGuard = unprotected.ReuseGuard };
            case ContentType.Proposal:
                if (state.IsRemoved) throw new MlsProtocolException(MlsError.WrongEpoch, "we were removed from this group");
                RequireNotReinitialized(state);
                return ReceiveProposal(state with { SecretTree = secretTree }, unprotected.Content);
            default:
                if (state.IsRemoved) throw new MlsProtocolException(MlsError.WrongEpoch, "we were removed from this group");
                RequireNotReinitialized(state);
                return ProcessCommit(state, unprotected.Content, secretTree);
        }
    }

    /// <summary>RFC 9420 §11.2, §12.1.5: a committed ReInit shuts the group down; only late application data is still read.</summary>
    private static void RequireNotReinitialized(GroupState state)
    {
        if (state.PendingReInit is not null)
            throw new MlsProtocolException(MlsError.WrongEpoch, "the group was reinitialised (RFC 9420 §11.2): it takes no more proposals or commits");
    }

    /// <summary>RFC 9420 §6.1: the key each sender type signs with.</summary>
    private static byte[]? SignatureKeyOf(GroupState state, FramedContent content) => content.Sender.SenderType switch
    {
        SenderType.Member => state.Tree.TryGetLeaf(content.Sender.LeafIndex)?.SignatureKey,
        SenderType.External => GroupExtensions.ExternalSenders(state.Context.Extensions) is var senders && content.Sender.SenderIndex < senders.Count
            ? senders[(int)content.Sender.SenderIndex].SignatureKey : null,
        SenderType.NewMemberCommit => content.Commit?.Path?.LeafNode.SignatureKey,
        SenderType.NewMemberProposal => (content.Proposal as AddProposal)?.KeyPackage.LeafNode.SignatureKey,
        _ => null,
    };

    private static ApplicationMessage ProcessPastApplication(GroupState state, PastEpoch past, PrivateMessage message)
    {
        using var protection = new MessageProtection(state.Suite, past.Context, ReadOnlySpan<byte>.Empty, past.SenderDataSecret.Span, state.Options.Padding);
        var unprotected = protection.UnprotectPrivate(message, past.SecretTree,
            SignatureKeys.Members(leaf => past.SignatureKeys.TryGetValue(leaf, out var k) ? k : null));
        var content = unprotected.Content.Content;
        var updated = past with { SecretTree = unprotected.UpdatedTree! };
        var next = state with { PastEpochs = state.PastEpochs.Replace(past, updated) };
        return new ApplicationMessage(content.Sender.LeafIndex, content.ApplicationData!, content.AuthenticatedData, past.Epoch,
            unprotected.Generation ?? 0, next) { ReuseGuard = unprotected.ReuseGuard };
    }

    /// <summary>RFC 9420 §12.1: checks what can be checked of a proposal alone, then caches it by ProposalRef.</summary>
    private static ProposalReceived ReceiveProposal(GroupState state, AuthenticatedContent authenticated)
    {
        var content = authenticated.Content;
        var proposal = content.Proposal!;
        var sender = content.Sender;
        if (sender.SenderType == SenderType.Member && sender.LeafIndex == state.OwnLeafIndex)
            throw new MlsProtocolException(MlsError.InvalidSender, "a proposal of our own came back; it is already cached");
        switch (proposal)
        {
            case UpdateProposal update:
                if (sender.SenderType != SenderType.Member)
                    throw new MlsProtocolException(MlsError.InvalidSender, ValidationRule.ProposalUpdateSender, $"Update from a {sender.SenderType} sender");
                LeafNodeValidator.Validate(update.LeafNode, sender.LeafIndex, state.LeafContext(), state.Tree, LeafNodeSource.Update);
                break;
            case AddProposal add:
                KeyPackageValidation.Validate(state.Suite, add.KeyPackage, state.Now, null);
                break;
            case ExternalInitProposal:
                throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.ProposalExternalInitUse, "ExternalInit may only be sent inline in an external Commit");
        }
        var reference = Tls.Encoded(authenticated, state.Suite, static (suite, bytes) => suite.MakeProposalRef(bytes));
        if (state.FindProposal(reference) is not null)
            throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.ProposalNotReplayed, "proposal already received");
        var next = state with { Proposals = state.Proposals.Add(new CachedProposal(reference, proposal, sender)) };
        return new ProposalReceived(reference, proposal, sender, content.AuthenticatedData, next);
    }

    /// <summary>RFC 9420 §12.4.2 processing a Commit, and §12.4.3.2 for an external one.</summary>
    private static StagedCommit ProcessCommit(GroupState state, AuthenticatedContent authenticated, SecretTree secretTreeAfter)
    {
        var suite = state.Suite;
        var content = authenticated.Content;
        var commit = content.Commit!;
        var sender = content.Sender;
        bool external = sender.SenderType == SenderType.NewMemberCommit;
        if (sender.SenderType == SenderType.Member && sender.LeafIndex == state.OwnLeafIndex)
            throw new MlsProtocolException(MlsError.InvalidSender, "our own Commit: merge its CommitResult instead");

        // Resolve the proposals.
        var resolved = new List<ResolvedProposal>(commit.Proposals.Count);
        foreach (var por in commit.Proposals)
        {
            if (por.Type == ProposalOrRefType.Proposal)
            {
                resolved.Add(new ResolvedProposal(por.Proposal!, null, sender));
                continue;
            }
            if (external) throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.ExternalCommitByValue, "an external Commit references a proposal");
            var cached = state.FindProposal(por.Reference!)
                ?? throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.CommitProposalRefs, "Commit references an unknown proposal");
            foreach (var r in resolved)
                if (r.Ref is { } rr && rr.AsSpan().SequenceEqual(cached.Ref))
                    throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.CommitProposalRefs, "Commit references one proposal twice");
            resolved.Add(new ResolvedProposal(cached.Proposal, cached.Ref, cached.Sender, cached.Own));
        }

        var outcome = ProposalList.ValidateAndApply(state, resolved, sender);
        if (outcome.PathRequired && commit.Path is null)
            throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.CommitPathRequired, "the Commit's proposals require a path");
        if (external && commit.Path is null)
            throw new MlsProtocolException(MlsError.InvalidProposalList, ValidationRule.CommitPathRequired, "an external Commit needs a path");
        // Loops, not LINQ: a Commit is processed for most PairMLS datagrams.
        var applied = new List<AppliedProposal>(resolved.Count);
        foreach (var r in resolved) applied.Add(new AppliedProposal(r.Proposal, r.Ref, r.Sender));
        var addedLeaves = new List<uint>(outcome.Added.Count);
        foreach (var (leaf, _) in outcome.Added) addedLeaves.Add(leaf);

        if (outcome.RemovesUs)
        {
            // §12.4.2: we cannot follow into the next epoch; keep the current one for late messages.
            var removed = state with { IsRemoved = true, Proposals = [], SecretTree = secretTreeAfter };
            return new StagedCommit(removed, sender, sender.LeafIndex, applied, null, true, content.AuthenticatedData, state.Epoch + 1);
        }

        // The committer's leaf: a member's own, or for an external Commit the leftmost blank leaf.
        var tree = outcome.Tree;
        uint committerLeaf = sender.LeafIndex;
        if (external)
        {
            var diff = tree.Stage();
            committerLeaf = diff.LeftmostBlankLeafOrExtend();
            tree = diff.ToTree();
        }

        // A copy of our private tree state (the current state keeps its own), pruned to the tree.
        var priv = outcome.OwnUpdateTaken?.Own is { } own
            ? state.Private.WithLeafPrivateKeyPrunedTo(own.LeafPrivateKey.Span, tree)
            : state.Private.PrunedTo(tree);

        var provisional = state.Context with { Epoch = state.Epoch + 1, Extensions = outcome.Extensions };
        Secret commitSecret;
        RatchetTree newTree;
        if (commit.Path is { } path)
        {
            var leafContext = state.LeafContext(outcome.Extensions);
            var pruned = priv;
            try
            {
                var processed = TreeKem.ProcessUpdatePath(tree, pruned, committerLeaf, path, provisional, addedLeaves, leafContext);
                var oldLeaf = external ? (outcome.ExternalResyncRemoved is { } r ? state.Tree.GetLeaf(r) : null) : tree.GetLeaf(committerLeaf);
                state.Options.Authenticate(oldLeaf, path.LeafNode, committerLeaf, new LeafChangeContext(LeafChangeKind.Commit, state.Context));
                newTree = processed.Tree;
                priv = processed.Private;
                commitSecret = processed.CommitSecret;
                processed.PathSecret.Clear();
            }
            // The path's result is a copy of its own: the pruned copy it started from is zeroed, not left to the collector.
            finally { pruned.Clear(); }
        }
        else
        {
            newTree = tree;
            commitSecret = Secret.Zero(suite.HashLength);
        }

        // §8.2 transcript hashes and the new GroupContext.
        var confirmed = authenticated.ConfirmedTranscriptHash(suite, state.InterimTranscriptHash);
        var newContext = provisional with { TreeHash = newTree.TreeHash(), ConfirmedTranscriptHash = confirmed };

        // §8 key schedule: init_secret (or the external one), commit_secret, psk_secret.
        using var pskSecret = ProposalList.PskSecretOf(state, outcome.Psks);
        // A member's init_secret is read in place (this epoch's state keeps it); an external one is made and cleared here.
        using var externalInitSecret = external ? ExternalInitSecret(state, outcome.ExternalInit!) : null;
        var initSecret = externalInitSecret ?? state.Secrets.InitSecret;
        using var schedule = KeySchedule.Advance(suite, initSecret.Span, commitSecret.Span, pskSecret.Span, Tls.Serialize(newContext));
        commitSecret.Clear();

        // §6.1 the confirmation tag, constant time.
        var tag = authenticated.Auth.ConfirmationTag!;
        if (!TranscriptHash.VerifyConfirmationTag(suite, schedule.Secrets.ConfirmationKey.Span, confirmed, tag))
            throw new MlsProtocolException(MlsError.BadConfirmationTag, "confirmation_tag does not verify");
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, confirmed, tag);

        var next = GroupTransitions.NextEpoch(state, secretTreeAfter, newContext, newTree, priv, schedule.TakeSecrets(), tag, interim);
        // Without a ReInit (most Commits) the state NextEpoch made is the one: no copy for its PendingReInit.
        if (!ReferenceEquals(next.PendingReInit, outcome.ReInit)) next = next with { PendingReInit = outcome.ReInit };
        // Our Update that was taken changed our signature_key: sign with its private key from now on.
        if (outcome.OwnUpdateTaken?.Own?.SignaturePrivateKey is { } newSignatureKey)
            next = next with { SignaturePrivateKey = newSignatureKey.Clone() };
        return new StagedCommit(next, sender, committerLeaf, applied, outcome.OwnUpdateTaken?.Ref, false, content.AuthenticatedData, newContext.Epoch)
        {
            AddedLeaves = addedLeaves,
        };
    }

    /// <summary>RFC 9420 §8.3: the group's side of the external init, via HPKE export with the external key pair.</summary>
    private static Secret ExternalInitSecret(GroupState state, ExternalInitProposal externalInit)
    {
        var pair = state.Secrets.ExternalKeyPair();
        try
        {
            using var context = state.Suite.Hpke.SetupBaseReceiver(externalInit.KemOutput, pair.PrivateKey, ReadOnlySpan<byte>.Empty);
            return new Secret(context.Export("MLS 1.0 external init secret"u8, state.Suite.HashLength));
        }
        finally { pair.Clear(); }
    }
}
