using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>
/// One member of an ordinary two-member RFC 9420 group, for the baselines of PAIRMLS.md "Baselines":
/// behind a central delivery service (<see cref="CommitRule.DeliveryServiceOrders"/>) or committing
/// its own updates into the epochs it owns (<see cref="CommitRule.OwnEpochsByParity"/>). Every
/// datagram is one MLSMessage: commits as PublicMessage (RFC 9420 §6.2, what a server that orders
/// commits must read), application data as PrivateMessage (§6.3), the Welcome (§12.4.3.1).
/// <para>
/// Cards: a card edit is committed with the member's own UpdatePath; the commit's authenticated_data
/// carries the new card assertion, signed by the member's agent (its leaf signature key). Every
/// application message's authenticated_data carries the sender's committed card, so a peer learns
/// its first card from any message; later cards only from commits.
/// </para>
/// </summary>
public sealed class MlsPairClient
{
    private readonly IRandomSource _random;
    private MlsPairClientState _state;

    internal MlsPairClient(MlsPairClientState state, IRandomSource random)
    {
        _state = state;
        _random = random;
    }

    /// <summary>The MLS options of every baseline group (two members, RFC 9420 defaults otherwise).</summary>
    public static GroupOptions GroupOptionsFor(int retentionWindow) => GroupOptions.Default with
    {
        PastEpochsRetained = retentionWindow,
        ExternalPubInGroupInfo = false,
        RatchetTreeInWelcome = true,
        HandshakeWireFormat = WireFormat.PublicMessage,
    };

    /// <summary>The inviter's KeyPackage (the invitation) and card assertion.</summary>
    public static MlsPairInvitation Invite(Card card, ushort suiteId, CommitRule rule, int retentionWindow, IRandomSource random) =>
        MlsPairInvitation.Create(card, CipherSuite.Get(suiteId), rule, GroupOptionsFor(retentionWindow), random);

    /// <summary>The acceptor creates the group and commits Add(inviter) at once: w = 1 (no empty commit: these baselines do not hide who invited).</summary>
    public static MlsPairClient Accept(MlsPairInvitationPublic invitation, Card card, CommitRule rule, int retentionWindow, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var suite = CipherSuite.Get(invitation.KeyPackage.CipherSuite);
        KeyPackageValidation.Validate(suite, invitation.KeyPackage);
        if (!invitation.Card.Verify(suite)) throw new MlsProtocolException(MlsError.BadSignature, "invitation card assertion");
        byte[] groupId = random.NextBytes(16);
        using var agent = Agent.Create(suite, random);
        var group = MlsGroup.Create(suite, groupId, agent.ToKeyPair(), agent.Credential, random, GroupOptionsFor(retentionWindow));
        var add = group.Commit(new CommitOptions { InlineProposals = [new AddProposal(invitation.KeyPackage)], ForcePath = true });
        group.MergeCommit(add);
        byte[] addBytes = Tls.Serialize(add.Commit);
        byte[] welcomeBytes = Tls.Serialize(add.Welcome!);
        var state = new MlsPairClientState
        {
            Rule = rule,
            IsInviter = false,
            WelcomeEpoch = group.Epoch,
            Group = group.State,
            MyCard = agent.AssertCard(card, groupId),
            DesiredCard = card,
            AddCommit = addBytes,
            Welcome = welcomeBytes,
        }.WithStart(group.Epoch, Hash(suite, welcomeBytes), true); // both sides name w by its Welcome (the inviter never sees the Add commit)
        return new MlsPairClient(state, random);
    }

    internal static byte[] Hash(CipherSuite suite, ReadOnlySpan<byte> commit) => suite.RefHash("pairsim baseline commit", commit);

    // ---------------------------------------------------------------- accessors

    public CommitRule Rule => _state.Rule;
    public ulong Epoch => _state.Epoch;
    public ulong WelcomeEpoch => _state.WelcomeEpoch;
    public bool IsInviter => _state.IsInviter;
    public CipherSuite Suite => _state.Group.Suite;
    public byte[] GroupId => (byte[])_state.Group.GroupId.Clone();
    public byte[] EpochAuthenticator => _state.Group.EpochAuthenticator;
    public byte[] TreeHash => _state.Group.Tree.TreeHash();
    public byte[] GroupContextHash => Suite.Hash(Tls.Serialize(_state.Group.Context));
    public IdentityView MyView => View(_state.Group.OwnLeaf.SignatureKey, _state.MyCard);
    public IdentityView? PeerView => _state.PeerCard is { } c ? View(c.AgentKey, c) : null;
    public Card DesiredCard => _state.DesiredCard;
    public bool HasPendingIdentity => _state.DesiredCard.Version > _state.MyCard.Card.Version;
    public bool CommitInFlight => _state.PendingCommit is not null;
    public (byte[] Hash, bool ByMe)? StartOf(ulong epoch) => _state.Starts.TryGetValue(epoch, out var s) ? s : null;
    public long CommitsMade => _state.CommitsMade;
    public long CommitsRefused => _state.CommitsRefused;
    public long EditsWaited => _state.EditsWaited;

