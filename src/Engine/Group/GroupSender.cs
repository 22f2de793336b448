using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// Sending: proposals (RFC 9420 §12.1), Commits (§12.4.1) with their Welcome (§12.4.3.1) and
/// GroupInfo (§12.4.3), and application messages (§15). Each returns the message and the state
/// after sending (a PrivateMessage consumes a ratchet key); the given state is never changed.
/// </summary>
internal static class GroupSender
{
    public static (MlsMessage Message, GroupState State) EncryptApplication(GroupState state, ReadOnlySpan<byte> data,
        byte[] authenticatedData, IRandomSource random)
    {
        RequireActive(state);
        var content = FramedContent.OfApplication(state.GroupId, state.Epoch, Sender.Member(state.OwnLeafIndex), authenticatedData, data.ToArray());
        return Protect(state, content, WireFormat.PrivateMessage, random, null);
    }

    /// <summary>Sends <paramref name="proposal"/> and caches it under its ProposalRef.</summary>
    public static (MlsMessage Message, GroupState State, byte[] Ref) Propose(GroupState state, Proposal proposal, byte[] authenticatedData,
        IRandomSource random, OwnUpdate? own = null)
    {
        RequireActive(state);
        var content = FramedContent.OfProposal(state.GroupId, state.Epoch, Sender.Member(state.OwnLeafIndex), authenticatedData, proposal);
        var wireFormat = state.Options.HandshakeWireFormat;
        var authenticated = ContentAuthentication.SignContent(state.Suite, content, wireFormat, state.Context, state.SignaturePrivateKey);
        var reference = Tls.Encoded(authenticated, state.Suite, static (suite, bytes) => suite.MakeProposalRef(bytes));
        // Deterministic signatures make a repeated proposal byte-identical: receivers would take it for a replay.
        if (state.FindProposal(reference) is not null)
            throw new InvalidOperationException("an identical proposal is already pending in this epoch");
        var (message, next) = ProtectSigned(state, authenticated, random);
        next = next with { Proposals = next.Proposals.Add(new CachedProposal(reference, proposal, content.Sender, own)) };
        return (message, next, reference);
    }

    /// <summary>RFC 9420 §12.1.2: an Update with a fresh HPKE key (and optionally new credential/capabilities/extensions).</summary>
    /// <remarks>With <paramref name="newSignaturePrivateKey"/> the new leaf has a new signature_key
    /// (<paramref name="parts"/>' SignatureKey) and is signed with it (§7.3 verifies a leaf with its own
    /// key); the proposal itself is still signed with the current key (§6.1).</remarks>
    public static (UpdateProposal Proposal, OwnUpdate Own) MakeUpdate(GroupState state, LeafNodeTemplate? parts, IRandomSource random,
        byte[]? newSignaturePrivateKey = null)
    {
        var current = state.OwnLeaf;
        var template = parts ?? LeafNodeTemplate.From(current);
        var signingKey = LeafSigningKey(state, template, newSignaturePrivateKey);
        var keys = state.Suite.Kem.GenerateKeyPair(random);
        var unsigned = new LeafNode(keys.PublicKey, template.SignatureKey, template.Credential, template.Capabilities,
            LeafNodeSource.Update, null, null, template.Extensions, []);
        var leaf = LeafNodeSignature.Sign(state.Suite, unsigned, signingKey, state.GroupId, state.OwnLeafIndex);
        return (new UpdateProposal(leaf), new OwnUpdate(new Secret(keys.PrivateKey), leaf,
            newSignaturePrivateKey is null ? null : signingKey));
    }

    /// <summary>The key a new leaf of ours is signed with: the current one (no copy: its parsed key is
    /// kept with it), or a new secret holding a copy of a new one whose public half the template names.</summary>
    private static Secret LeafSigningKey(GroupState state, LeafNodeTemplate template, byte[]? newSignaturePrivateKey)
    {
        if (newSignaturePrivateKey is null) return state.SignaturePrivateKey;
        var secret = new Secret((byte[])newSignaturePrivateKey.Clone());
        if (!state.Suite.SigningKeyOf(secret).HasPublicKey(template.SignatureKey))
        {
            secret.Clear();
            throw new ArgumentException("the new signature private key is not the one behind the new leaf's signature_key");
        }
        return secret;
    }

