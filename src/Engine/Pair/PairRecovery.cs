using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// docs/RECOVERY.md "Resync by external Commit": the party that is ahead (Y) offers its epoch k;
/// the party that fell behind on an abandoned branch (X) rejoins with the RFC 9420 §12.4.3.2
/// external Commit k -&gt; k+1 that removes its old leaf (a resync), keeping its agent and card; Y
/// takes that Commit only while its offer stands and only for X's leaf and agent. Pure functions of
/// states, like the rest of the receive pipeline.
/// </summary>
internal static class PairRecovery
{
    // ---------------------------------------------------------------- Y: the offer

    /// <summary>
    /// The signed GroupInfo of our current epoch k (which we own) with the ratchet tree, external_pub
    /// and <see cref="RecoveryInfo"/>: the header key of k+1, the hash of our Commit into k, the epoch
    /// <paramref name="sealEpoch"/> whose header key seals the offer, our card
    /// assertion, the peer's card as we committed it, and what a copy of ours restored to before that
    /// Commit would be recognised by (the header key of k, the context our Commit was signed under).
    /// </summary>
    public static GroupInfo MakeOffer(PairState s, ulong sealEpoch, OfferPayload? payload)
    {
        var group = s.Group;
        var info = new RecoveryInfo(s.HeaderKeys[s.Epoch + 1], s.StapleHashes[s.Epoch], sealEpoch, new IdentityEvidence(s.MyView.CardAssertion, s.CommittedSuccessions),
            s.PeerView.CardAssertion, s.HeaderKeys.TryGetValue(s.Epoch, out var headerKey) ? headerKey : Array.Empty<byte>(), s.CommitBase, payload);
        var extensions = new List<Extension>
        {
            new(Extension.RatchetTree, group.Tree.Encode()),
            GroupExtensions.MakeExternalPub(group.Secrets.ExternalPublicKey()),
            info.ToExtension(),
        };
        var unsigned = new GroupInfo(group.Context, extensions, group.ConfirmationTag, group.OwnLeafIndex, []);
        return GroupInfoSignature.Sign(s.Suite, unsigned, group.SignaturePrivateKey.Span);
    }

    /// <summary>
    /// The evidence or request in a datagram sealed under <paramref name="sealedEpoch"/>'s header key makes us offer.
    /// Evidence of the Welcome epoch w came sealed to the invitation (HPKE), and an invitee holds no header key of w:
    /// then the offer is sealed under the header key of w+1 (the exporter of w), which both hold.
    /// <para>
    /// Already offering, the seal epoch stays the first one (the peer holds it) unless this evidence came
    /// under an older key: then the peer was rolled back again, deeper, to a copy that may not hold the first
    /// key (found by `check --full-reach --seed 2`, case 63: Bob restored by save, then to his Welcome epoch;
    /// every offer was sealed under a key his second copy never had), and the older key, which it just
    /// sealed with, is taken. A newer verifiable proposal key of the peer replaces the one the offer's
    /// payload is sealed to (<see cref="PeerPayloadKey"/>): the peer may have lost the older one (rolled back
    /// again). Returns <paramref name="s"/> itself when nothing changes.
    /// </para>
    /// </summary>
    public static PairState Offering(PairState s, ulong sealedEpoch, DatagramBody evidence)
    {
        var key = PeerPayloadKey(s, evidence) ?? s.OfferPayloadKey;
        ulong seal = sealedEpoch == s.WelcomeEpoch && !s.HeaderKeys.ContainsKey(sealedEpoch) ? sealedEpoch + 1 : sealedEpoch;
        if (s.OfferSealEpoch is { } offering)
        {
            bool sameKey = key is null || (s.OfferPayloadKey is { } held && CipherSuite.FixedTimeEquals(held, key));
            if (seal >= offering && sameKey) return s;
            return s with { OfferSealEpoch = Math.Min(seal, offering), OfferPayloadKey = key };
        }
        return s with { OfferSealEpoch = seal, OfferPayloadKey = key };
    }

