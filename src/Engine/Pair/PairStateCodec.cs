using System.Collections.Immutable;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>
/// The saved form of a PairMLS session (crash and restore; local storage, not a wire format), the
/// body of a <see cref="StateKind.PairSession"/> envelope:
/// <code>
/// uint8 role;                                   // inviter(0), acceptor(1)
/// uint64 welcome_epoch;
/// opaque group_state&lt;V&gt;;                      // GroupState.Save (its own envelope)
/// uint32 peer_leaf;
/// SavedView my_view; SavedView peer_view;
/// Card desired_card;
/// optional&lt;CardAssertion&gt; pending_card_assertion;
/// optional&lt;opaque pending_agent_private_key&lt;V&gt;&gt;;
/// SuccessionAssertion pending_successions&lt;V&gt;;
/// optional&lt;Staple&gt; own_staple;
/// EpochBytes staple_hashes&lt;V&gt;;               // ascending epoch
/// EpochBytes header_keys&lt;V&gt;;                 // ascending epoch (secret)
/// SavedPeerProposal peer_proposals&lt;V&gt;;
/// SavedOwnProposal own_proposals&lt;V&gt;;
/// optional&lt;opaque invitation_init_key&lt;V&gt;&gt;;
/// optional&lt;opaque invitation_init_private_key&lt;V&gt;&gt;;   // secret
/// DeliveredGuard delivered_guards&lt;V&gt;;       // oldest first
/// uint8 peer_proposals_suspended;               // 0 or 1
/// optional&lt;uint64&gt; offer_seal_epoch;         // docs/RECOVERY.md "Resync"
/// optional&lt;uint64&gt; recovery_request;
/// EpochBytes own_contexts&lt;V&gt;;              // ascending epoch: serialized GroupContext of own epochs
/// EpochBytes peer_commit_contents&lt;V&gt;;      // ascending epoch: hash of the signed content of the peer's Commit
/// optional&lt;opaque commit_base&lt;V&gt;&gt;;         // the own_contexts entry the peer holds for the epoch our Commit left
/// SuccessionAssertion committed_successions&lt;V&gt;;  // our newest committed links, oldest first
///
/// struct { uint64 epoch; uint32 generation; uint32 reuse_guard; } DeliveredGuard;
/// struct { opaque agent_key&lt;V&gt;; CardAssertion card_assertion; opaque succession_hash&lt;V&gt;; } SavedView;
/// struct { uint64 epoch; opaque bytes&lt;V&gt;; } EpochBytes;
/// struct { opaque ref&lt;V&gt;; uint8 kind; uint64 sequence; SavedView view; } SavedPeerProposal;
/// struct { opaque ref&lt;V&gt;; uint8 kind; SavedView view; opaque message&lt;V&gt;; IdentityEvidence evidence; } SavedOwnProposal;
/// </code>
/// The output holds private keys and secrets: store it as a private key, never log it.
/// </summary>
internal static class PairStateCodec
{
    public static byte[] Save(PairState s) => StateEnvelope.Seal(StateKind.PairSession, w =>
    {
        w.WriteUInt8(s.Role == PairRole.Inviter ? (byte)0 : (byte)1);
        w.WriteUInt64(s.WelcomeEpoch);
        s.Group.SaveNested(w);
        w.WriteUInt32(s.PeerLeaf);
        WriteView(w, s.MyView);
        WriteView(w, s.PeerView);
        s.DesiredCard.Encode(w);
        w.WriteOptional(s.PendingCardAssertion, (w2, c) => c.Encode(w2));
        w.WriteOptional(s.PendingAgentPrivateKey, (w2, k) => w2.WriteOpaque(k));
        w.WriteVector(s.PendingSuccessions, (w2, l) => l.Encode(w2));
        w.WriteOptional(s.OwnStaple, (w2, st) => st.Encode(w2));
        WriteEpochBytes(w, s.StapleHashes);
        WriteEpochBytes(w, s.HeaderKeys);
        w.WriteVector(s.PeerProposals, (w2, p) =>
        {
            w2.WriteOpaque(p.Ref);
            w2.WriteUInt8((byte)p.Priority.Kind);
            w2.WriteUInt64(p.Priority.Sequence);
            WriteView(w2, p.Update.View);
        });
        w.WriteVector(s.OwnProposals, (w2, p) =>
        {
            w2.WriteOpaque(p.Ref);
            w2.WriteUInt8((byte)p.Intended.Kind);
            WriteView(w2, p.Intended.View);
            w2.WriteOpaque(p.Message);
            p.Evidence.Encode(w2);
        });
        w.WriteOptional(s.InvitationInitKey, (w2, k) => w2.WriteOpaque(k));
        w.WriteOptional(s.InvitationInitPrivateKey, (w2, k) => k.Save(w2));
        w.WriteVector(s.DeliveredGuards, (w2, g) =>
        {
            w2.WriteUInt64(g.Epoch);
            w2.WriteUInt32(g.Generation);
            w2.WriteUInt32(g.Guard);
        });
        w.WriteUInt8(s.PeerProposalsSuspended ? (byte)1 : (byte)0);
        WriteOptionalEpoch(w, s.OfferSealEpoch);
        WriteOptionalEpoch(w, s.RecoveryRequest);
        WriteEpochBytes(w, s.OwnContexts);
        WriteEpochBytes(w, s.PeerCommitContents);
        w.WriteOptional(s.CommitBase, (w2, b) => w2.WriteOpaque(b));
        w.WriteVector(s.CommittedSuccessions, (w2, l) => l.Encode(w2));
    });

