using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Pair;

/// <summary>
/// One side of a PairMLS conversation (PAIRMLS.md): an RFC 9420 group of two members with no
/// delivery service. <see cref="Send"/> works at any time (committing into our next epoch first if
/// the current one is the peer's); <see cref="Receive"/> turns any datagram into an outcome and
/// never throws on bad bytes. Both compute the next <see cref="PairState"/> as a value and swap it
/// in at the end, so a rejected datagram changes nothing.
/// </summary>
public sealed class PairSession
{
    private readonly IRandomSource _random;
    private PairState _state;

    /// <summary>
    /// docs/RECOVERY.md "Loaded states ask": set by <see cref="Load"/>, until the peer's next Commit
    /// (or a resync) takes us into a new epoch. A loaded state may be an older copy (a rollback no
    /// datagram would ever show), so every datagram sent meanwhile asks the peer for a resync offer,
    /// which it makes only if it is ahead and which we take only if we cannot follow it. Not saved.
    /// </summary>
    private bool _askedSinceLoad;

    internal PairSession(PairState state, PairOptions options, IRandomSource random)
    {
        _state = state;
        Options = options;
        _random = random;
    }

    public PairOptions Options { get; }

    // ---------------------------------------------------------------- accept (Bob)

    /// <summary>
    /// PAIRMLS.md "Creating a conversation", step 2: a fresh agent creates the group (epoch 0), with
    /// probability 1/2 from <paramref name="random"/> commits an empty commit first (so the parity of
    /// w does not tell who invited whom), then commits Add(invitee) with a path and holds the Welcome
    /// of epoch w as the staple of w. A bad invitation throws <see cref="InvitationException"/>; so
    /// does an expired one (or one not valid yet: <see cref="InvitationError.OutsideLifetime"/>), with its lifetime in the message.
    /// </summary>
    public static PairSession Accept(InvitationPublic invitation, Card myCard, CipherSuite? suite, PairOptions options, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(myCard);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var keyPackage = invitation.KeyPackage;
        if (keyPackage.CipherSuite is < 1 or > 7)
            throw new InvitationException(InvitationError.UnsupportedCipherSuite, $"UnsupportedCipherSuite: invitation suite 0x{keyPackage.CipherSuite:x4}", null, null);
        if (suite is not null && suite.Id != keyPackage.CipherSuite)
            throw new ArgumentException($"the invitation is for suite {keyPackage.CipherSuite}, not {suite.Id}", nameof(suite));
        suite ??= CipherSuite.Get(keyPackage.CipherSuite);
        options.Validate();
        // RFC 9420 §7.3 / §10: an invitation outside its lifetime is refused, saying when it was valid.
        if (InvitationPublic.Expired(keyPackage, options.Now()) is { } expired)
            throw new InvitationException(InvitationError.OutsideLifetime, expired, ValidationRule.LeafLifetime, null);
        byte[] groupId;
        IdentityView peerView;
        AuthenticationService As;
        try
        {
            KeyPackageValidation.Validate(suite, keyPackage, DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(options.Now(), (ulong)long.MaxValue / 2)));
            groupId = random.NextBytes(16);
            As = new AuthenticationService(suite, groupId);
            peerView = As.ValidateInitial(keyPackage.LeafNode, invitation.CardAssertion);
        }
        catch (MlsProtocolException e) { throw InvitationException.From(e); }

        using var agent = Agent.Create(suite, random);
        var myAssertion = agent.AssertCard(myCard, groupId);
        var signatureKey = agent.ToKeyPair();
        GroupState group;
        try
        {
            group = GroupJoiner.Create(suite, groupId, signatureKey, agent.Credential, random, options.ToGroupOptions(),
                IdentityBinding.WithSupport(KeyPackageBundle.DefaultCapabilities(suite)), [As.InitialBinding(myAssertion).ToExtension()], null);
        }
        finally { signatureKey.Clear(); }
        // The coin is drawn even by the variant without the empty commit, so both see the same randomness afterwards.
        if (random.NextUInt64(2) == 1 && !options.SkipRandomEmptyCommit) group = GroupSender.Commit(group, new CommitOptions { ForcePath = true }, random).Result.Staged.NewState;
        var add = GroupSender.Commit(group, new CommitOptions { InlineProposals = [new AddProposal(keyPackage)], ForcePath = true }, random).Result;
        group = add.Staged.NewState;