    /// <summary>
    /// docs/RECOVERY.md "The offer's payload": the encryption_key of the peer's update proposal in
    /// <paramref name="evidence"/>, if its LeafNode (RFC 9420 §7.2: signed over the group id and the
    /// peer's leaf index) is signed by the peer's agent as we know it; null otherwise (a proposal of
    /// a new agent: nothing is sealed to a key the peer's agent as we know it did not sign). The proposal's
    /// epoch may be one we never held (a fork), so its MLS framing is not verified here: only the leaf's
    /// own signature (RFC 9420 §7.3), which is all that binds the key to the peer. A leaf whose signature
    /// does not verify under its own signature_key is tampering: the datagram is rejected (BadSignature),
    /// so a tampered copy of evidence never has another effect than the honest one.
    /// </summary>
    private static byte[]? PeerPayloadKey(PairState s, DatagramBody evidence)
    {
        if (evidence.ProposalMessage.Content.Proposal is not UpdateProposal { LeafNode: var leaf }) return null;
        if (leaf.LeafNodeSource != LeafNodeSource.Update || !LeafNodeSignature.Verify(s.Suite, leaf, s.Group.GroupId, s.PeerLeaf))
            throw new PairRejection(RejectReason.BadSignature, "the update proposal's LeafNode signature does not verify");
        return leaf.SignatureKey.AsSpan().SequenceEqual(s.PeerView.AgentKey) ? leaf.EncryptionKey : null;
    }

    // ---------------------------------------------------------------- X: taking an offer