    private static void WriteOptionalEpoch(TlsWriter w, ulong? epoch)
    {
        w.WriteUInt8(epoch is null ? (byte)0 : (byte)1);
        if (epoch is { } e) w.WriteUInt64(e);
    }

    /// <summary>Loads what <see cref="Save"/> wrote; only <see cref="MlsDecodeException"/> on bad bytes.</summary>
    public static PairState Load(ReadOnlySpan<byte> bytes, GroupOptions groupOptions) =>
        StateEnvelope.Open(bytes, StateKind.PairSession, (ref TlsReader r) =>
        {
            try { return Read(ref r, groupOptions); }
            catch (MlsProtocolException e) { throw new MlsDecodeException("saved PairMLS state: " + e.Message, e); }
        });

    private static PairState Read(ref TlsReader r, GroupOptions groupOptions)
    {
        var role = r.ReadUInt8() switch
        {
            0 => PairRole.Inviter,
            1 => PairRole.Acceptor,
            var b => throw new MlsDecodeException($"saved PairMLS state: role {b}"),
        };
        ulong welcomeEpoch = r.ReadUInt64();
        var group = GroupState.Load(r.ReadOpaqueSpan(), groupOptions);
        var suite = group.Suite;
        uint peerLeaf = r.ReadUInt32();
        var myView = ReadView(ref r, suite);
        var peerView = ReadView(ref r, suite);
        var desiredCard = Card.Decode(ref r);
        var pendingCard = r.ReadOptional(CardAssertion.Decode);
        var pendingAgent = r.ReadPresence() ? r.ReadOpaque() : null;
        var successions = r.ReadVector(SuccessionAssertion.Decode).ToImmutableList();
        var ownStaple = r.ReadOptional(Staple.Decode);
        var stapleHashes = ReadEpochBytes(ref r);
        var headerKeys = ReadEpochBytes(ref r);
        var peerProposals = r.ReadVector((ref TlsReader r2) =>
        {
            var reference = r2.ReadOpaque();
            var kind = ReadKind(ref r2);
            ulong sequence = r2.ReadUInt64();
            return new PeerProposal(reference, new UpdatePriority(kind, sequence), new IdentityUpdate(kind, ReadView(ref r2, suite)));
        }).ToImmutableList();
        var ownProposals = r.ReadVector((ref TlsReader r2) =>
        {
            var reference = r2.ReadOpaque();
            var kind = ReadKind(ref r2);
            var view = ReadView(ref r2, suite);
            var message = r2.ReadOpaque();
            return new OwnProposal(reference, new IdentityUpdate(kind, view), message, IdentityEvidence.Decode(ref r2));
        }).ToImmutableList();
        var initKey = r.ReadPresence() ? r.ReadOpaque() : null;
        var initPrivateKey = r.ReadPresence() ? Secret.Load(ref r) : null;
        AppendWindow<DeliveredGuard> guards = [.. r.ReadVector((ref TlsReader r2) => new DeliveredGuard(r2.ReadUInt64(), r2.ReadUInt32(), r2.ReadUInt32()))];
        if (guards.Count > PairState.MaxDeliveredGuards) throw new MlsDecodeException($"saved PairMLS state: {guards.Count} delivered guards");
        bool suspended = r.ReadUInt8() switch
        {
            0 => false,
            1 => true,
            var b => throw new MlsDecodeException($"saved PairMLS state: peer_proposals_suspended {b}"),
        };
        ulong? offerSealEpoch = r.ReadPresence() ? r.ReadUInt64() : null;
        ulong? recoveryRequest = r.ReadPresence() ? r.ReadUInt64() : null;
        var ownContexts = ReadEpochBytes(ref r);
        var peerCommitContents = ReadEpochBytes(ref r);
        var commitBase = r.ReadPresence() ? r.ReadOpaque() : null;
        var committedSuccessions = r.ReadVector(SuccessionAssertion.Decode).ToImmutableList();
        if (committedSuccessions.Count > PairState.MaxCommittedSuccessions)
            throw new MlsDecodeException($"saved PairMLS state: {committedSuccessions.Count} committed succession links");

        if (group.Epoch < welcomeEpoch) throw new MlsDecodeException("saved PairMLS state: the group is older than the Welcome");
        if (ownProposals.Count > PairState.MaxOwnProposals)
            throw new MlsDecodeException($"saved PairMLS state: {ownProposals.Count} own proposals, more than {PairState.MaxOwnProposals}");
        foreach (var p in ownProposals)
            if (group.FindProposal(p.Ref) is not { Own: not null })
                throw new MlsDecodeException("saved PairMLS state: an own proposal the group does not hold");
        if (peerLeaf == group.OwnLeafIndex || group.Tree.TryGetLeaf(peerLeaf) is null)
            throw new MlsDecodeException("saved PairMLS state: the peer's leaf is not another member");
        // A pending agent key must be a key of the suite (PublicKeyOf throws MlsProtocolException otherwise).
        if (pendingAgent is not null) suite.Signature.PublicKeyOf(pendingAgent);
        foreach (var (_, key) in headerKeys)
            if (key.Length != suite.Aead.KeyLength) throw new MlsDecodeException("saved PairMLS state: a header key has the wrong length");
        return new PairState
        {
            Role = role,
            WelcomeEpoch = welcomeEpoch,
            Group = group,
            PeerLeaf = peerLeaf,
            MyView = myView,
            PeerView = peerView,
            DesiredCard = desiredCard,
            PendingCardAssertion = pendingCard,
            PendingAgentPrivateKey = pendingAgent,
            PendingSuccessions = successions,
            OwnStaple = ownStaple,
            OwnStapleBytes = ownStaple is null ? null : Tls.Serialize(ownStaple),
            StapleHashes = stapleHashes,
            HeaderKeys = headerKeys,
            PeerProposals = peerProposals,
            OwnProposals = ownProposals,
            InvitationInitKey = initKey,
            InvitationInitPrivateKey = initPrivateKey,
            DeliveredGuards = guards,
            PeerProposalsSuspended = suspended,
            OfferSealEpoch = offerSealEpoch,
            RecoveryRequest = recoveryRequest,
            OwnContexts = ownContexts,
            PeerCommitContents = peerCommitContents,
            CommitBase = commitBase,
            CommittedSuccessions = committedSuccessions,
        };
    }

