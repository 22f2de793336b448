using System.Collections.Immutable;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;

namespace Sim.Engine.Baselines;

/// <summary>
/// Everything a <see cref="StaticKeysSession"/> holds: its long-term HPKE key pair and signature key,
/// its card, the peer's long-term public keys (null until the inviter hears from the acceptor), the
/// next message counter and the peer counters already delivered (a bounded window). Nothing here
/// ever changes key: that is the baseline (PAIRMLS.md "Baselines": no FS, no PCS).
/// </summary>
internal sealed record StaticKeysState
{
    /// <summary>Delivered peer counters remembered for duplicate detection.</summary>
    public const int SeenWindow = 4096;

    public required ushort SuiteId { get; init; }
    public required bool IsInviter { get; init; }
    public required byte[] ConversationId { get; init; }
    public required KeyPair HpkeKey { get; init; }
    public required byte[] AgentPrivateKey { get; init; }
    public required CardAssertion MyCard { get; init; }
    public byte[]? PeerHpkeKey { get; init; }
    public byte[]? PeerAgentKey { get; init; }
    public CardAssertion? PeerCard { get; init; }
    public ulong NextCounter { get; init; }
    public ImmutableSortedSet<ulong> Seen { get; init; } = [];

    public CipherSuite Suite => CipherSuite.Get(SuiteId);

    public byte[] AgentKey => Suite.Signature.PublicKeyOf(AgentPrivateKey);

    public byte[] Save() => StateEnvelope.Seal(StateKind.StaticKeys, w =>
    {
        w.WriteUInt16(SuiteId);
        w.WriteUInt8(IsInviter ? (byte)1 : (byte)0);
        w.WriteOpaque(ConversationId);
        HpkeKey.Save(w);
        w.WriteOpaque(AgentPrivateKey);
        MyCard.Encode(w);
        w.WriteOpaque(PeerHpkeKey ?? []);
        w.WriteOpaque(PeerAgentKey ?? []);
        w.WriteOptional(PeerCard, (x, c) => c.Encode(x));
        w.WriteUInt64(NextCounter);
        w.WriteVector(Seen, (x, c) => x.WriteUInt64(c));
    });

    /// <summary>Throws only <see cref="MlsDecodeException"/> on malformed bytes.</summary>
    public static StaticKeysState Load(ReadOnlySpan<byte> bytes) => StateEnvelope.Open(bytes, StateKind.StaticKeys, static (ref TlsReader r) =>
    {
        ushort suite = r.ReadUInt16();
        if (suite is < 1 or > 7) throw new MlsDecodeException($"static keys state: unknown suite {suite}");
        byte inviter = r.ReadUInt8();
        if (inviter > 1) throw new MlsDecodeException("static keys state: bad role");
        var conversation = r.ReadOpaque();
        var hpke = KeyPair.Load(ref r);
        var agent = r.ReadOpaque();
        var card = CardAssertion.Decode(ref r);
        var peerHpke = r.ReadOpaque();
        var peerAgent = r.ReadOpaque();
        var peerCard = r.ReadOptional(CardAssertion.Decode);
        ulong next = r.ReadUInt64();
        var seen = r.ReadVector((ref TlsReader x) => x.ReadUInt64());
        return new StaticKeysState
        {
            SuiteId = suite,
            IsInviter = inviter == 1,
            ConversationId = conversation,
            HpkeKey = hpke,
            AgentPrivateKey = agent,
            MyCard = card,
            PeerHpkeKey = peerHpke.Length == 0 ? null : peerHpke,
            PeerAgentKey = peerAgent.Length == 0 ? null : peerAgent,
            PeerCard = peerCard,
            NextCounter = next,
            Seen = [.. seen],
        };
    });
}