    /// <summary>
    /// A recovery offer for the peer's epoch k arrived with the peer's ordinary datagram of k. Returns
    /// null when we can follow the peer without it (k is not newer than our epoch, or k is our next
    /// epoch and its Commit applies to our state): the caller processes the datagram as usual. Otherwise
    /// (k is more than one ahead, which no honest history allows without a rollback, or its authentic
    /// Commit does not apply: a fork or an own proposal we lost) we rejoin by external Commit into k+1
    /// and return <see cref="Resynced"/>. Throws <see cref="PairRejection"/> for an offer that does not verify.
    /// </summary>
    public static ReceiveOutcome? TakeOffer(PairState s, RecoveryEnvelope envelope, DatagramBody parts, ulong sealedEpoch, PairOptions options,
        IRandomSource random, out PairState next)
    {
        next = s;
        var suite = s.Suite;
        var groupInfo = envelope.Offer!;
        ulong k = parts.Epoch;
        var context = groupInfo.GroupContext;
        if (context.CipherSuite != suite.Id || !context.GroupId.AsSpan().SequenceEqual(s.Group.GroupId) || context.Epoch != k)
            throw new PairRejection(RejectReason.Malformed, "the recovery offer is for another group or epoch than its datagram");
        var info = RecoveryInfo.From(groupInfo);
        if (!CipherSuite.FixedTimeEquals(info.StapleHash, parts.Staple.Hash(suite)))
            throw new PairRejection(RejectReason.Malformed, "the recovery offer names another Commit than its datagram staples");
        // Bound to its seal (signed, so checked for a moot offer too once its body is delivered: CheckMootOffer).
        if (info.SealEpoch != sealedEpoch + options.HeaderKeyOffset)
            throw new PairRejection(RejectReason.Malformed, $"the recovery offer is sealed under the header key of epoch {sealedEpoch + options.HeaderKeyOffset}, but its offerer sealed it under {info.SealEpoch}");
        CheckEndorsement(suite, groupInfo, envelope.Endorsement, s.PeerLeaf, s.Group.GroupId);
        if (info.NextHeaderKey.Length != suite.Aead.KeyLength || (info.HeaderKey.Length != 0 && info.HeaderKey.Length != suite.Aead.KeyLength))
            throw new PairRejection(RejectReason.Malformed, "the recovery offer's header key has the wrong length");
        if (groupInfo.Signer != s.PeerLeaf) throw new PairRejection(RejectReason.WrongParity, "the recovery offer is not signed by the peer's leaf");
        // A moot offer is not verified: a late one may be signed by an agent the peer has rolled over from since.
        if (k <= s.Epoch || (k == s.Epoch + 1 && CanFollow(s, parts))) return null;
        // Only the peer can make an offer we act on (its signature covers the info): with the agent we know, or
        // a successor along the links the offer carries from it (the peer rolled over after our copy was made).
        var offerer = FromKnownAgent(info.Offerer, s.PeerView.AgentKey);
        byte[] signer = s.PeerView.AgentKey;
        var known = s;
        try
        {
            if (offerer.Successions.Count > 0) signer = SuccessionChain.Verify(suite, s.PeerView.AgentKey, offerer.Successions, s.Group.GroupId);
            if (!GroupInfoSignature.Verify(suite, groupInfo, signer) && Endorsed(s, groupInfo, envelope.Endorsement) is { } asCommitted)
                (known, offerer) = (s with { PeerView = asCommitted }, info.Offerer with { Successions = [] });
            else GroupInfoSignature.Check(suite, groupInfo, signer);
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "recovery offer"); }
        // The datagram's payload, sealed to a proposal key of ours (docs/RECOVERY.md "The offer's payload"): opened
        // with the old state's key before the resync deletes it; a payload that does not open is tampering (rejected).
        var payload = info.Payload?.Open(s.Group, envelope.Body);
        var outcome = Resync(known, groupInfo, info with { Offerer = offerer }, info.Offerer.Successions, PairReceiver.ContentHash(suite, parts), sealedEpoch,
            options, random, out next);
        return outcome with { Payload = payload };
    }

    /// <summary>
    /// A moot offer (<see cref="TakeOffer"/> returned null) whose ordinary body was Delivered: everything
    /// around that body must be the peer's as sent, or an insider could re-seal or alter an offer and have it
    /// delivered. The GroupInfo (with the seal epoch it names, checked in TakeOffer) is verified under the
    /// peer's signature key of its epoch k as we hold it (<paramref name="next"/>: k current or retained, since
    /// its message was opened), and the endorsement, if any, was checked against the tree that key signed.
    /// Throws <see cref="PairRejection"/> (BadSignature) otherwise.
    /// </summary>
    public static void CheckMootOffer(PairState next, RecoveryEnvelope envelope, ulong k)
    {
        byte[]? key = next.Group.Epoch == k
            ? next.Group.Tree.GetLeaf(next.PeerLeaf)?.SignatureKey
            : next.Group.PastEpochs.FirstOrDefault(p => p.Epoch == k) is { } past && past.SignatureKeys.TryGetValue(next.PeerLeaf, out var pastKey) ? pastKey : null;
        if (key is null || !GroupInfoSignature.Verify(next.Suite, envelope.Offer!, key))
            throw new PairRejection(RejectReason.BadSignature, $"the recovery offer around the datagram of epoch {k} is not signed by the peer's leaf of that epoch");
    }

    /// <summary>
    /// An endorsement, when an offer carries one, must be what its offerer made (<see cref="OfferEndorsement.Of"/>):
    /// links from the offer's signing leaf (in the offered tree) to an agent that signed this very offer. One that
    /// is not is tampering (<see cref="RejectReason.BadSignature"/>), even where the offer would not need it.
    /// </summary>
    private static void CheckEndorsement(CipherSuite suite, GroupInfo groupInfo, OfferEndorsement? endorsement, uint peerLeaf, byte[] groupId)
    {
        if (endorsement is null) return;
        var wire = GroupExtensions.RatchetTree(groupInfo.Extensions);
        var leaf = wire is not null && 2 * (long)peerLeaf < wire.Nodes.Count ? wire.Nodes[(int)(2 * peerLeaf)]?.Leaf : null;
        if (leaf is null || !endorsement.IsFrom(suite, groupInfo, leaf.SignatureKey, groupId))
            throw new PairRejection(RejectReason.BadSignature, "the recovery offer's endorsement does not verify from its signing leaf");
    }

    /// <summary>
    /// docs/RECOVERY.md "A peer rollover committed only on the abandoned branch": the offer is signed by
    /// the peer's leaf in the offered tree, an agent older than the one we know, and the endorsement shows
    /// that the agent we know (the peer's pending one in the conversation we rejoin) signed this very
    /// offer. Returns the peer's view as that conversation holds it (the leaf's agent, the offered card,
    /// the succession hash the leaf binds), or null: then the offer's signature is checked as usual.
    /// </summary>
    private static IdentityView? Endorsed(PairState s, GroupInfo groupInfo, OfferEndorsement? endorsement)
    {
        if (endorsement is null || GroupExtensions.RatchetTree(groupInfo.Extensions) is not { } wire) return null;
        var leaf = 2 * (long)s.PeerLeaf < wire.Nodes.Count ? wire.Nodes[(int)(2 * s.PeerLeaf)]?.Leaf : null;
        if (leaf is null || leaf.SignatureKey.AsSpan().SequenceEqual(s.PeerView.AgentKey)) return null;
        if (!endorsement.Endorses(s.Suite, groupInfo, leaf.SignatureKey, s.PeerView.AgentKey, s.Group.GroupId)) return null;
        if (!GroupInfoSignature.Verify(s.Suite, groupInfo, leaf.SignatureKey)) return null;
        var info = RecoveryInfo.From(groupInfo);
        IdentityBinding bound;
        try { bound = IdentityBinding.FromLeaf(leaf); }
        catch (MlsProtocolException) { return null; }
        return IdentityView.Create(s.Suite, (byte[])leaf.SignatureKey.Clone(), info.Offerer.CardAssertion ?? s.PeerView.CardAssertion, bound.SuccessionHash);
    }

    /// <summary>The offerer's evidence from the agent we know on: its committed links after that agent (none if we know its current one).</summary>
    private static IdentityEvidence FromKnownAgent(IdentityEvidence offered, byte[] knownAgent)
    {
        var links = offered.Successions;
        for (int i = 0; i < links.Count; i++)
            if (links[i].PredecessorKey.AsSpan().SequenceEqual(knownAgent)) return new IdentityEvidence(offered.CardAssertion, links.Skip(i).ToList());
        return new IdentityEvidence(offered.CardAssertion, []);
    }

    private static bool CanFollow(PairState s, DatagramBody parts)
    {
        try
        {
            PairReceiver.ProcessPeerCommit(s, parts, parts.Staple.Hash(s.Suite), [], out _);
            return true;
        }
        catch (PairRejection) { return false; }
        catch (RollbackEvidenceFound) { return false; }
    }

    /// <summary>The external Commit into k+1 with a resync Remove of our old leaf (RFC 9420 §12.4.3.2).</summary>
    private static Resynced Resync(PairState s, GroupInfo groupInfo, RecoveryInfo info, IReadOnlyList<SuccessionAssertion> offeredLinks, byte[] contentHash,
        ulong common, PairOptions options, IRandomSource random, out PairState next)
    {
        var suite = s.Suite;
        ulong k = groupInfo.GroupContext.Epoch;
        var As = new AuthenticationService(suite, s.Group.GroupId);
        var wire = GroupExtensions.RatchetTree(groupInfo.Extensions)
            ?? throw new PairRejection(RejectReason.Malformed, "the recovery offer carries no ratchet tree");
        LeafNode? LeafOf(uint i) => 2 * (long)i < wire.Nodes.Count ? wire.Nodes[(int)(2 * i)]?.Leaf : null;

        // The peer's identity, validated against the one we know (its agent signed the offer).
        var peerLeaf = LeafOf(s.PeerLeaf) ?? throw new PairRejection(RejectReason.Invalid, "the recovery offer's tree has no peer leaf");
        var peerView = OffererView(s, As, peerLeaf, info.Offerer, offeredLinks);

        // Our identity as the peer committed it: the same agent (a later one we lost cannot sign), and
        // its card, which may be a newer card of ours that we lost (signed by our agent: the peer cannot forge it).
        var ownLeaf = LeafOf(s.OwnLeaf) ?? throw new PairRejection(RejectReason.Invalid, "the recovery offer's tree has no leaf for us");
        if (!ownLeaf.SignatureKey.AsSpan().SequenceEqual(s.MyView.AgentKey))
            throw new PairRejection(RejectReason.IdentityRejected,
                "the peer has committed another agent of ours than the one we hold: restored from before an agent rollover, we need a new invitation");
        var myView = s.MyView;
        var card = info.PeerCard;
        if (!CipherSuite.FixedTimeEquals(card.Hash(suite), myView.CardAssertionHash))
        {
            if (!card.AgentKey.AsSpan().SequenceEqual(myView.AgentKey) || !card.ConversationId.AsSpan().SequenceEqual(s.Group.GroupId)
                || card.Card.Version <= myView.CardVersion || !card.Verify(suite))
                throw new PairRejection(RejectReason.IdentityRejected, "the recovery offer's card for us is not a newer card of our agent");
            myView = IdentityView.Create(suite, myView.AgentKey, card, myView.SuccessionHash);
        }
        IdentityBinding bound;
        try { bound = IdentityBinding.FromLeaf(ownLeaf); }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "our leaf in the recovery offer"); }
        if (!bound.CardAssertionHash.AsSpan().SequenceEqual(myView.Binding.CardAssertionHash) || !bound.SuccessionHash.AsSpan().SequenceEqual(myView.Binding.SuccessionHash))
            throw new PairRejection(RejectReason.IdentityRejected, "our leaf in the recovery offer binds another identity than its card for us");

        var own = s.Group.OwnLeaf;
        var signatureKey = new KeyPair(s.Group.SignaturePrivateKey.ToArray(), (byte[])own.SignatureKey.Clone());
        GroupState group;
        MlsMessage commit;
        try
        {
            (group, commit) = GroupJoiner.External(groupInfo, null, signatureKey, own.Credential, random, options.ToGroupOptions(), own.Capabilities,
                IdentityBinding.WithBinding(own.Extensions, myView.Binding), s.OwnLeaf, null);
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "recovery offer"); }
        finally { signatureKey.Clear(); }
        if (group.OwnLeafIndex != s.OwnLeaf) throw new PairRejection(RejectReason.Invalid, "the resync would move us to another leaf");

        // Keep what both branches share: header keys up to the one that opened the offer (both hold it:
        // the offerer sealed with the key that opened our evidence) and commit hashes before it (that
        // key is the exporter of the epoch before); then the peer's Commit into k and ours into k+1.
        // Also the header key of k and the context of k-1 the offer names: a copy of the peer restored to
        // before its Commit into k commits k again under them, and that second Commit is then a fork we can prove.
        var staple = new Staple(StapleKind.ExternalCommit, Tls.Serialize(commit), IdentityEvidence.None);
        var headerKeys = s.HeaderKeys.RemoveRange(s.HeaderKeys.Keys.Where(e => e > common));
        if (info.HeaderKey.Length != 0 && k > common) headerKeys = headerKeys.SetItem(k, (byte[])info.HeaderKey.Clone());
        var ownContexts = s.OwnContexts.RemoveRange(s.OwnContexts.Keys.Where(e => e >= common));
        if (info.CommitBase is { } commitBase && k > 0 && k - 1 >= common) ownContexts = ownContexts.SetItem(k - 1, (byte[])commitBase.Clone());
        var hashes = s.StapleHashes.RemoveRange(s.StapleHashes.Keys.Where(e => e >= common));
        var desired = s.DesiredCard.Version > myView.CardVersion ? s.DesiredCard : myView.Card;
        var after = s with
        {
            Group = group,
            MyView = myView,
            PeerView = peerView,
            DesiredCard = desired,
            OwnStaple = staple,
            OwnStapleBytes = Tls.Serialize(staple),
            StapleHashes = hashes.SetItem(k, info.StapleHash).SetItem(k + 1, staple.Hash(suite)),
            OwnContexts = ownContexts,
            CommitBase = PairState.ContextEntry(groupInfo.GroupContext, (byte[])ownLeaf.SignatureKey.Clone()),
            PeerCommitContents = s.PeerCommitContents.RemoveRange(s.PeerCommitContents.Keys.Where(e => e >= common)).SetItem(k, contentHash),
            HeaderKeys = headerKeys.SetItem(k + 1, (byte[])info.NextHeaderKey.Clone()),
            PeerProposals = [],
            PeerProposalsSuspended = false,
            OwnProposals = [],
            DeliveredGuards = [],
            OfferSealEpoch = null,
            OfferPayloadKey = null,
            RecoveryRequest = null,
            InvitationInitKey = null,
        };
        next = PairSession.TrimPending(after).WithOwnContext().WithNextHeaderKey().Pruned(options);
        return new Resynced(k + 1, s.Epoch) { StateChanged = true, CommitSender = s.OwnLeaf, Sender = peerView };
    }

    /// <summary>
    /// The offerer's identity in the conversation we rejoin, validated from the one we know: its agent
    /// (or a successor along the offered links) with the card the offer names. That card may be OLDER
    /// than the one we hold: our view may come from a Commit of ours on the abandoned branch (it took an
    /// edit of the peer's that the conversation we rejoin has not committed; the peer proposes it again).
    /// Such a card is taken only as the conversation's: an assertion that verifies, for this conversation
    /// (or the invitation's), by an agent of the peer's line (the one we know, the leaf's, or one the
    /// offered links name, each link signed by its predecessor), and bound by the peer's leaf in the tree
    /// that the peer's agent signed with the GroupInfo (RFC 9420 §12.4.3.1). The StaleCard rule guards
    /// against a replayed card; here the peer's current agent vouches for the card itself.
    /// </summary>
    private static IdentityView OffererView(PairState s, AuthenticationService As, LeafNode peerLeaf, IdentityEvidence offerer,
        IReadOnlyList<SuccessionAssertion> offeredLinks)
    {
        try { return As.Validate(s.PeerView, peerLeaf, offerer).View; }
        catch (IdentityException e) when (e.Reason is IdentityError.StaleCard or IdentityError.Rejected && offerer.CardAssertion is { } card
            && !CipherSuite.FixedTimeEquals(card.Hash(s.Suite), s.PeerView.CardAssertionHash))
        {
            bool ofPeer = card.AgentKey.AsSpan().SequenceEqual(s.PeerView.AgentKey) || card.AgentKey.AsSpan().SequenceEqual(peerLeaf.SignatureKey)
                || offeredLinks.Any(l => l.PredecessorKey.AsSpan().SequenceEqual(card.AgentKey) || l.SuccessorKey.AsSpan().SequenceEqual(card.AgentKey));
            bool here = card.ConversationId.Length == 0 || card.ConversationId.AsSpan().SequenceEqual(s.Group.GroupId);
            if (!ofPeer || !here || !card.Verify(s.Suite))
                throw new PairRejection(RejectReason.IdentityRejected, "offerer's leaf: " + e.Message);
            var asCommitted = IdentityView.Create(s.Suite, s.PeerView.AgentKey, card, s.PeerView.SuccessionHash);
            try { return As.Validate(asCommitted, peerLeaf, offerer).View; }
            catch (MlsProtocolException again) { throw PairRejection.From(again, "offerer's leaf"); }
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "offerer's leaf"); }
    }

    // ---------------------------------------------------------------- Y: taking the recovery Commit

    /// <summary>
    /// The peer's external Commit k -&gt; k+1 (k ours): taken only as a resync of the peer's leaf
    /// (ExternalInit and a Remove of its old leaf, nothing else), and only if the new leaf is the
    /// peer's agent (or a successor, with evidence) with the card we committed or a newer one. Only
    /// our offers carry the external_pub of k, so such a Commit exists only if we offered k; it is
    /// taken even by a copy of ours restored from before the offer.
    /// </summary>
    public static (GroupState Group, IdentityUpdate PeerUpdate) ProcessExternalCommit(PairState s, DatagramBody parts)
    {
        var commit = parts.StapledMessage.PublicMessage!.Content.Commit!;
        bool resyncOfPeer = commit.Proposals.Count == 2
            && commit.Proposals.All(p => p.Type == ProposalOrRefType.Proposal)
            && commit.Proposals.Count(p => p.Proposal is ExternalInitProposal) == 1
            && commit.Proposals.Any(p => p.Proposal is RemoveProposal r && r.Removed == s.PeerLeaf);
        if (!resyncOfPeer) throw new PairRejection(RejectReason.Invalid, "a PairMLS external Commit is a resync of the peer's leaf: ExternalInit and Remove only");
        StagedCommit staged;
        try
        {
            staged = GroupProcessor.Process(s.Group, parts.StapledMessage) as StagedCommit
                ?? throw new PairRejection(RejectReason.Malformed, "the staple is not a Commit");
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "stapled external Commit"); }
        if (staged.CommitterLeaf != s.PeerLeaf) throw new PairRejection(RejectReason.Invalid, "the external Commit puts the peer in another leaf");
        var leaf = staged.NewState.Tree.GetLeaf(s.PeerLeaf) ?? throw new PairRejection(RejectReason.Invalid, "the peer's leaf is blank");
        try { return (staged.NewState, new AuthenticationService(s.Suite, s.Group.GroupId).Validate(s.PeerView, leaf, parts.Staple.Evidence)); }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "resynced peer's leaf"); }
    }
}