        var myView = As.ValidateInitial(group.OwnLeaf, myAssertion);
        var staple = new Staple(StapleKind.Welcome, Tls.Serialize(add.Welcome!), IdentityEvidence.ForCard(myAssertion));
        var state = new PairState
        {
            Role = PairRole.Acceptor,
            WelcomeEpoch = group.Epoch,
            Group = group,
            PeerLeaf = add.Staged.AddedLeaves[0],
            MyView = myView,
            PeerView = peerView,
            DesiredCard = myCard,
            OwnStaple = staple,
            OwnStapleBytes = Tls.Serialize(staple),
            StapleHashes = EpochMap.Empty.Add(group.Epoch, staple.Hash(suite)),
            InvitationInitKey = keyPackage.InitKey,
        }.WithOwnContext().WithNextHeaderKey();
        return new PairSession(state, options, random);
    }

    // ---------------------------------------------------------------- accessors (no secrets)

    public PairRole Role => _state.Role;
    public ulong Epoch => _state.Epoch;
    /// <summary>w: the epoch the Welcome started.</summary>
    public ulong WelcomeEpoch => _state.WelcomeEpoch;
    public CipherSuite Suite => _state.Suite;
    /// <summary>The MLS group id (the conversation id of the identity layer). Never on the wire in clear.</summary>
    public byte[] ConversationId => (byte[])_state.Group.GroupId.Clone();
    public bool IsOwner(ulong epoch) => _state.IsOwner(epoch);
    /// <summary>Our leaf index in the group, and the peer's (RFC 9420 §7.8): what a commit's MLS sender is compared with.</summary>
    public uint OwnLeaf => _state.OwnLeaf;
    public uint PeerLeaf => _state.PeerLeaf;
    /// <summary>RFC 9420 §8.7 epoch_authenticator of the current epoch (for comparing the two sides).</summary>
    public byte[] EpochAuthenticator => _state.Group.EpochAuthenticator;
    public byte[] TreeHash => _state.Group.Tree.TreeHash();
    /// <summary>Hash of the serialized current GroupContext (RFC 9420 §8.1).</summary>
    public byte[] GroupContextHash => _state.Suite.Hash(Tls.Serialize(_state.Group.Context));
    /// <summary>Our identity as committed in the current epoch.</summary>
    public IdentityView MyView => _state.MyView;
    /// <summary>The peer's identity as committed in the current epoch.</summary>
    public IdentityView PeerView => _state.PeerView;
    /// <summary>RefHash of the commit (or Welcome) that started <paramref name="epoch"/>, while within the header-key horizon.</summary>
    public byte[]? CommitHash(ulong epoch) => _state.StapleHashes.TryGetValue(epoch, out var h) ? (byte[])h.Clone() : null;
    /// <summary>Our update proposals of the current epoch whose fate a peer commit has not shown yet.</summary>
    public int OwnProposalsInFlight => _state.OwnProposals.Count;
    /// <summary>Peer update proposals cached in the current epoch (the next commit takes the best one).</summary>
    public int PeerProposalsPending => _state.PeerProposals.Count;
    /// <summary>True while a card edit or agent rollover of ours is not committed yet (it is proposed in every datagram).</summary>
    public bool HasPendingIdentity => _state.HasPendingIdentity;
    /// <summary>The card we want committed (MyView's card, or a newer edit).</summary>
    public Card DesiredCard => _state.DesiredCard;
    /// <summary>Epochs whose header key is held, oldest first.</summary>
    public IReadOnlyList<ulong> HeldEpochs => _state.HeaderKeys.Keys.ToList();
    /// <summary>docs/RECOVERY.md "Resync": while set, every datagram we send offers the peer a resync (sealed under this epoch's header key).</summary>
    public ulong? OfferingResyncUnder => _state.OfferSealEpoch;
    /// <summary>docs/RECOVERY.md "Resync": while set, we cannot follow the peer's Commit into this epoch and every datagram we send asks for an offer.</summary>
    public ulong? RequestingResyncFor => _state.RecoveryRequest;
    /// <summary>How many datagrams showed a fork (a second, different commit for one epoch: RollbackDetected(Fork) or Rejected(Fork)). Not part of the saved state.</summary>
    public int ForksDetected { get; private set; }

    // ---------------------------------------------------------------- sending

    /// <summary>
    /// PAIRMLS.md "Steady state": encrypts <paramref name="payload"/> now. If the current epoch is the
    /// peer's, first commits into our next epoch (covering the peer's best-ranked update proposal, with
    /// an UpdatePath); then proposes an update of our own leaf (carrying any pending identity change:
    /// <paramref name="edit"/> and/or a rollover to a new agent) stapled to that commit, and the
    /// application message stapled to the proposal, sealed. The result carries the state to persist
    /// before the datagram leaves.
    /// </summary>
    public SendResult Send(ReadOnlySpan<byte> payload, CardEdit? edit = null, bool rollOverAgent = false)
    {
        var s = _state;
        if (rollOverAgent) s = RollOver(s, _random);
        if (edit is not null) s = EditCard(s, edit);
        var committed = new List<IdentityChange>();
        uint? commitSender = null;
        if (!s.IsOwner(s.Epoch)) s = CommitIntoNextEpoch(s, committed, out commitSender);
        if (s.OwnStaple is null || s.OwnStapleBytes is null)
            throw new InvalidOperationException($"epoch {s.Epoch} is ours but we hold no staple for it");

        var suite = s.Suite;
        s = WithOwnProposal(s);
        var own = s.OwnProposals[^1];
        var (application, group) = GroupSender.EncryptApplication(s.Group, Tls.Serialize(new AppContent(payload.ToArray(), own.Evidence)),
            own.Message, _random);
        s = s with { Group = group };

        byte[] datagram;
        if (s.OfferSealEpoch is { } sealEpoch && s.Epoch > s.WelcomeEpoch && s.HeaderKeys.TryGetValue(sealEpoch, out var offerKey))
        {
            // docs/RECOVERY.md "Resync": the offer, under the header key that opened the peer's evidence (the peer holds it),
            // with the payload sealed to the peer's proposal key too ("The offer's payload"): the rejoining peer holds no secret of this epoch.
            var ordinary = Tls.Serialize(application);
            var sealedPayload = s.OfferPayloadKey is { } recipient ? OfferPayload.Seal(suite, recipient, ordinary, payload, _random) : null;
            var offer = PairRecovery.MakeOffer(s, sealEpoch, sealedPayload);
            var body = new RecoveryEnvelope(RecoveryKind.Offer, offer, ordinary, OfferEndorsement.Of(s, offer)).Encode();
            datagram = HeaderSeal.Seal(suite, offerKey, body, _random);
        }
        // Also in w (an acceptor restored into the Welcome epoch), sealed for both kinds of invitee (docs/RECOVERY.md
        // "The acceptor restored into w"): one not joined yet unwraps it with the init key (Invitation.TryJoin), one
        // that joined and deleted that key long ago with the header key of w + 1 (the exporter of w, which we hold).
        else if (s.RecoveryRequest is not null || _askedSinceLoad)
        {
            var body = new RecoveryEnvelope(RecoveryKind.Request, null, Tls.Serialize(application)).Encode();
            datagram = s.Role == PairRole.Acceptor && s.Epoch == s.WelcomeEpoch
                ? WelcomeDualSeal.Seal(suite, s.InvitationInitKey!, s.HeaderKeys[s.WelcomeEpoch + 1], body, _random)
                : HeaderSeal.Seal(suite, s.HeaderKeys[s.Epoch + Options.HeaderKeyOffset], body, _random);
        }
        // The ordinary body is sealed straight from a pooled writer (no array of its own).
        else if (s.Role == PairRole.Acceptor && s.Epoch == s.WelcomeEpoch)
            datagram = Tls.Encoded(application, (suite, key: s.InvitationInitKey!, random: _random),
                static (a, body) => HeaderSeal.SealToInvitation(a.suite, a.key, body, a.random));
        else
            datagram = Tls.Encoded(application, (suite, key: s.HeaderKeys[s.Epoch + Options.HeaderKeyOffset], random: _random),
                static (a, body) => HeaderSeal.Seal(a.suite, a.key, body, a.random));
        Swap(s);
        return new SendResult(datagram, Save()) { Epoch = s.Epoch, Committed = committed, CommitSender = commitSender };
    }

    /// <summary>
    /// The update proposal the next datagram staples (<see cref="PairState.MaxOwnProposals"/>): a new
    /// one for the first datagram of the epoch, or for an identity change our newest proposal does not
    /// carry yet while the bound allows; otherwise the newest one again (same bytes, same evidence).
    /// </summary>
    private PairState WithOwnProposal(PairState s)
    {
        var evidence = s.PendingEvidence;
        if (s.OwnProposals.Count > 0)
        {
            var newest = s.OwnProposals[^1];
            if (s.OwnProposals.Count >= PairState.MaxOwnProposals || SameEvidence(newest.Evidence, evidence)) return s;
        }
        var As = new AuthenticationService(s.Suite, s.Group.GroupId);
        var (proposal, ownUpdate) = GroupSender.MakeUpdate(s.Group, DesiredLeaf(s, As, evidence), _random, s.PendingAgentPrivateKey);
        var (message, group, reference) = GroupSender.Propose(s.Group, proposal, s.OwnStapleBytes!, _random, ownUpdate);
        var intended = As.Validate(s.MyView, ownUpdate.LeafNode, evidence);
        return s with { Group = group, OwnProposals = s.OwnProposals.Add(new OwnProposal(reference, intended, Tls.Serialize(message), evidence)) };
    }

    private static bool SameEvidence(IdentityEvidence a, IdentityEvidence b) => Tls.SameEncoding(a, b);

    /// <summary>Our Commit e -&gt; e+1 (we own e+1): the peer's best-ranked update of e, always with a path.</summary>
    private PairState CommitIntoNextEpoch(PairState s, List<IdentityChange> committed, out uint? commitSender)
    {
        var suite = s.Suite;
        var As = new AuthenticationService(suite, s.Group.GroupId);
        var best = UpdatePriority.Best(s.PeerProposals, p => p.Priority);
        var options = new CommitOptions { ProposalRefs = best is null ? [] : [best.Ref], ForcePath = true };
        var stapleEvidence = IdentityEvidence.None;

        // PAIRMLS.md step 4: the invitee's first commit replaces the invitation agent (it may have been seen by others).
        bool rollover = s.Role == PairRole.Inviter && s.MyView.SuccessionHash.Length == 0;
        if (rollover)
        {
            if (s.PendingSuccessions.Count == 0) s = RollOver(s, _random);
            stapleEvidence = IdentityEvidence.ForSuccession([.. s.PendingSuccessions]);
            options = options with { NewLeaf = DesiredLeaf(s, As, stapleEvidence), NewSignaturePrivateKey = s.PendingAgentPrivateKey };
        }

        var result = GroupSender.Commit(s.Group, options, _random).Result;
        // The commit's own MLS sender (RFC 9420 §6.1 FramedContent.sender), for observers that judge ownership from the commit itself.
        commitSender = result.Commit.PublicMessage?.Content.Sender.LeafIndex;
        var next = result.Staged.NewState;
        ulong k = next.Epoch;
        var myView = s.MyView;
        if (rollover)
        {
            var update = As.Validate(s.MyView, next.OwnLeaf, stapleEvidence);
            myView = update.View;
            committed.Add(new IdentityChange(PairMember.Self, update.Kind, myView, k));
        }
        var peerView = s.PeerView;
        if (best is not null)
        {
            peerView = best.Update.View;
            if (best.Update.Kind != UpdateKind.Leaf) committed.Add(new IdentityChange(PairMember.Peer, best.Update.Kind, peerView, k));
        }
        var staple = new Staple(StapleKind.Commit, Tls.Serialize(result.Commit), stapleEvidence);
        // Pruned to the horizon in this one copy of the state (Pruned below then finds nothing to drop).
        ulong oldest = PairState.OldestWithin(k, Options.Horizon);
        var after = s with
        {
            Group = next,
            MyView = myView,
            PeerView = peerView,
            OwnStaple = staple,
            OwnStapleBytes = Tls.Serialize(staple),
            StapleHashes = s.StapleHashes.SetItem(k, staple.Hash(suite)).RemoveBelow(oldest),
            // WithOwnContext and WithNextHeaderKey, in this one copy of the state.
            OwnContexts = s.OwnContexts.SetItem(k, PairState.OwnContextOf(next, s.PeerLeaf)).RemoveBelow(oldest),
            HeaderKeys = s.HeaderKeys.SetItem(k + 1, PairState.NextHeaderKeyOf(next)).RemoveBelow(oldest),
            PeerCommitContents = s.PeerCommitContents.RemoveBelow(oldest),
            PeerProposals = [],
            PeerProposalsSuspended = false,
            OwnProposals = [],
            // What the peer records for epoch k-1 (docs/RECOVERY.md "Resync": an offer of ours carries it).
            CommitBase = PairState.ContextEntry(s.Group.Context, s.Group.OwnLeaf.SignatureKey),
        };
        return TrimPending(after).Pruned(Options);
    }

    /// <summary>The leaf we want: the desired agent, its credential, and the binding to the pending evidence.</summary>
    private static LeafNodeTemplate DesiredLeaf(PairState s, AuthenticationService As, IdentityEvidence evidence)
    {
        var current = s.Group.OwnLeaf;
        byte[] agentKey = s.PendingAgentPrivateKey is { } pending ? s.Suite.Signature.PublicKeyOf(pending) : current.SignatureKey;
        var binding = As.BindingFor(s.MyView, evidence);
        return new LeafNodeTemplate(agentKey, Credential.Basic(agentKey), current.Capabilities, IdentityBinding.WithBinding(current.Extensions, binding));
    }

    /// <summary>A new agent, with a succession from the desired one; a pending card is re-asserted by the new agent.</summary>
    private static PairState RollOver(PairState s, IRandomSource random)
    {
        using var current = Agent.FromPrivateKey(s.Suite, s.DesiredAgentPrivateKey);
        using var successor = Agent.Create(s.Suite, random);
        var link = current.Succeed(successor.PublicKey, s.Group.GroupId);
        return s with
        {
            PendingAgentPrivateKey = successor.SignaturePrivateKey.ToArray(),
            PendingSuccessions = s.PendingSuccessions.Add(link),
            PendingCardAssertion = s.PendingCardAssertion is null ? null : successor.AssertCard(s.DesiredCard, s.Group.GroupId),
        };
    }

    private static PairState EditCard(PairState s, CardEdit edit)
    {
        var card = edit.ApplyTo(s.DesiredCard);
        using var agent = Agent.FromPrivateKey(s.Suite, s.DesiredAgentPrivateKey);
        return s with { DesiredCard = card, PendingCardAssertion = agent.AssertCard(card, s.Group.GroupId) };
    }

    /// <summary>After a commit: what of our pending identity is now committed is no longer pending.</summary>
    internal static PairState TrimPending(PairState s)
    {
        var links = s.PendingSuccessions;
        var committedLinks = s.CommittedSuccessions;
        byte[]? agentKey = s.PendingAgentPrivateKey;
        if (links.Count > 0)
        {
            int from = links.FindIndex(l => l.PredecessorKey.AsSpan().SequenceEqual(s.MyView.AgentKey));
            if (from < 0)
            {
                // The committed agent is the desired one (or none of the chain: keep nothing stale).
                if (links[^1].SuccessorKey.AsSpan().SequenceEqual(s.MyView.AgentKey)) committedLinks = committedLinks.AddRange(links);
                links = [];
                agentKey = null;
            }
            else
            {
                committedLinks = committedLinks.AddRange(links.Take(from));
                links = links.RemoveRange(0, from);
            }
            if (committedLinks.Count > PairState.MaxCommittedSuccessions)
                committedLinks = committedLinks.RemoveRange(0, committedLinks.Count - PairState.MaxCommittedSuccessions);
        }
        var card = s.PendingCardAssertion;
        if (card is not null && s.MyView.CardVersion >= s.DesiredCard.Version) card = null;
        // Nothing pending (most commits): the state itself, not a copy.
        if (ReferenceEquals(links, s.PendingSuccessions) && ReferenceEquals(committedLinks, s.CommittedSuccessions)
            && ReferenceEquals(agentKey, s.PendingAgentPrivateKey) && ReferenceEquals(card, s.PendingCardAssertion))
            return s;
        return s with { PendingSuccessions = links, CommittedSuccessions = committedLinks, PendingAgentPrivateKey = agentKey, PendingCardAssertion = card };
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// PAIRMLS.md "Receiving": Delivered, Duplicate, Expired, Undecryptable or Rejected. Never throws
    /// on bad bytes; a rejection changes nothing (a fork is counted in <see cref="ForksDetected"/>).
    /// When <see cref="ReceiveOutcome.StateChanged"/>, persist <see cref="Save"/>.
    /// </summary>
    public ReceiveOutcome Receive(ReadOnlySpan<byte> datagram)
    {
        var outcome = PairReceiver.Receive(_state, datagram, Options, _random, out var next, out bool fork);
        if (fork) ForksDetected++;
        if (outcome.StateChanged) Swap(next);
        if (outcome.StapleTaken || outcome is Resynced) _askedSinceLoad = false;
        return outcome;
    }

    /// <summary>
    /// Swaps in an accepted state and zeroes every secret the old state held that the new one no
    /// longer holds (<see cref="SecretRetirement"/>): keys of epochs that left the window, untaken
    /// update proposals, consumed ratchet secrets, pruned header keys.
    /// </summary>
    private void Swap(PairState next)
    {
        var old = _state;
        _state = next;
        SecretRetirement.Retire(old, next);
    }

    // ---------------------------------------------------------------- persistence

    /// <summary>
    /// The saved state (<see cref="PairStateCodec"/>, a <see cref="StateKind.PairSession"/> blob): what
    /// <see cref="Send"/> hands out with each datagram. It holds private keys: store it as one, never log it.
    /// <see cref="ForksDetected"/> is an observation, not state, and is not saved.
    /// </summary>
    public byte[] Save() => PairStateCodec.Save(_state);

    /// <summary>
    /// A session restored from <see cref="Save"/>'s bytes (after a crash, or an older copy for a
    /// rollback). Throws only <see cref="MlsDecodeException"/> on malformed bytes. Until the peer's
    /// next Commit arrives, the datagrams it sends ask the peer for a resync offer (docs/RECOVERY.md).
    /// </summary>
    public static PairSession Load(ReadOnlySpan<byte> bytes, PairOptions options, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        return new PairSession(PairStateCodec.Load(bytes, options.ToGroupOptions()), options, random) { _askedSinceLoad = true };
    }

    /// <summary>docs/RECOVERY.md "Loaded states ask": whether the datagrams we send ask the peer for a resync offer (after a load, until the peer's next Commit).</summary>
    public bool AskingForResync => _askedSinceLoad || _state.RecoveryRequest is not null;

    /// <summary>For tests and benchmarks: the current state value.</summary>
    internal PairState State => _state;

    /// <summary>For tests: replaces the state (to stage situations an honest peer never produces).</summary>
    internal void ReplaceStateForTests(PairState state) => _state = state;

    /// <summary>For tests: opens and parses a datagram with the keys held, without processing it.</summary>
    internal DatagramBody? Inspect(ReadOnlySpan<byte> datagram) =>
        PairReceiver.Open(_state, datagram) is { } opened ? DatagramBody.Parse(opened.Body) : null;

    // Stryker disable once all : a description for logs and debuggers; no rule of PairMLS depends on it
    public override string ToString() => $"PairSession({_state.Role}, epoch {_state.Epoch}, w {_state.WelcomeEpoch})";
}