    /// <summary>RFC 9420 §12.4.1 creating a Commit. <paramref name="resumption"/>: only for the initial Commit of a group
    /// made by ReInit or branch (§11.2, §11.3), the resumption PSK it injects (inline, and named by the Welcome).</summary>
    public static (CommitResult Result, GroupState StateAfterSending) Commit(GroupState state, CommitOptions options, IRandomSource random,
        ResumptionPsk? resumption = null)
    {
        RequireActive(state);
        var suite = state.Suite;
        var me = Sender.Member(state.OwnLeafIndex);
        foreach (var p in options.InlineProposals)
        {
            if (p is UpdateProposal) throw new ArgumentException("the committer cannot cover an Update of its own: use a path (NewLeaf)");
            if (p is ExternalInitProposal) throw new ArgumentException("ExternalInit belongs to external Commits only");
        }
        // Loops instead of LINQ chains here and below: a Commit is made for most PairMLS datagrams.
        var inline = new List<ResolvedProposal>(options.InlineProposals.Count);
        foreach (var p in options.InlineProposals) inline.Add(new ResolvedProposal(p, null, me));
        if (resumption is not null) inline.Add(new ResolvedProposal(new PreSharedKeyProposal(resumption.Id), null, me));
        var (byRef, outcome) = ChooseProposals(state, inline, options.ProposalRefs, me, resumption?.Id.Usage);
        var proposals = Concat(byRef, inline);

        bool path = options.ForcePath || options.NewLeaf is not null || outcome.PathRequired;
        var provisional = state.Context with { Epoch = state.Epoch + 1, Extensions = outcome.Extensions };
        var joiners = new List<uint>(outcome.Added.Count);
        foreach (var (leaf, _) in outcome.Added) joiners.Add(leaf);
        RatchetTree newTree;
        TreeKemPrivate priv;
        Secret commitSecret;
        UpdatePathCreated? created = null;
        Secret? signingKeyUsed = null;
        if (path)
        {
            var template = options.NewLeaf ?? LeafNodeTemplate.From(state.OwnLeaf);
            var signingKey = signingKeyUsed = LeafSigningKey(state, template, options.NewSignaturePrivateKey);
            created = TreeKem.CreateUpdatePath(outcome.Tree, state.OwnLeafIndex, template, signingKey, provisional, joiners, random);
            // Our own new leaf must pass what every receiver will check (§7.3, the AS). Its signature is
            // valid by construction when the key that made it is the one the leaf names (a new key was
            // checked by LeafSigningKey; the current one is our leaf's), so only the rest is checked.
            bool signedWithOwnKey = options.NewSignaturePrivateKey is not null || template.SignatureKey.AsSpan().SequenceEqual(state.OwnLeaf.SignatureKey);
            LeafNodeValidator.Validate(created.UpdatePath.LeafNode, state.OwnLeafIndex, state.LeafContext(outcome.Extensions), outcome.Tree,
                LeafNodeSource.Commit, signatureVerified: signedWithOwnKey);
            state.Options.Authenticate(state.OwnLeaf, created.UpdatePath.LeafNode, state.OwnLeafIndex,
                new LeafChangeContext(LeafChangeKind.Commit, state.Context));
            newTree = created.Tree;
            priv = created.Private;
            commitSecret = created.CommitSecret;
        }
        else
        {
            newTree = outcome.Tree;
            priv = state.Private.PrunedTo(newTree);
            commitSecret = Secret.Zero(suite.HashLength);
        }

        // §6.1 sign under the current context; §8.2 the confirmed transcript hash covers the signature.
        var covered = new List<ProposalOrRef>(proposals.Count);
        foreach (var p in proposals) covered.Add(p.Ref is { } r ? ProposalOrRef.ByReference(r) : ProposalOrRef.Inline(p.Proposal));
        var commit = new Commit(covered, created?.UpdatePath);
        var wireFormat = state.Options.HandshakeWireFormat;
        var content = FramedContent.OfCommit(state.GroupId, state.Epoch, me, options.AuthenticatedData, commit);
        var signature = ContentAuthentication.Sign(suite, content, wireFormat, state.Context, state.SignaturePrivateKey);
        var unconfirmed = new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, []));
        var confirmed = unconfirmed.ConfirmedTranscriptHash(suite, state.InterimTranscriptHash);
        var newContext = provisional with { TreeHash = newTree.TreeHash(), ConfirmedTranscriptHash = confirmed };

        using var pskSecret = ProposalList.PskSecretOf(state, outcome.Psks, resumption);
        using var schedule = KeySchedule.Advance(suite, state.Secrets.InitSecret.Span, commitSecret.Span, pskSecret.Span, Tls.Serialize(newContext));
        commitSecret.Clear();
        var tag = TranscriptHash.ConfirmationTag(suite, schedule.Secrets.ConfirmationKey.Span, confirmed);
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, confirmed, tag);
        var authenticated = unconfirmed with { Auth = new FramedContentAuthData(signature, tag) };
        var (message, afterSending) = ProtectSigned(state, authenticated, random);

        var secrets = schedule.TakeSecrets();
        var next = GroupTransitions.NextEpoch(afterSending, afterSending.SecretTree, newContext, newTree, priv, secrets, tag, interim);
        // Without a ReInit (most Commits) the state NextEpoch made is the one: no copy for its PendingReInit.
        if (!ReferenceEquals(next.PendingReInit, outcome.ReInit)) next = next with { PendingReInit = outcome.ReInit };
        // A new signature_key in our path leaf: the new epoch signs with its private key.
        // (the secret LeafSigningKey made for it, its parsed key already attached).
        if (path && options.NewSignaturePrivateKey is not null && signingKeyUsed is not null) next = next with { SignaturePrivateKey = signingKeyUsed };

        bool withTree = options.RatchetTreeInWelcome ?? state.Options.RatchetTreeInWelcome;
        var groupInfo = new Lazy<GroupInfo>(() => SignGroupInfo(next, withTree), LazyThreadSafetyMode.ExecutionAndPublication);
        MlsMessage? welcome = null;
        if (outcome.Added.Count > 0)
        {
            var recipients = outcome.Added.Select(a => new WelcomeRecipient(a.KeyPackage,
                created is null ? null : new PathSecret(created.PathSecretForJoiner(a.Leaf).ToArray()))).ToList();
            welcome = MlsMessage.From(WelcomeProtection.Create(suite, schedule.JoinerSecret.Span, pskSecret.Span, outcome.Psks,
                groupInfo.Value, recipients, random));
        }
        if (created is not null) foreach (var s in created.PathSecrets.Values) s.Clear();

        var applied = new List<AppliedProposal>(proposals.Count);
        foreach (var p in proposals) applied.Add(new AppliedProposal(p.Proposal, p.Ref, p.Sender));
        var staged = new StagedCommit(next, me, state.OwnLeafIndex, applied, null, false, options.AuthenticatedData, newContext.Epoch)
        {
            AddedLeaves = joiners,
        };
        var groupInfoForResult = withTree ? groupInfo : new Lazy<GroupInfo>(() => SignGroupInfo(next, false), LazyThreadSafetyMode.ExecutionAndPublication);
        return (new CommitResult(message, welcome, groupInfoForResult, staged), afterSending);
    }

    /// <summary>RFC 9420 §12.4.3: the signed GroupInfo of <paramref name="state"/>'s epoch, with
    /// external_pub (if enabled) and optionally the ratchet_tree extension.</summary>
    public static GroupInfo SignGroupInfo(GroupState state, bool withRatchetTree)
    {
        var extensions = new List<Extension>();
        if (withRatchetTree) extensions.Add(new Extension(Extension.RatchetTree, state.Tree.Encode()));
        if (state.Options.ExternalPubInGroupInfo) extensions.Add(GroupExtensions.MakeExternalPub(state.Secrets.ExternalPublicKey()));
        var unsigned = new GroupInfo(state.Context, extensions, state.ConfirmationTag, state.OwnLeafIndex, []);
        return GroupInfoSignature.Sign(state.Suite, unsigned, state.SignaturePrivateKey.Span);
    }

    /// <summary>
    /// The cached proposals to cover by reference. Explicit refs must all be cached and valid together;
    /// by default every cached proposal (except our own Updates) that keeps the list valid is taken,
    /// Removes first (§12.2 "SHOULD prefer any Remove received, or the most recent Update").
    /// </summary>
    private static (List<ResolvedProposal> ByRef, ProposalListOutcome Outcome) ChooseProposals(GroupState state,
        List<ResolvedProposal> inline, IReadOnlyList<byte[]>? refs, Sender me, ResumptionPskUsage? resumption)
    {
        if (refs is not null)
        {
            var chosen = new List<ResolvedProposal>(refs.Count);
            foreach (var r in refs)
                chosen.Add(state.FindProposal(r) is { } c
                    ? new ResolvedProposal(c.Proposal, c.Ref, c.Sender, c.Own)
                    : throw new ArgumentException($"proposal {Convert.ToHexString(r)} is not cached"));
            return (chosen, ProposalList.ValidateAndApply(state, Concat(chosen, inline), me, resumption));
        }

        var candidates = state.Proposals.Where(c => !(c.Sender.SenderType == SenderType.Member && c.Sender.LeafIndex == state.OwnLeafIndex && c.Proposal is UpdateProposal))
            .Select((c, i) => (C: c, Index: i))
            .OrderBy(x => x.C.Proposal switch { RemoveProposal => 0, UpdateProposal => 1, _ => 2 })
            .ThenBy(x => x.C.Proposal is UpdateProposal ? -x.Index : x.Index)
            .ToList();
        // §12.2 chosen with the list rules themselves (no exception as a probe): a candidate that would
        // break them is left out; the chosen list is then applied (and judged in full) once.
        var taken = new List<(CachedProposal C, int Index)>();
        foreach (var candidate in candidates)
        {
            var trial = taken.Append(candidate).OrderBy(x => x.Index).Select(x => Resolve(x.C)).Concat(inline).ToList();
            if (ProposalList.ListRuleViolation(state, trial, me, resumption, out _) is null) taken.Add(candidate);
        }
        var byRef = taken.OrderBy(x => x.Index).Select(x => Resolve(x.C)).ToList();
        return (byRef, ProposalList.ValidateAndApply(state, byRef.Concat(inline).ToList(), me, resumption));
    }

    private static ResolvedProposal Resolve(CachedProposal c) => new(c.Proposal, c.Ref, c.Sender, c.Own);

    /// <summary><paramref name="first"/> then <paramref name="second"/>: <paramref name="first"/> itself when <paramref name="second"/> is empty (neither is changed afterwards).</summary>
    private static List<ResolvedProposal> Concat(List<ResolvedProposal> first, List<ResolvedProposal> second)
    {
        if (second.Count == 0) return first;
        var all = new List<ResolvedProposal>(first.Count + second.Count);
        all.AddRange(first);
        all.AddRange(second);
        return all;
    }

    private static (MlsMessage, GroupState) Protect(GroupState state, FramedContent content, WireFormat wireFormat, IRandomSource random,
        byte[]? confirmationTag)
    {
        var authenticated = ContentAuthentication.SignContent(state.Suite, content, wireFormat, state.Context, state.SignaturePrivateKey, confirmationTag);
        return ProtectSigned(state, authenticated, random);
    }

    /// <summary>Wraps signed content for its wire format; a PrivateMessage consumes a key on a copy of the secret tree.</summary>
    private static (MlsMessage, GroupState) ProtectSigned(GroupState state, AuthenticatedContent authenticated, IRandomSource random)
    {
        using var protection = MessageProtection.ForEpoch(state.Context, state.Secrets, state.Options.Padding);
        if (authenticated.WireFormat == WireFormat.PublicMessage)
            return (MlsMessage.From(protection.ProtectPublic(authenticated)), state);
        var tree = state.SecretTree.Clone();
        var message = protection.ProtectPrivate(authenticated, tree, random);
        return (MlsMessage.From(message), state with { SecretTree = tree });
    }

    private static void RequireActive(GroupState state)
    {
        if (state.IsRemoved) throw new InvalidOperationException("we were removed from this group");
        if (state.PendingReInit is not null) throw new InvalidOperationException("the group was reinitialized (RFC 9420 §11.2): it cannot send");
    }
}
