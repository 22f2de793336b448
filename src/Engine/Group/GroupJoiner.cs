using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// Becoming a member: creating a group (RFC 9420 §11), joining with a Welcome (§12.4.3.1), joining
/// with an external Commit (§12.4.3.2). Each returns the first <see cref="GroupState"/>.
/// </summary>
internal static class GroupJoiner
{
    /// <summary>RFC 9420 §11: a one-member group in epoch 0 with a fresh epoch secret.</summary>
    public static GroupState Create(CipherSuite suite, byte[] groupId, KeyPair signatureKey, Credential credential, IRandomSource random,
        GroupOptions options, Capabilities? capabilities, IReadOnlyList<Extension>? leafExtensions, IReadOnlyList<Extension>? groupContextExtensions)
    {
        var keys = suite.Kem.GenerateKeyPair(random);
        var unsigned = new LeafNode(keys.PublicKey, signatureKey.PublicKey, credential,
            capabilities ?? KeyPackageBundle.DefaultCapabilities(suite, credential.CredentialType), LeafNodeSource.KeyPackage,
            new Lifetime(0, ulong.MaxValue), null, leafExtensions ?? [], []);
        var leaf = LeafNodeSignature.Sign(suite, unsigned, signatureKey.PrivateKey);
        var tree = RatchetTree.CreateOneMember(suite, leaf);
        var context = new GroupContext(GroupContext.Mls10, suite.Id, groupId.ToArray(), 0, tree.TreeHash(), [], groupContextExtensions ?? []);
        using var epochSecret = new Secret(random.NextBytes(suite.HashLength));
        var secrets = EpochSecrets.FromEpochSecret(suite, epochSecret.Span);
        var tag = TranscriptHash.ConfirmationTag(suite, secrets.ConfirmationKey.Span, []);
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, [], tag);
        var state = NewState(suite, context, tree, TreeKemPrivate.ForLeaf(0, keys.PrivateKey), signatureKey, interim, tag, secrets, options);
        keys.Clear();
        return state;
    }

    /// <summary>RFC 9420 §12.4.3.1 joining with a Welcome.</summary>
    /// <remarks><paramref name="resumedFrom"/>: joining a group made by ReInit or branch of a group we are in (§11.2, §11.3);
    /// a resumption PSK of usage reinit or branch is taken only then, and only from that group.</remarks>
    public static GroupState FromWelcome(Welcome welcome, KeyPackageBundle keyPackage, KeyPair signatureKey, RatchetTreeWire? ratchetTree,
        Func<PreSharedKeyId, byte[]?>? psks, GroupOptions options, ResumedFrom? resumedFrom = null)
    {
        if (!signatureKey.PublicKey.AsSpan().SequenceEqual(keyPackage.KeyPackage.LeafNode.SignatureKey))
            throw new ArgumentException("the signature key is not the KeyPackage's", nameof(signatureKey));
        var lookup = (PreSharedKeyId id) => id.PskType == PskType.Resumption && id.Usage != ResumptionPskUsage.Application
            ? GroupResumption.ResolveFor(resumedFrom, id)
            : psks?.Invoke(id) ?? (id.PskType == PskType.External ? options.ExternalPsks?.Invoke(id) : null);
        using var opened = WelcomeProtection.Open(welcome, keyPackage, lookup);
        GroupResumption.CheckWelcomePsks(opened.Psks, resumedFrom);
        var suite = opened.Suite;
        var groupInfo = opened.GroupInfo;
        var context = groupInfo.GroupContext;

        var tree = ImportTree(suite, groupInfo, ratchetTree, options);
        if (resumedFrom is not null) GroupResumption.CheckNewGroup(context, tree, resumedFrom, options);
        var signer = tree.TryGetLeaf(groupInfo.Signer)
            ?? throw new MlsProtocolException(MlsError.InvalidWelcome, $"GroupInfo signer {groupInfo.Signer} is not a member");
        GroupInfoSignature.Check(suite, groupInfo, signer.SignatureKey);
        uint own = tree.FindLeaf(keyPackage.KeyPackage.LeafNode)
            ?? throw new MlsProtocolException(MlsError.InvalidWelcome, "our KeyPackage's leaf is not in the tree");
        foreach (var (i, leaf) in tree.Leaves)
            options.Authenticate(null, leaf, i, new LeafChangeContext(LeafChangeKind.Join, context));

        var priv = TreeKemPrivate.ForLeaf(own, keyPackage.EncryptionPrivateKey.Span);
        if (opened.PathSecret is { } pathSecret)
        {
            if (groupInfo.Signer == own) throw new MlsProtocolException(MlsError.InvalidWelcome, "the GroupInfo signer is ourselves");
            priv = priv.WithJoinerPathSecret(tree, groupInfo.Signer, pathSecret.Span);
        }

        var secrets = opened.DeriveEpochSecrets();
        if (!TranscriptHash.VerifyConfirmationTag(suite, secrets.ConfirmationKey.Span, context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag))
        {
            secrets.Clear();
            throw new MlsProtocolException(MlsError.BadConfirmationTag, "GroupInfo confirmation_tag does not verify");
        }
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag);
        return NewState(suite, context, tree, priv, signatureKey, interim, groupInfo.ConfirmationTag, secrets, options);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.2: joins with an external Commit built against <paramref name="groupInfo"/>
    /// (which must carry external_pub). The joiner is in the new epoch at once; the Commit it
    /// returns must reach the group for the membership to be real.
    /// </summary>
    public static (GroupState State, MlsMessage Commit) External(GroupInfo groupInfo, RatchetTreeWire? ratchetTree, KeyPair signatureKey,
        Credential credential, IRandomSource random, GroupOptions options, Capabilities? capabilities, IReadOnlyList<Extension>? leafExtensions,
        uint? resyncRemove, byte[]? authenticatedData)
    {
        var context = groupInfo.GroupContext;
        if (context.Version != GroupContext.Mls10) throw new MlsProtocolException(MlsError.InvalidWelcome, "GroupInfo of another version");
        var suite = CipherSuite.Get(context.CipherSuite);
        var tree = ImportTree(suite, groupInfo, ratchetTree, options);
        var signer = tree.TryGetLeaf(groupInfo.Signer)
            ?? throw new MlsProtocolException(MlsError.InvalidWelcome, $"GroupInfo signer {groupInfo.Signer} is not a member");
        GroupInfoSignature.Check(suite, groupInfo, signer.SignatureKey);
        var externalPub = GroupExtensions.ExternalPub(groupInfo.Extensions)
            ?? throw new MlsProtocolException(MlsError.InvalidWelcome, "GroupInfo has no external_pub extension");
        foreach (var (i, leaf) in tree.Leaves)
            options.Authenticate(null, leaf, i, new LeafChangeContext(LeafChangeKind.Join, context));

        // §8.3 external init: kem_output and init_secret from HPKE export.
        var (kemOutput, hpke) = suite.Hpke.SetupBaseSender(externalPub, ReadOnlySpan<byte>.Empty, random);
        using var initSecret = new Secret(hpke.Export("MLS 1.0 external init secret"u8, suite.HashLength));
        hpke.Dispose();

        var proposals = new List<Proposal> { new ExternalInitProposal(kemOutput) };
        var diff = tree.Stage();
        if (resyncRemove is { } r)
        {
            if (tree.TryGetLeaf(r) is null) throw new ArgumentException($"leaf {r} is not a member of the GroupInfo's tree", nameof(resyncRemove));
            proposals.Add(new RemoveProposal(r));
            diff.RemoveLeaf(r);
        }
        uint own = diff.LeftmostBlankLeafOrExtend();
        var treeAfterProposals = diff.ToTree();

        var provisional = context with { Epoch = context.Epoch + 1 };
        var template = new LeafNodeTemplate(signatureKey.PublicKey, credential,
            capabilities ?? KeyPackageBundle.DefaultCapabilities(suite, credential.CredentialType), leafExtensions ?? []);
        var created = TreeKem.CreateUpdatePath(treeAfterProposals, own, template, signatureKey.PrivateKey, provisional, [], random);
        foreach (var s in created.PathSecrets.Values) s.Clear();

        var commit = new Commit(proposals.Select(ProposalOrRef.Inline).ToList(), created.UpdatePath);
        var content = FramedContent.OfCommit(context.GroupId, context.Epoch, Sender.NewMemberCommit(), authenticatedData ?? [], commit);
        var signature = ContentAuthentication.Sign(suite, content, WireFormat.PublicMessage, context, signatureKey.PrivateKey);
        var unconfirmed = new AuthenticatedContent(WireFormat.PublicMessage, content, new FramedContentAuthData(signature, []));
        var interimBefore = TranscriptHash.InterimFromConfirmationTag(suite, context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag);
        var confirmed = unconfirmed.ConfirmedTranscriptHash(suite, interimBefore);
        var newContext = provisional with { TreeHash = created.Tree.TreeHash(), ConfirmedTranscriptHash = confirmed };

        using var schedule = KeySchedule.Advance(suite, initSecret.Span, created.CommitSecret.Span, ReadOnlySpan<byte>.Empty, Tls.Serialize(newContext));
        created.CommitSecret.Clear();
        var tag = TranscriptHash.ConfirmationTag(suite, schedule.Secrets.ConfirmationKey.Span, confirmed);
        var interim = TranscriptHash.InterimFromConfirmationTag(suite, confirmed, tag);
        // §6.2: a new_member_commit PublicMessage carries no membership tag.
        var message = MlsMessage.From(new PublicMessage(content, new FramedContentAuthData(signature, tag), null));
        var state = NewState(suite, newContext, created.Tree, created.Private, signatureKey, interim, tag, schedule.TakeSecrets(), options);
        return (state, message);
    }

    /// <summary>§12.4.3.1 "verify the integrity of the ratchet tree", with tree_hash == GroupContext.tree_hash.</summary>
    private static RatchetTree ImportTree(CipherSuite suite, GroupInfo groupInfo, RatchetTreeWire? given, GroupOptions options)
    {
        var wire = GroupExtensions.RatchetTree(groupInfo.Extensions) ?? given
            ?? throw new MlsProtocolException(MlsError.InvalidWelcome, "no ratchet tree: neither in the GroupInfo nor given");
        var context = groupInfo.GroupContext;
        var leafContext = options.LeafContext(suite, context.GroupId, context.Extensions);
        return RatchetTree.Import(suite, wire, new TreeValidationOptions(leafContext) { ExpectedTreeHash = context.TreeHash });
    }

    private static GroupState NewState(CipherSuite suite, GroupContext context, RatchetTree tree, TreeKemPrivate priv, KeyPair signatureKey,
        byte[] interim, byte[] confirmationTag, EpochSecrets secrets, GroupOptions options) => new()
    {
        Suite = suite,
        Context = context,
        Tree = tree,
        Private = priv,
        SignaturePrivateKey = Secret.Copy(signatureKey.PrivateKey),
        InterimTranscriptHash = interim,
        ConfirmationTag = confirmationTag,
        Secrets = secrets,
        SecretTree = secrets.CreateSecretTree(tree.LeafCount, options.SecretTree),
        ResumptionPsks = [new ResumptionPskEntry(context.Epoch, secrets.ResumptionPsk.Clone())],
        Options = options,
    };
}
