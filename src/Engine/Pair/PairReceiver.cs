using System.Buffers;
using System.Security.Cryptography;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// The receive pipeline (PAIRMLS.md "Framing" and "Receiving"), a pure function of a
/// <see cref="PairState"/> and a datagram: it yields the outcome and the next state (the given one
/// when nothing changed, always for <see cref="Rejected"/>). Each step verifies what MLS verifies and
/// calls the group layer's state transitions directly (<see cref="GroupProcessor"/>).
/// </summary>
internal static class PairReceiver
{
    /// <summary>Opens, parses and processes a datagram for a joined session.</summary>
    public static ReceiveOutcome Receive(PairState state, ReadOnlySpan<byte> datagram, PairOptions options, IRandomSource random,
        out PairState next, out bool fork)
    {
        next = state;
        fork = false;
        // The body is opened into a pooled buffer (zeroed when returned): every layer parsed from it is copied out.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(datagram.Length, 1));
        try
        {
            if (OpenInto(state, datagram, buffer, options.HeaderKeyOffset, out int length) is not { } sealedEpoch)
                throw new PairRejection(RejectReason.NotForThisSession, "no header key of this session opens it");
            ReadOnlySpan<byte> body = buffer.AsSpan(0, length);
            var outcome = RecoveryEnvelope.IsEnvelope(body)
                ? ReceiveEnvelope(state, RecoveryEnvelope.Parse(body), sealedEpoch, options, random, out next)
                : Process(state, ParseFor(state, body, sealedEpoch), options, out next, sealedEpoch);
            fork = outcome is RollbackDetected { Evidence: RollbackEvidence.Fork };
            return outcome;
        }
        catch (PairRejection r)
        {
            fork = r.Reason == RejectReason.Fork;
            next = state;
            return r.ToOutcome();
        }
        catch (RollbackEvidenceFound found)
        {
            next = state;
            return found.Outcome;
        }
        finally
        {
            buffer.AsSpan(0, Math.Min(datagram.Length, buffer.Length)).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An ordinary body of this group, sealed under the header key of its own epoch.</summary>
    private static DatagramBody ParseFor(PairState state, ReadOnlySpan<byte> body, ulong? sealedEpoch)
    {
        var parts = DatagramBody.Parse(body);
        if (!parts.GroupId.AsSpan().SequenceEqual(state.Group.GroupId))
            throw new PairRejection(RejectReason.NotForThisSession, "it names another group");
        if (sealedEpoch is { } sealedIn && parts.Epoch != sealedIn)
            throw new PairRejection(RejectReason.Malformed, $"sealed under the header key of epoch {sealedIn} but in epoch {parts.Epoch}");
        return parts;
    }

    /// <summary>
    /// docs/RECOVERY.md "Resync": an offer (sealed under an older header key both hold) is taken when
    /// we cannot follow the peer otherwise, else its ordinary body is processed as usual; a request
    /// makes us offer once its ordinary body was accepted.
    /// </summary>
    private static ReceiveOutcome ReceiveEnvelope(PairState s, RecoveryEnvelope envelope, ulong sealedEpoch, PairOptions options,
        IRandomSource random, out PairState next)
    {
        next = s;
        if (envelope.Kind == RecoveryKind.Offer)
        {
            var parts = ParseFor(s, envelope.Body, null);
            if (s.IsOwner(parts.Epoch)) throw new PairRejection(RejectReason.WrongParity, $"epoch {parts.Epoch} is ours, the peer cannot offer it");
            if (parts.ProposalSender != s.PeerLeaf) throw new PairRejection(RejectReason.WrongParity, "the proposal is not the peer's");
            if (PairRecovery.TakeOffer(s, envelope, parts, sealedEpoch, options, random, out next) is { } taken) return taken;
            var moot = Process(s, parts, options, out next, sealedEpoch);
            if (moot is Delivered) PairRecovery.CheckMootOffer(next, envelope, parts.Epoch);
            return moot;
        }
        var request = ParseFor(s, envelope.Body, sealedEpoch);
        var outcome = Process(s, request, options, out next, sealedEpoch, request: true);
        // The peer cannot follow our Commit out of the epoch it sends in: offer, if that Commit is ours and we made it.
        ulong asked = request.Epoch + 1;
        if (outcome is Rejected || !next.IsOwner(asked) || asked > next.Epoch || !next.StapleHashes.ContainsKey(asked))
            return outcome;
        bool offer = next.OfferSealEpoch is null;
        var offering = PairRecovery.Offering(next, sealedEpoch, request);
        if (ReferenceEquals(offering, next)) return outcome;
        next = offering;
        return outcome with { StateChanged = true, RecoveryOffered = outcome.RecoveryOffered || offer };
    }

    /// <summary>The epochs whose header keys a receiver tries, in order: newest first.</summary>
    public static IEnumerable<ulong> TrialOrder(PairState state) => state.HeaderKeys.Keys.Reverse();

    /// <summary>
    /// Step 1 into <paramref name="buffer"/> (at least as long as the datagram): the epoch whose key opened it,
    /// with the body's <paramref name="length"/>, or null. As <see cref="Open"/>, without an array per datagram.
    /// <paramref name="offset"/>: <see cref="PairOptions.HeaderKeyOffset"/> (the key held at e opens epoch e − offset).
    /// </summary>
    private static ulong? OpenInto(PairState state, ReadOnlySpan<byte> datagram, byte[] buffer, ulong offset, out int length)
    {
        length = HeaderSeal.BodyLength(datagram);
        if (length >= 0)
        {
            var body = buffer.AsSpan(0, length);
            // Newest first, as TrialOrder, without buffering the keys in a new array per datagram.
            int count = state.HeaderKeys.Count;
            Span<ulong> epochs = count <= 256 ? stackalloc ulong[count] : new ulong[count];
            int n = 0;
            foreach (var (e, _) in state.HeaderKeys) epochs[n++] = e;
            for (int i = count - 1; i >= 0; i--)
                if (epochs[i] >= offset && HeaderSeal.TryOpen(state.Suite, state.HeaderKeys[epochs[i]], datagram, body)) return epochs[i] - offset;
        }
        if (((state.InvitationInitPrivateKey is { } initKey ? HeaderSeal.TryOpenAsInvitee(state.Suite, initKey, datagram) : null)
            ?? OpenWelcomeRequest(state, datagram)) is { } welcomeBody)
        {
            // A datagram of w (the Welcome's, or a restored acceptor's request): its opened body is copied in.
            welcomeBody.CopyTo(buffer, 0);
            length = welcomeBody.Length;
            CryptographicOperations.ZeroMemory(welcomeBody);
            return state.WelcomeEpoch;
        }
        length = 0;
        return null;
    }

    /// <summary>Step 1: the header keys of the held epochs (up to H), newest first, then the invitation's init key.</summary>
    public static (byte[] Body, ulong Epoch)? Open(PairState state, ReadOnlySpan<byte> datagram)
    {
        // Newest first, as TrialOrder, without buffering the keys in a new array per datagram.
        int count = state.HeaderKeys.Count;
        Span<ulong> epochs = count <= 256 ? stackalloc ulong[count] : new ulong[count];
        int n = 0;
        foreach (var (e, _) in state.HeaderKeys) epochs[n++] = e;
        for (int i = count - 1; i >= 0; i--)
            if (HeaderSeal.TryOpen(state.Suite, state.HeaderKeys[epochs[i]], datagram) is { } body) return (body, epochs[i]);
        if (((state.InvitationInitPrivateKey is { } initKey ? HeaderSeal.TryOpenAsInvitee(state.Suite, initKey, datagram) : null)
            ?? OpenWelcomeRequest(state, datagram)) is { } welcomeBody)
            return (welcomeBody, state.WelcomeEpoch);
        return null;
    }

    /// <summary>
    /// docs/RECOVERY.md "The acceptor restored into w": an acceptor's request in the Welcome epoch is
    /// <see cref="WelcomeDualSeal"/>ed; a joined invitee opens it with the header key of w + 1 while it
    /// holds that key (H epochs), long after it deleted the init key. Null for every other datagram.
    /// </summary>
    private static byte[]? OpenWelcomeRequest(PairState state, ReadOnlySpan<byte> datagram) =>
        state.Role == PairRole.Inviter && state.HeaderKeys.TryGetValue(state.WelcomeEpoch + 1, out var key)
            ? WelcomeDualSeal.TryOpenWithHeaderKey(state.Suite, key, datagram)
            : null;

    /// <summary>
    /// The rest of the pipeline on a parsed datagram of epoch k (throws <see cref="PairRejection"/>).
    /// <paramref name="sealedEpoch"/>: the epoch whose header key opened it, the key a recovery offer
    /// made on its evidence is sealed under (null: no offer is made on it). <paramref name="request"/>: the
    /// datagram asked for an offer (docs/RECOVERY.md "Loaded states ask"), so only its proposals are taken from then on.
    /// </summary>
    public static ReceiveOutcome Process(PairState s, DatagramBody parts, PairOptions options, out PairState next, ulong? sealedEpoch = null,
        bool request = false)
    {
        next = s;
        ulong k = parts.Epoch;
        var suite = s.Suite;
        // Parity: the peer sends only in epochs it owns, and only it signs its proposals.
        if (s.IsOwner(k)) throw new PairRejection(RejectReason.WrongParity, $"epoch {k} is ours, the peer cannot send in it");
        if (parts.ProposalSender != s.PeerLeaf) throw new PairRejection(RejectReason.WrongParity, "the proposal is not the peer's");

        var committed = new List<IdentityChange>();
        byte[] stapleHash = parts.Staple.Hash(suite);
        bool stapleTaken = false;
        if (k > s.Epoch + 1) throw new PairRejection(RejectReason.UnknownEpoch, $"epoch {k} is more than one ahead of {s.Epoch}");
        uint? commitSender = null;
        if (k == s.Epoch + 1)
        {
            try { s = ProcessPeerCommit(s, parts, stapleHash, committed, out commitSender); }
            catch (RollbackEvidenceFound found) when (found.Outcome.Evidence == RollbackEvidence.UnknownOwnProposal)
            {
                // docs/RECOVERY.md "Resync": from now on every datagram we send asks the peer for an offer.
                if (s.RecoveryRequest == k) return found.Outcome;
                next = s with { RecoveryRequest = k };
                return found.Outcome with { StateChanged = true };
            }
            stapleTaken = true;
        }
        else
        {
            // Fork: a second, different commit (or Welcome) for an epoch we already hold.
            if (s.StapleHashes.TryGetValue(k, out var recorded))
            {
                if (!CipherSuite.FixedTimeEquals(recorded, stapleHash))
                {
                    // docs/RECOVERY.md: an authentic second Commit of the peer is a rollback; we offer a resync.
                    if (sealedEpoch is not null && ForkIsAuthentic(s, parts))
                    {
                        bool offer = s.OfferSealEpoch is null;
                        next = PairRecovery.Offering(s, sealedEpoch.Value, parts);
                        return new RollbackDetected(k, RollbackEvidence.Fork,
                            $"a second, different Commit of the peer for epoch {k}: the peer was restored from an older state")
                        { StateChanged = !ReferenceEquals(next, s), RecoveryOffered = offer };
                    }
                    throw new PairRejection(RejectReason.Fork, $"a second, different {parts.Staple.Kind} for epoch {k}");
                }
            }
            else if (k < s.Epoch) return new Expired(k);
            else throw new PairRejection(RejectReason.UnknownEpoch, $"no commit recorded for epoch {k}");
            // Recognised by its header key and staple, but its application secrets are deleted (older than R).
            if (k < s.Epoch && !s.Group.PastEpochs.Any(p => p.Epoch == k)) return new Expired(k);
        }
        bool resynced = stapleTaken && parts.Staple.Kind == StapleKind.ExternalCommit;

        // The application message (current epoch, or a retained past one). If it cannot be opened,
        // the staple and the proposal still count (PAIRMLS.md "A datagram stands alone").
        ApplicationMessage app;
        try
        {
            app = GroupProcessor.Process(s.Group, parts.Application) as ApplicationMessage
                ?? throw new PairRejection(RejectReason.Malformed, "the body is not application data");
        }
        catch (MlsProtocolException e) when (e.Error is MlsError.GenerationReused or MlsError.GenerationTooOld or MlsError.GenerationTooFar)
        {
            if (e.Error == MlsError.GenerationReused && ReusedByRollback(s, k, parts) is { } reuse)
            {
                // docs/RECOVERY.md "Within an epoch": stop taking the peer's proposals of k (it may have lost their keys).
                if (k == s.Epoch)
                {
                    next = s with { PeerProposals = [], PeerProposalsSuspended = true };
                    return new RollbackDetected(k, RollbackEvidence.GenerationReused, reuse) { StateChanged = true };
                }
                // A past epoch: our Commit out of it may cover a proposal the peer lost; we offer a resync.
                bool offer = sealedEpoch is not null && s.OfferSealEpoch is null;
                if (sealedEpoch is { } sealedIn) next = PairRecovery.Offering(s, sealedIn, parts);
                return new RollbackDetected(k, RollbackEvidence.GenerationReused, reuse) { StateChanged = !ReferenceEquals(next, s), RecoveryOffered = offer };
            }
            ReceiveOutcome payloadOutcome = e.Error switch
            {
                MlsError.GenerationReused => new Duplicate(k),
                MlsError.GenerationTooOld => new Expired(k),
                _ => new Undecryptable(k, e.Message),
            };
            var after = k == s.Epoch ? CacheProposal(s, parts, null, 0, request && e.Error == MlsError.GenerationTooFar) : s;
            bool changed = stapleTaken || !ReferenceEquals(after, s);
            if (changed) next = after.Pruned(options);
            return payloadOutcome with { StapleTaken = stapleTaken, StateChanged = changed, CommitSender = commitSender, RecoveryCompleted = resynced };
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "application message"); }
        if (app.SenderLeaf != s.PeerLeaf) throw new PairRejection(RejectReason.WrongParity, "the application message is not the peer's");
        AppContent content;
        try { content = Tls.Deserialize<AppContent>(app.Data); }
        catch (MlsDecodeException e) { throw new PairRejection(RejectReason.Malformed, "AppContent: " + e.Message); }
        s = s with { Group = app.State, DeliveredGuards = WithGuard(s, k, app) };

        // The update proposal, if its epoch is still current; ranked by kind, then by generation (newest wins).
        if (k == s.Epoch) s = CacheProposal(s, parts, content.Evidence, app.Generation, request);

        next = s.Pruned(options);
        return new Delivered(content.Payload, k, s.PeerView, committed)
        {
            StapleTaken = stapleTaken, StateChanged = true, CommitSender = commitSender, RecoveryCompleted = resynced,
        };
    }

    /// <summary>
    /// The peer's Commit k-1 -&gt; k: by the owner of k, with a path, covering at most our own update; or
    /// the peer's resync external Commit while we offer one (docs/RECOVERY.md). <paramref name="committerLeaf"/>:
    /// the leaf the Commit's sender holds (RFC 9420 §6: FramedContent.sender, or the leaf an external Commit fills).
    /// </summary>
    internal static PairState ProcessPeerCommit(PairState s, DatagramBody parts, byte[] stapleHash, List<IdentityChange> committed, out uint? committerLeaf)
    {
        ulong k = s.Epoch + 1;
        committerLeaf = null;
        StagedCommit staged;
        IdentityUpdate peerUpdate;
        if (parts.Staple.Kind == StapleKind.ExternalCommit)
        {
            GroupState resumed;
            (resumed, peerUpdate) = PairRecovery.ProcessExternalCommit(s, parts);
            committerLeaf = s.PeerLeaf;
            return Entered(s, resumed, s.MyView, peerUpdate, stapleHash, ContentHash(s.Suite, parts), committed, k);
        }
        if (parts.Staple.Kind != StapleKind.Commit)
            throw new PairRejection(RejectReason.Malformed, $"epoch {k} must be started by a Commit");
        var content = parts.StapledMessage.PublicMessage!.Content;
        if (content.Sender.SenderType != Framing.SenderType.Member || content.Sender.LeafIndex != s.PeerLeaf)
            throw new PairRejection(RejectReason.WrongParity, $"the Commit into epoch {k} is not by its owner");
        var commit = content.Commit!;
        if (commit.Path is null) throw new PairRejection(RejectReason.Invalid, "a PairMLS Commit always carries an UpdatePath");
        foreach (var p in commit.Proposals)
            if (p.Type != ProposalOrRefType.Reference)
                throw new PairRejection(RejectReason.Invalid, "a PairMLS Commit covers only our own update proposals, by reference");
        bool unknownOwn = commit.Proposals.Any(p => !s.OwnProposals.Any(o => o.Ref.AsSpan().SequenceEqual(p.Reference)));

        if (unknownOwn)
        {
            // docs/RECOVERY.md "Unknown own proposal": only an authentic Commit counts as evidence.
            if (!CommitIsAuthentic(s, parts))
                throw new PairRejection(RejectReason.BadSignature, "stapled Commit: it does not verify");
            throw new RollbackEvidenceFound(new RollbackDetected(k, RollbackEvidence.UnknownOwnProposal,
                $"the peer's Commit into epoch {k} covers an update proposal of ours we do not hold: we were restored from an older state"));
        }
        try
        {
            staged = GroupProcessor.Process(s.Group, parts.StapledMessage) as StagedCommit
                ?? throw new PairRejection(RejectReason.Malformed, "the staple is not a Commit");
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "stapled Commit"); }
        if (staged.Removed) throw new PairRejection(RejectReason.Invalid, "the Commit removes us");
        committerLeaf = content.Sender.LeafIndex;
        var As = new AuthenticationService(s.Suite, s.Group.GroupId);
        var peerLeaf = staged.NewState.Tree.GetLeaf(s.PeerLeaf) ?? throw new PairRejection(RejectReason.Invalid, "the peer's leaf is blank");
        try { peerUpdate = As.Validate(s.PeerView, peerLeaf, parts.Staple.Evidence); }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "committer's leaf"); }

        var myView = s.MyView;
        if (staged.OwnUpdateTaken is { } taken)
        {
            var own = s.OwnProposals.First(o => o.Ref.AsSpan().SequenceEqual(taken));
            myView = own.Intended.View;
            if (own.Intended.Kind != UpdateKind.Leaf) committed.Add(new IdentityChange(PairMember.Self, own.Intended.Kind, myView, k));
        }
        return Entered(s, staged.NewState, myView, peerUpdate, stapleHash, ContentHash(s.Suite, parts), committed, k);
    }

    /// <summary>The state in the peer's epoch k: its views, its Commit recorded, our offer or request done with.</summary>
    private static PairState Entered(PairState s, GroupState group, IdentityView myView, IdentityUpdate peerUpdate, byte[] stapleHash,
        byte[] contentHash, List<IdentityChange> committed, ulong k)
    {
        if (peerUpdate.Kind != UpdateKind.Leaf) committed.Add(new IdentityChange(PairMember.Peer, peerUpdate.Kind, peerUpdate.View, k));
        var next = s with
        {
            Group = group,
            MyView = myView,
            PeerView = peerUpdate.View,
            PeerProposals = [],
            PeerProposalsSuspended = false,
            OwnProposals = [],
            OwnStaple = null,
            OwnStapleBytes = null,
            StapleHashes = s.StapleHashes.SetItem(k, stapleHash),
            PeerCommitContents = s.PeerCommitContents.SetItem(k, contentHash),
            // WithNextHeaderKey, in this one copy of the state.
            HeaderKeys = s.HeaderKeys.SetItem(k + 1, PairState.NextHeaderKeyOf(group)),
            OfferSealEpoch = null,
            OfferPayloadKey = null,
            RecoveryRequest = null,
        };
        return PairSession.TrimPending(next);
    }

    /// <summary>
    /// Caches the peer's update proposal of the current epoch, validated by MLS and by the AS with
    /// <paramref name="evidence"/>. With null evidence (the application message that carries it could
    /// not be opened) only a leaf update can be validated: any other is left out, not refused, and a
    /// leaf update ranks as the oldest of its kind (its generation is unknown). Returns
    /// <paramref name="s"/> itself when nothing was added.
    /// </summary>
    private static PairState CacheProposal(PairState s, DatagramBody parts, IdentityEvidence? evidence, uint generation, bool request = false)
    {
        // docs/RECOVERY.md "Loaded states ask": a request in the peer's epoch we have not committed out of yet comes
        // from a loaded copy, which may have lost the keys of proposals it sent before (our Commit covering one
        // would cost a resync, one round trip more). From it on only requests' proposals are taken: the copy made them.
        if (!request && s.PeerProposalsSuspended) return s;
        byte[] reference = Tls.Encoded(parts.ProposalMessage.ToAuthenticatedContent(), s.Suite, static (suite, bytes) => suite.MakeProposalRef(bytes));
        if (request && !s.PeerProposalsSuspended)
            s = s with { PeerProposals = s.PeerProposals.RemoveAll(p => !p.Ref.AsSpan().SequenceEqual(reference)), PeerProposalsSuspended = true };
        if (s.PeerProposals.Any(p => p.Ref.AsSpan().SequenceEqual(reference))) return s;
        UpdateProposal proposal;
        GroupState group;
        if (request && s.Group.FindProposal(reference) is { Proposal: UpdateProposal held })
            (proposal, group) = (held, s.Group);   // received (and verified) before the request dropped it from the cache
        else
        {
            ProposalReceived received;
            try
            {
                received = GroupProcessor.Process(s.Group, parts.Proposal) as ProposalReceived
                    ?? throw new PairRejection(RejectReason.Malformed, "the proposal is not a proposal");
            }
            catch (MlsProtocolException e) { throw PairRejection.From(e, "update proposal"); }
            (proposal, group) = ((UpdateProposal)received.Proposal, received.State);
        }
        var leaf = proposal.LeafNode;
        var As = new AuthenticationService(s.Suite, s.Group.GroupId);
        // Without evidence only a leaf update can be judged: anything else is left out, not refused
        // (asked first, so no refusal is caught as the answer).
        if (evidence is null && !As.IsLeafUpdate(s.PeerView, leaf)) return s;
        IdentityUpdate update;
        try { update = As.Validate(s.PeerView, leaf, evidence ?? IdentityEvidence.None); }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "proposed leaf"); }
        return s with
        {
            Group = group,
            PeerProposals = s.PeerProposals.Add(new PeerProposal(reference, new UpdatePriority(update.Kind, generation), update)),
        };
    }

    /// <summary>The sender_data_secret of epoch <paramref name="k"/> (current or retained), or null.</summary>
    private static Schedule.Secret? SenderDataSecret(PairState s, ulong k) =>
        k == s.Epoch ? s.Group.Secrets.SenderDataSecret : s.Group.PastEpochs.FirstOrDefault(p => p.Epoch == k)?.SenderDataSecret;

    /// <summary>The guards with this delivered message's reuse_guard added (the newest <see cref="PairState.MaxDeliveredGuards"/> kept):
    /// the SenderData MLS decrypted to open it (RFC 9420 §6.3.2), not decrypted a second time.</summary>
    private static AppendWindow<DeliveredGuard> WithGuard(PairState s, ulong k, ApplicationMessage app) =>
        s.DeliveredGuards.Add(new DeliveredGuard(k, app.Generation, app.ReuseGuard)).Newest(PairState.MaxDeliveredGuards);

    /// <summary>Why a consumed generation arriving again is a rollback and not a replay (a different reuse_guard), or null.</summary>
    private static string? ReusedByRollback(PairState s, ulong k, DatagramBody parts)
    {
        if (SenderDataSecret(s, k) is not { } secret || PairSenderData.Open(s.Suite, secret.Span, parts.Application.PrivateMessage!) is not { } data)
            return null;
        var seen = s.DeliveredGuards.FirstOrDefault(g => g.Epoch == k && g.Generation == data.Generation);
        if (seen is null || seen.Guard == PairSenderData.Guard(data)) return null;
        return $"generation {data.Generation} of epoch {k} came again with a different reuse_guard: the peer was restored from an older state";
    }

    /// <summary>
    /// RFC 9420 §6.1: the second Commit for epoch k is signed by the peer's agent under the GroupContext
    /// of k-1 (an own epoch, recorded in <see cref="PairState.OwnContexts"/>): a bit flipped by an
    /// insider who re-sealed the datagram is not a fork to act on.
    /// </summary>
    private static bool ForkIsAuthentic(PairState s, DatagramBody parts)
    {
        var message = parts.StapledMessage.PublicMessage;
        if (message is null || !s.OwnContexts.TryGetValue(message.Content.Epoch, out var contextBytes)) return false;
        // The same signed content with other tags or evidence around it is tampering, not a second Commit.
        if (!s.PeerCommitContents.TryGetValue(parts.Epoch, out var recorded) || CipherSuite.FixedTimeEquals(recorded, ContentHash(s.Suite, parts)))
            return false;
        var sender = message.Content.Sender;
        bool byPeer = parts.Staple.Kind switch
        {
            StapleKind.Commit => sender.SenderType == Framing.SenderType.Member && sender.LeafIndex == s.PeerLeaf,
            // A second resync Commit of the peer (rolled back again during recovery), signed by its agent.
            StapleKind.ExternalCommit => sender.SenderType == Framing.SenderType.NewMemberCommit,
            _ => false,
        };
        if (!byPeer) return false;
        try
        {
            var reader = new TlsReader(contextBytes);
            var context = Tls.Deserialize<GroupContext>(reader.ReadOpaqueSpan());
            byte[] peerKey = reader.ReadOpaque();
            reader.EnsureEnd();
            // A resync Commit is signed by the new leaf's key: the peer's agent as we know it now.
            byte[] key = parts.Staple.Kind == StapleKind.ExternalCommit ? s.PeerView.AgentKey : peerKey;
            return Framing.ContentAuthentication.Verify(s.Suite, message.ToAuthenticatedContent(), context, key);
        }
        catch (MlsDecodeException) { return false; }
        catch (MlsProtocolException) { return false; }
    }

    /// <summary>RefHash("PairMLS Commit content", FramedContent): what the stapled Commit's signature covers besides the context (RFC 9420 §6.1).</summary>
    internal static byte[] ContentHash(CipherSuite suite, DatagramBody parts) =>
        Tls.Encoded(parts.StapledMessage.PublicMessage!.Content, suite, static (suite, content) => suite.RefHash("PairMLS Commit content", content));

    /// <summary>RFC 9420 §6.1/§6.2: the stapled Commit's membership tag and signature verify in the current epoch.</summary>
    private static bool CommitIsAuthentic(PairState s, DatagramBody parts)
    {
        // A yes-or-no check (no exception as the answer): a stapled Commit is a PublicMessage.
        if (parts.StapledMessage.PublicMessage is not { } message) return false;
        using var protection = Framing.MessageProtection.ForEpoch(s.Group.Context, s.Group.Secrets, s.Group.Options.Padding);
        return protection.IsAuthentic(message, content => s.Group.Tree.TryGetLeaf(content.Sender.LeafIndex)?.SignatureKey);
    }
}