    private IdentityView View(byte[] agentKey, CardAssertion card) => IdentityView.Create(Suite, agentKey, card, []);

    // ---------------------------------------------------------------- sending

    /// <summary>
    /// The user sends: the acceptor's Add commit and Welcome while the inviter is not heard from; the
    /// commit in flight again (a retransmission) or a new commit of our own update when the rule lets
    /// us; then the application message. Every datagram is returned with the card version it asks the
    /// peer to commit (null if none) and whether it carries the payload.
    /// </summary>
    public (IReadOnlyList<BaselineDatagram> Datagrams, byte[] State) Send(ReadOnlySpan<byte> payload, CardEdit? edit = null)
    {
        var s = _state;
        var outgoing = new List<BaselineDatagram>();
        if (edit is not null) s = s with { DesiredCard = edit.ApplyTo(s.DesiredCard) };
        if (s.AddCommit is { } add && s.Rule == CommitRule.DeliveryServiceOrders) outgoing.Add(new BaselineDatagram(add, s.WelcomeEpoch, false, null));
        if (s.Welcome is { } welcome) outgoing.Add(new BaselineDatagram(welcome, s.WelcomeEpoch, false, null));
        // Server: the commit in flight again (a retransmission). Self-commit: our last commit, repeated until the
        // peer's commit on top shows it arrived (as PairMLS staples it), so a lost commit does not strand the peer.
        // A commit's datagram is labelled with the epoch it starts.
        if (s.PendingCommit is { } pending) outgoing.Add(new BaselineDatagram(pending, s.Rule == CommitRule.OwnEpochsByParity ? s.Epoch : s.Epoch + 1, false, s.PendingCard?.Card.Version));
        if (s.PendingCommit is null || s.Rule == CommitRule.OwnEpochsByParity) s = MaybeCommit(s, outgoing, onSend: true);
        if (edit is not null && s.EditWanted) s = s with { EditsWaited = s.EditsWaited + 1 };

        var group = MlsGroup.FromState(s.Group, _random);
        var application = group.EncryptApplication(payload, Tls.Serialize(s.MyCard));
        s = s with { Group = group.State };
        outgoing.Add(new BaselineDatagram(Tls.Serialize(application), s.Epoch, true, null));
        _state = s;
        return (outgoing, Save());
    }

