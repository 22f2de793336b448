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
    public static ReceiveOutcome Receive(PairState state, ReadOnlySpan<byte> datagram, PairOptions options, out PairState next, out bool fork)
    {
        next = state;
        fork = false;
        try
        {
            var (body, sealedEpoch) = Open(state, datagram)
                ?? throw new PairRejection(RejectReason.NotForThisSession, "no header key of this session opens it");
            var parts = DatagramBody.Parse(body);
            if (!parts.GroupId.AsSpan().SequenceEqual(state.Group.GroupId))
                throw new PairRejection(RejectReason.NotForThisSession, "it names another group");
            if (parts.Epoch != sealedEpoch)
                throw new PairRejection(RejectReason.Malformed, $"sealed under the header key of epoch {sealedEpoch} but in epoch {parts.Epoch}");
            return Process(state, parts, options, out next);
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
    }

    /// <summary>The epochs whose header keys a receiver tries, in order: newest first.</summary>
    public static IEnumerable<ulong> TrialOrder(PairState state) => state.HeaderKeys.Keys.Reverse();

    /// <summary>Step 1: the header keys of the held epochs (up to H), newest first, then the invitation's init key.</summary>
    public static (byte[] Body, ulong Epoch)? Open(PairState state, ReadOnlySpan<byte> datagram)
    {
        foreach (ulong epoch in TrialOrder(state))
            if (HeaderSeal.TryOpen(state.Suite, state.HeaderKeys[epoch], datagram) is { } body) return (body, epoch);
        if (state.InvitationInitPrivateKey is { } initKey && HeaderSeal.TryOpenAsInvitee(state.Suite, initKey, datagram) is { } welcomeBody)
            return (welcomeBody, state.WelcomeEpoch);
        return null;
    }

    /// <summary>The rest of the pipeline on a parsed datagram of epoch k (throws <see cref="PairRejection"/>).</summary>
    public static ReceiveOutcome Process(PairState s, DatagramBody parts, PairOptions options, out PairState next)
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
        if (k == s.Epoch + 1)
        {
            s = ProcessPeerCommit(s, parts, stapleHash, committed);
            stapleTaken = true;
        }
        else
        {
            // Fork: a second, different commit (or Welcome) for an epoch we already hold.
            if (s.StapleHashes.TryGetValue(k, out var recorded))
            {
                if (!CipherSuite.FixedTimeEquals(recorded, stapleHash))
                    throw new PairRejection(RejectReason.Fork, $"a second, different {parts.Staple.Kind} for epoch {k}");
            }
            else if (k < s.Epoch) return new Expired(k);
            else throw new PairRejection(RejectReason.UnknownEpoch, $"no commit recorded for epoch {k}");
            // Recognised by its header key and staple, but its application secrets are deleted (older than R).
            if (k < s.Epoch && !s.Group.PastEpochs.Any(p => p.Epoch == k)) return new Expired(k);
        }
        uint? commitSender = stapleTaken ? parts.StapledMessage.PublicMessage!.Content.Sender.LeafIndex : null;

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
                // docs/RECOVERY.md "Generation reuse": stop taking the peer's proposals of k (it may have lost their keys).
                next = k == s.Epoch ? s with { PeerProposals = [], PeerProposalsSuspended = true } : s;
                return new RollbackDetected(k, RollbackEvidence.GenerationReused, reuse) { StateChanged = k == s.Epoch };
            }
            ReceiveOutcome payloadOutcome = e.Error switch
            {
                MlsError.GenerationReused => new Duplicate(k),
                MlsError.GenerationTooOld => new Expired(k),
                _ => new Undecryptable(k, e.Message),
            };
            var after = k == s.Epoch ? CacheProposal(s, parts, null, 0) : s;
            bool changed = stapleTaken || !ReferenceEquals(after, s);
            if (changed) next = after.Pruned(options);
            return payloadOutcome with { StapleTaken = stapleTaken, StateChanged = changed, CommitSender = commitSender };
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "application message"); }
        if (app.SenderLeaf != s.PeerLeaf) throw new PairRejection(RejectReason.WrongParity, "the application message is not the peer's");
        AppContent content;
        try { content = Tls.Deserialize<AppContent>(app.Data); }
        catch (MlsDecodeException e) { throw new PairRejection(RejectReason.Malformed, "AppContent: " + e.Message); }
        s = s with { Group = app.State, DeliveredGuards = WithGuard(s, k, parts) };

        // The update proposal, if its epoch is still current; ranked by kind, then by generation (newest wins).
        if (k == s.Epoch) s = CacheProposal(s, parts, content.Evidence, app.Generation);

        next = s.Pruned(options);
        return new Delivered(content.Payload, k, s.PeerView, committed) { StapleTaken = stapleTaken, StateChanged = true, CommitSender = commitSender };
    }

    /// <summary>The peer's Commit k-1 -&gt; k: by the owner of k, with a path, covering at most our own update.</summary>
    private static PairState ProcessPeerCommit(PairState s, DatagramBody parts, byte[] stapleHash, List<IdentityChange> committed)
    {
        ulong k = s.Epoch + 1;
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
        StagedCommit staged;
        try
        {
            staged = GroupProcessor.Process(s.Group, parts.StapledMessage) as StagedCommit
                ?? throw new PairRejection(RejectReason.Malformed, "the staple is not a Commit");
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "stapled Commit"); }
        if (staged.Removed) throw new PairRejection(RejectReason.Invalid, "the Commit removes us");
        var As = new AuthenticationService(s.Suite, s.Group.GroupId);
        var peerLeaf = staged.NewState.Tree.GetLeaf(s.PeerLeaf) ?? throw new PairRejection(RejectReason.Invalid, "the peer's leaf is blank");
        IdentityUpdate peerUpdate;
        try { peerUpdate = As.Validate(s.PeerView, peerLeaf, parts.Staple.Evidence); }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "committer's leaf"); }

        var myView = s.MyView;
        if (staged.OwnUpdateTaken is { } taken)
        {
            var own = s.OwnProposals.First(o => o.Ref.AsSpan().SequenceEqual(taken));
            myView = own.Intended.View;
            if (own.Intended.Kind != UpdateKind.Leaf) committed.Add(new IdentityChange(PairMember.Self, own.Intended.Kind, myView, k));
        }
        if (peerUpdate.Kind != UpdateKind.Leaf) committed.Add(new IdentityChange(PairMember.Peer, peerUpdate.Kind, peerUpdate.View, k));

        var next = s with
        {
            Group = staged.NewState,
            MyView = myView,
            PeerView = peerUpdate.View,
            PeerProposals = [],
            PeerProposalsSuspended = false,
            OwnProposals = [],
            OwnStaple = null,
            OwnStapleBytes = null,
            StapleHashes = s.StapleHashes.SetItem(k, stapleHash),
        };
        return PairSession.TrimPending(next).WithNextHeaderKey();
    }

    /// <summary>
    /// Caches the peer's update proposal of the current epoch, validated by MLS and by the AS with
    /// <paramref name="evidence"/>. With null evidence (the application message that carries it could
    /// not be opened) only a leaf update can be validated: any other is left out, not refused, and a
    /// leaf update ranks as the oldest of its kind (its generation is unknown). Returns
    /// <paramref name="s"/> itself when nothing was added.
    /// </summary>
    private static PairState CacheProposal(PairState s, DatagramBody parts, IdentityEvidence? evidence, uint generation)
    {
        if (s.PeerProposalsSuspended) return s;
        byte[] reference = Tls.Encoded(parts.ProposalMessage.ToAuthenticatedContent(), s.Suite, static (suite, bytes) => suite.MakeProposalRef(bytes));
        if (s.PeerProposals.Any(p => p.Ref.AsSpan().SequenceEqual(reference))) return s;
        ProposalReceived received;
        try
        {
            received = GroupProcessor.Process(s.Group, parts.Proposal) as ProposalReceived
                ?? throw new PairRejection(RejectReason.Malformed, "the proposal is not a proposal");
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "update proposal"); }
        var leaf = ((UpdateProposal)received.Proposal).LeafNode;
        IdentityUpdate update;
        try { update = new AuthenticationService(s.Suite, s.Group.GroupId).Validate(s.PeerView, leaf, evidence ?? IdentityEvidence.None); }
        catch (MlsProtocolException) when (evidence is null) { return s; }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "proposed leaf"); }
        return s with
        {
            Group = received.State,
            PeerProposals = s.PeerProposals.Add(new PeerProposal(received.Ref, new UpdatePriority(update.Kind, generation), update)),
        };
    }

    /// <summary>The sender_data_secret of epoch <paramref name="k"/> (current or retained), or null.</summary>
    private static Schedule.Secret? SenderDataSecret(PairState s, ulong k) =>
        k == s.Epoch ? s.Group.Secrets.SenderDataSecret : s.Group.PastEpochs.FirstOrDefault(p => p.Epoch == k)?.SenderDataSecret;

    /// <summary>The guards with this delivered message's reuse_guard added (the newest <see cref="PairState.MaxDeliveredGuards"/> kept).</summary>
    private static System.Collections.Immutable.ImmutableList<DeliveredGuard> WithGuard(PairState s, ulong k, DatagramBody parts)
    {
        if (SenderDataSecret(s, k) is not { } secret || PairSenderData.Open(s.Suite, secret.Span, parts.Application.PrivateMessage!) is not { } data)
            return s.DeliveredGuards;
        var guards = s.DeliveredGuards.Add(new DeliveredGuard(k, data.Generation, PairSenderData.Guard(data)));
        return guards.Count > PairState.MaxDeliveredGuards ? guards.RemoveRange(0, guards.Count - PairState.MaxDeliveredGuards) : guards;
    }

    /// <summary>Why a consumed generation arriving again is a rollback and not a replay (a different reuse_guard), or null.</summary>
    private static string? ReusedByRollback(PairState s, ulong k, DatagramBody parts)
    {
        if (SenderDataSecret(s, k) is not { } secret || PairSenderData.Open(s.Suite, secret.Span, parts.Application.PrivateMessage!) is not { } data)
            return null;
        var seen = s.DeliveredGuards.FirstOrDefault(g => g.Epoch == k && g.Generation == data.Generation);
        if (seen is null || seen.Guard == PairSenderData.Guard(data)) return null;
        return $"generation {data.Generation} of epoch {k} came again with a different reuse_guard: the peer was restored from an older state";
    }

    /// <summary>RFC 9420 §6.1/§6.2: the stapled Commit's membership tag and signature verify in the current epoch.</summary>
    private static bool CommitIsAuthentic(PairState s, DatagramBody parts)
    {
        try
        {
            using var protection = Framing.MessageProtection.ForEpoch(s.Group.Context, s.Group.Secrets, s.Group.Options.Padding);
            using var tree = s.Group.SecretTree.Clone();
            protection.Unprotect(parts.StapledMessage, tree, content => s.Group.Tree.TryGetLeaf(content.Sender.LeafIndex)?.SignatureKey);
            return true;
        }
        catch (MlsProtocolException) { return false; }
    }
}
