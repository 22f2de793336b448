using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>
/// Baseline "static keys" (PAIRMLS.md "Baselines"): each party seals every message with RFC 9180 HPKE
/// (base mode) to the peer's long-term KEM key and signs it with its own long-term signature key. No
/// key ever changes, so a stolen state opens every message sent to its owner, before and after the
/// theft: no forward secrecy, no post-compromise security. A card edit travels, signed, in every
/// later message and takes effect on delivery (nothing binds it to key state).
/// <para>
/// Datagram: <c>enc || HPKE.Seal(pk_peer, info = "pairsim StaticKeys/1", aad = "", body)</c>, where body is
/// <c>struct { opaque sender_hpke_key&lt;V&gt;; opaque sender_agent_key&lt;V&gt;; uint64 counter; opaque payload&lt;V&gt;;
/// CardAssertion card; opaque signature&lt;V&gt;; }</c> and the signature is SignWithLabel(agent, "StaticKeys message",
/// conversation_id || recipient_hpke_key || the body up to the signature) (RFC 9420 §5.1.2).
/// </para>
/// </summary>
public sealed class StaticKeysSession
{
    public const string Info = "pairsim StaticKeys/1";
    public const string SignLabel = "StaticKeys message";

    private readonly IRandomSource _random;
    private StaticKeysState _state;

    private StaticKeysSession(StaticKeysState state, IRandomSource random)
    {
        _state = state;
        _random = random;
    }

    /// <summary>The inviter's long-term keys; <see cref="StaticKeysInvitation.Public"/> goes out of band.</summary>
    public static StaticKeysInvitation Invite(Card card, ushort suiteId, IRandomSource random)
    {
        var state = NewState(card, CipherSuite.Get(suiteId), random.NextBytes(16), isInviter: true, random);
        return new StaticKeysInvitation(new StaticKeysSession(state, random));
    }

    /// <summary>The acceptor: fresh long-term keys of its own and the inviter's public keys.</summary>
    public static StaticKeysSession Accept(StaticKeysInvitationPublic invitation, Card card, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var suite = CipherSuite.Get(invitation.SuiteId);
        if (!invitation.Card.Verify(suite) || !invitation.Card.AgentKey.AsSpan().SequenceEqual(invitation.AgentKey)
            || !invitation.Card.ConversationId.AsSpan().SequenceEqual(invitation.ConversationId))
            throw new MlsProtocolException(MlsError.BadSignature, "static keys invitation: card assertion does not verify");
        var state = NewState(card, suite, invitation.ConversationId, isInviter: false, random) with
        {
            PeerHpkeKey = invitation.HpkeKey,
            PeerAgentKey = invitation.AgentKey,
            PeerCard = invitation.Card,
        };
        return new StaticKeysSession(state, random);
    }

    private static StaticKeysState NewState(Card card, CipherSuite suite, byte[] conversationId, bool isInviter, IRandomSource random)
    {
        using var agent = Agent.Create(suite, random);
        return new StaticKeysState
        {
            SuiteId = suite.Id,
            IsInviter = isInviter,
            ConversationId = conversationId,
            HpkeKey = suite.Kem.GenerateKeyPair(random),
            AgentPrivateKey = agent.SignaturePrivateKey.ToArray(),
            MyCard = agent.AssertCard(card, conversationId),
        };
    }

    internal StaticKeysState State => _state;

    public CipherSuite Suite => _state.Suite;
    public bool Joined => _state.PeerHpkeKey is not null;
    public byte[] ConversationId => (byte[])_state.ConversationId.Clone();
    public IdentityView MyView => View(_state.AgentKey, _state.MyCard);
    public IdentityView? PeerView => _state.PeerAgentKey is { } k && _state.PeerCard is { } c ? View(k, c) : null;
    public Card DesiredCard => _state.MyCard.Card;
    /// <summary>Messages sent so far.</summary>
    public ulong Sent => _state.NextCounter;

    private IdentityView View(byte[] agentKey, CardAssertion card) => IdentityView.Create(_state.Suite, agentKey, card, []);

    /// <summary>Seals <paramref name="payload"/> to the peer's long-term key now; a card edit is signed into this and every later message.</summary>
    public (byte[] Datagram, byte[] State) Send(ReadOnlySpan<byte> payload, CardEdit? edit = null)
    {
        var s = _state;
        if (s.PeerHpkeKey is not { } peerKey) throw new InvalidOperationException("the inviter sends only after the acceptor's first message reached her");
        if (edit is not null)
        {
            using var agent = Agent.FromPrivateKey(s.Suite, s.AgentPrivateKey);
            s = s with { MyCard = agent.AssertCard(edit.ApplyTo(s.MyCard.Card), s.ConversationId) };
        }
        var w = new TlsWriter();
        w.WriteOpaque(s.HpkeKey.PublicKey);
        w.WriteOpaque(s.AgentKey);
        w.WriteUInt64(s.NextCounter);
        w.WriteOpaque(payload);
        s.MyCard.Encode(w);
        var signature = s.Suite.SignWithLabel(s.AgentPrivateKey, SignLabel, ToBeSigned(s.ConversationId, peerKey, w.WrittenSpan));
        w.WriteOpaque(signature);
        var (enc, ct) = s.Suite.Hpke.Seal(peerKey, System.Text.Encoding.ASCII.GetBytes(Info), default, w.WrittenSpan, _random);
        _state = s with { NextCounter = s.NextCounter + 1 };
        return ([.. enc, .. ct], Save());
    }