    private static void WriteView(TlsWriter w, IdentityView view)
    {
        w.WriteOpaque(view.AgentKey);
        view.CardAssertion.Encode(w);
        w.WriteOpaque(view.SuccessionHash);
    }

    private static IdentityView ReadView(ref TlsReader r, CipherSuite suite)
    {
        var agentKey = r.ReadOpaque();
        var assertion = CardAssertion.Decode(ref r);
        return IdentityView.Create(suite, agentKey, assertion, r.ReadOpaque());
    }

    private static UpdateKind ReadKind(ref TlsReader r) => r.ReadUInt8() switch
    {
        0 => UpdateKind.Leaf,
        1 => UpdateKind.Agent,
        2 => UpdateKind.Identity,
        var b => throw new MlsDecodeException($"saved PairMLS state: update kind {b}"),
    };

    private static void WriteEpochBytes(TlsWriter w, EpochMap map)
    {
        int mark = w.BeginVector();
        foreach (var (epoch, bytes) in map)
        {
            w.WriteUInt64(epoch);
            w.WriteOpaque(bytes);
        }
        w.EndVector(mark);
    }

    private static EpochMap ReadEpochBytes(ref TlsReader r)
    {
        var list = r.ReadVector((ref TlsReader r2) => (Epoch: r2.ReadUInt64(), Bytes: r2.ReadOpaque()));
        try { return EpochMap.From(list); }
        catch (ArgumentException e) { throw new MlsDecodeException("saved PairMLS state: " + e.Message); }
    }
}