    /// <summary>Commits our own update (with the desired card, if an edit is wanted) when the rule allows it now.</summary>
    private MlsPairClientState MaybeCommit(MlsPairClientState s, List<BaselineDatagram> outgoing, bool onSend)
    {
        bool lastByMe = s.Starts.TryGetValue(s.Epoch, out var start) && start.ByMe;
        bool may = s.Rule switch
        {
            CommitRule.DeliveryServiceOrders => s.PendingCommit is null && (s.EditWanted || (onSend && !lastByMe)),
            CommitRule.OwnEpochsByParity => s.IOwn(s.Epoch + 1) && (s.EditWanted || onSend),
            _ => false,
        };
        if (!may) return s;

        CardAssertion? card = null;
        if (s.EditWanted)
        {
            using var agent = Agent.FromPrivateKey(s.Group.Suite, s.Group.SignaturePrivateKey.Span);
            card = agent.AssertCard(s.DesiredCard, s.Group.GroupId);
        }
        var group = MlsGroup.FromState(s.Group, _random);
        byte[] aad = card is null ? [] : Tls.Serialize(card);
        var result = group.Commit(new CommitOptions { ForcePath = true, AuthenticatedData = aad });
        byte[] bytes = Tls.Serialize(result.Commit);
        outgoing.Add(new BaselineDatagram(bytes, s.Epoch + 1, false, card?.Card.Version));
        s = s with { CommitsMade = s.CommitsMade + 1 };
        if (s.Rule == CommitRule.DeliveryServiceOrders)
            return s with { Group = group.State, PendingCommit = bytes, PendingState = result.Staged.NewState, PendingCard = card };
        // Parity: nobody else may commit this epoch, so the commit is ours at once (as in PairMLS).
        var next = s with { Group = result.Staged.NewState, MyCard = card ?? s.MyCard, PendingCommit = bytes, PendingCard = null };
        return next.WithStart(next.Epoch, Hash(next.Group.Suite, bytes), true);
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// One MLSMessage. Never throws on bad bytes; a rejection changes nothing. A commit that moves us on
    /// may release datagrams: the card edit that waited for it (committed now).
    /// </summary>
    public (ReceiveOutcome Outcome, IReadOnlyList<BaselineDatagram> Datagrams) Receive(ReadOnlySpan<byte> datagram)
    {
        MlsMessage message;
        try { message = Tls.Deserialize<MlsMessage>(datagram); }
        catch (MlsDecodeException e) { return (new Rejected(RejectReason.Malformed, e.Message), []); }
        try
        {
            return message.WireFormat switch
            {
                WireFormat.PublicMessage when message.PublicMessage!.Content.ContentType == ContentType.Commit => ReceiveCommit(message, datagram),
                WireFormat.PrivateMessage when message.PrivateMessage!.ContentType == ContentType.Application => (ReceiveApplication(message), []),
                WireFormat.Welcome => (new Duplicate(_state.WelcomeEpoch), []),
                _ => (new Rejected(RejectReason.Invalid, $"unexpected {message.WireFormat}"), []),
            };
        }
        catch (ProcessMessageException e) { return (Outcome(e), []); }
        catch (MlsProtocolException e) { return (Outcome(e), []); }
    }

    private (ReceiveOutcome, IReadOnlyList<BaselineDatagram>) ReceiveCommit(MlsMessage message, ReadOnlySpan<byte> bytes)
    {
        var s = _state;
        var content = message.PublicMessage!.Content;
        if (!content.GroupId.AsSpan().SequenceEqual(s.Group.GroupId)) return (new Rejected(RejectReason.NotForThisSession, "another group"), []);
        ulong e = content.Epoch;
        if (e < s.Epoch) return (new Duplicate(e + 1), []);
        if (e > s.Epoch) return (new Rejected(RejectReason.UnknownEpoch, $"commit for epoch {e}, we are in {s.Epoch}"), []);
        var changes = new List<IdentityChange>();
        if (s.Rule == CommitRule.DeliveryServiceOrders && s.PendingCommit is { } pending && pending.AsSpan().SequenceEqual(bytes))
        {
            // The server fanned our own commit back: accepted.
            s = s with { Group = s.PendingState!, MyCard = s.PendingCard ?? s.MyCard, PendingCommit = null, PendingState = null, PendingCard = null };
            s = s.WithStart(s.Epoch, Hash(s.Group.Suite, bytes), true);
        }
        else
        {
            if (s.Rule == CommitRule.OwnEpochsByParity && s.IOwn(e + 1)) return (new Rejected(RejectReason.WrongParity, $"epoch {e + 1} is ours"), []);
            var group = MlsGroup.FromState(s.Group, _random);
            if (group.Process(message) is not StagedCommit staged) return (new Rejected(RejectReason.Invalid, "not a commit"), []);
            if (staged.CommitterLeaf == s.Group.OwnLeafIndex) return (new Rejected(RejectReason.Fork, "a commit of ours we do not hold"), []);
            var peerCard = s.PeerCard;
            if (staged.AuthenticatedData.Length > 0)
            {
                CardAssertion card;
                try { card = Tls.Deserialize<CardAssertion>(staged.AuthenticatedData); }
                catch (MlsDecodeException x) { return (new Rejected(RejectReason.Malformed, "commit card: " + x.Message), []); }
                var committerKey = staged.NewState.Tree.GetLeaf(staged.CommitterLeaf)!.SignatureKey;
                if (!card.Verify(s.Group.Suite) || !card.AgentKey.AsSpan().SequenceEqual(committerKey) || !card.ConversationId.AsSpan().SequenceEqual(s.Group.GroupId)
                    || (peerCard is not null && card.Card.Version <= peerCard.Card.Version))
                    return (new Rejected(RejectReason.IdentityRejected, "commit card assertion"), []);
                peerCard = card;
                changes.Add(new IdentityChange(PairMember.Peer, UpdateKind.Identity, View(card.AgentKey, card), staged.NewEpoch));
            }
            bool lost = s.Rule == CommitRule.DeliveryServiceOrders && s.PendingCommit is not null;
            s = s with
            {
                Group = staged.NewState,
                PeerCard = peerCard,
                PendingCommit = null,
                PendingState = null,
                PendingCard = null,
                CommitsRefused = s.CommitsRefused + (lost ? 1 : 0),
                Welcome = null,
                AddCommit = null,
            };
            s = s.WithStart(s.Epoch, Hash(s.Group.Suite, bytes), false);
        }
        var outgoing = new List<BaselineDatagram>();
        s = MaybeCommit(s, outgoing, onSend: false);
        _state = s;
        return (new HandshakeApplied(s.Epoch) { Committed = changes }, outgoing);
    }

    private ReceiveOutcome ReceiveApplication(MlsMessage message)
    {
        var s = _state;
        var group = MlsGroup.FromState(s.Group, _random);
        if (group.Process(message) is not ApplicationMessage app) return new Rejected(RejectReason.Invalid, "not application data");
        if (app.SenderLeaf == s.Group.OwnLeafIndex) return new Rejected(RejectReason.Invalid, "our own message");
        CardAssertion card;
        try { card = Tls.Deserialize<CardAssertion>(app.AuthenticatedData); }
        catch (MlsDecodeException x) { return new Rejected(RejectReason.Malformed, "message card: " + x.Message); }
        var peerCard = s.PeerCard;
        if (peerCard is null)
        {
            if (!card.Verify(s.Group.Suite) || !card.ConversationId.AsSpan().SequenceEqual(s.Group.GroupId)) return new Rejected(RejectReason.IdentityRejected, "message card assertion");
            peerCard = card;
        }
        // Heard from the inviter: she joined, so the acceptor stops repeating the Welcome. With a commit of ours at
        // the server, the state it stages keeps this epoch as a past one (RFC 9420 §14: its secret tree too): the
        // message's key is used up there as well, or a replay would open again once the server accepts our commit.
        _state = s with { Group = group.State, PendingState = s.PendingState is { } pending ? AlsoConsumed(pending, message) : null, PeerCard = peerCard, Welcome = null, AddCommit = null };
        return new Delivered(app.Data, app.Epoch, View(peerCard.AgentKey, peerCard), []);
    }

    /// <summary>The staged next state after the same application message was opened in its past epoch (unchanged if it holds no key for it).</summary>
    private GroupState AlsoConsumed(GroupState pending, MlsMessage message)
    {
        try
        {
            var staged = MlsGroup.FromState(pending, _random);
            return staged.Process(message) is ApplicationMessage ? staged.State : pending;
        }
        catch (ProcessMessageException) { return pending; }
        catch (MlsProtocolException) { return pending; }
    }

    private static ReceiveOutcome Outcome(MlsProtocolException e) => e.Error switch
    {
        MlsError.GenerationReused => new Duplicate(0),
        MlsError.GenerationTooOld or MlsError.MissingKey => new Expired(0),
        MlsError.WrongEpoch => new Rejected(RejectReason.UnknownEpoch, e.Message),
        MlsError.WrongGroup => new Rejected(RejectReason.NotForThisSession, e.Message),
        MlsError.Malformed => new Rejected(RejectReason.Malformed, e.Message),
        MlsError.DecryptionFailed or MlsError.BadSignature or MlsError.BadMembershipTag or MlsError.BadConfirmationTag => new Rejected(RejectReason.BadSignature, e.Message),
        _ => new Rejected(RejectReason.Invalid, e.Message),
    };

    private static ReceiveOutcome Outcome(ProcessMessageException e) => e.Reason switch
    {
        ProcessMessageError.GenerationReused => new Duplicate(0),
        ProcessMessageError.GenerationTooOld or ProcessMessageError.MissingKey => new Expired(0),
        ProcessMessageError.WrongEpoch => new Rejected(RejectReason.UnknownEpoch, e.Message),
        ProcessMessageError.WrongGroup => new Rejected(RejectReason.NotForThisSession, e.Message),
        ProcessMessageError.Malformed => new Rejected(RejectReason.Malformed, e.Message),
        ProcessMessageError.DecryptionFailed or ProcessMessageError.BadSignature or ProcessMessageError.BadMembershipTag
            or ProcessMessageError.BadConfirmationTag => new Rejected(RejectReason.BadSignature, e.Message),
        _ => new Rejected(RejectReason.Invalid, e.Message),
    };

    // ---------------------------------------------------------------- persistence

    /// <summary>The saved state (private keys inside: store it as one, never log it).</summary>
    public byte[] Save() => _state.Save();

    /// <summary>Throws only <see cref="MlsDecodeException"/> on malformed bytes.</summary>
    public static MlsPairClient Load(ReadOnlySpan<byte> bytes, int retentionWindow, IRandomSource random) =>
        new(MlsPairClientState.Load(bytes, GroupOptionsFor(retentionWindow)), random);

    public override string ToString() => $"MlsPairClient({_state.Rule}, {(_state.IsInviter ? "inviter" : "acceptor")}, epoch {_state.Epoch})";
}