    private static byte[] ToBeSigned(byte[] conversationId, byte[] recipientKey, ReadOnlySpan<byte> body)
    {
        var w = new TlsWriter();
        w.WriteOpaque(conversationId);
        w.WriteOpaque(recipientKey);
        w.WriteFixed(body);
        return w.ToArray();
    }

    /// <summary>
    /// Opens a datagram with the long-term private key. Never throws on bad bytes; a rejection changes
    /// nothing. The inviter learns the acceptor's keys from the first datagram that verifies (as a
    /// PairMLS invitee learns her peer from the Welcome).
    /// </summary>
    public ReceiveOutcome Receive(ReadOnlySpan<byte> datagram)
    {
        var s = _state;
        var suite = s.Suite;
        int encLength = suite.Kem.EncLength;
        if (datagram.Length < encLength + Aead.TagLength) return new Rejected(RejectReason.NotForThisSession, "too short for HPKE");
        if (suite.Hpke.TryOpen(datagram[..encLength], s.HpkeKey.PrivateKey, System.Text.Encoding.ASCII.GetBytes(Info), default, datagram[encLength..]) is not { } body)
            return new Rejected(RejectReason.NotForThisSession, "our long-term key does not open it");

        byte[] senderHpke, senderAgent, payload, signature;
        ulong counter;
        CardAssertion card;
        int signedLength;
        try
        {
            var r = new TlsReader(body);
            senderHpke = r.ReadOpaque();
            senderAgent = r.ReadOpaque();
            counter = r.ReadUInt64();
            payload = r.ReadOpaque();
            card = CardAssertion.Decode(ref r);
            signedLength = r.Position;
            signature = r.ReadOpaque();
            r.EnsureEnd();
        }
        catch (MlsDecodeException e) { return new Rejected(RejectReason.Malformed, e.Message); }

        if (s.PeerAgentKey is { } known && (!CipherSuite.FixedTimeEquals(known, senderAgent) || !CipherSuite.FixedTimeEquals(s.PeerHpkeKey!, senderHpke)))
            return new Rejected(RejectReason.BadSignature, "sender keys are not the peer's");
        if (!suite.VerifyWithLabel(senderAgent, SignLabel, ToBeSigned(s.ConversationId, s.HpkeKey.PublicKey, body.AsSpan(0, signedLength)), signature))
            return new Rejected(RejectReason.BadSignature, "message signature");
        if (!card.Verify(suite) || !CipherSuite.FixedTimeEquals(card.AgentKey, senderAgent) || !card.ConversationId.AsSpan().SequenceEqual(s.ConversationId))
            return new Rejected(RejectReason.IdentityRejected, "card assertion");
        if (s.Seen.Contains(counter)) return new Duplicate(0);
        if (s.Seen.Count >= StaticKeysState.SeenWindow && counter < s.Seen.Min) return new Expired(0);

        var changes = new List<IdentityChange>();
        var peerCard = s.PeerCard;
        if (peerCard is null || card.Card.Version > peerCard.Card.Version)
        {
            if (peerCard is not null) changes.Add(new IdentityChange(PairMember.Peer, UpdateKind.Identity, View(senderAgent, card), 0));
            peerCard = card;
        }
        var seen = s.Seen.Add(counter);
        if (seen.Count > StaticKeysState.SeenWindow) seen = seen.Remove(seen.Min);
        _state = s with { PeerHpkeKey = senderHpke, PeerAgentKey = senderAgent, PeerCard = peerCard, Seen = seen };
        return new Delivered(payload, 0, View(senderAgent, peerCard), changes);
    }

    /// <summary>
    /// What the long-term private key alone opens (an attacker's view of a stolen state): the payload of
    /// any datagram sealed to it whose signature verifies, delivered before or not. Changes nothing.
    /// </summary>
    public byte[]? OpenWithKeysOnly(ReadOnlySpan<byte> datagram)
    {
        var saved = _state;
        try
        {
            _state = _state with { Seen = [] };
            return Receive(datagram) is Delivered d ? d.Payload : null;
        }
        finally { _state = saved; }
    }

    /// <summary>The saved state: it holds the long-term private keys (store it as one, never log it).</summary>
    public byte[] Save() => _state.Save();

    /// <summary>Throws only <see cref="MlsDecodeException"/> on malformed bytes.</summary>
    public static StaticKeysSession Load(ReadOnlySpan<byte> bytes, IRandomSource random) => new(StaticKeysState.Load(bytes), random);

    public override string ToString() => $"StaticKeysSession({(_state.IsInviter ? "inviter" : "acceptor")}, {_state.NextCounter} sent)";
}
