using System.Collections.Immutable;
using Sim.Engine.Codec;
using Sim.Engine.Group;
using Sim.Engine.Identity;

namespace Sim.Engine.Baselines;

/// <summary>
/// The saved state of an <see cref="MlsPairClient"/>: the RFC 9420 group, the commit in flight (its
/// bytes and the state it stages, kept until the server's answer or the peer's commit shows its
/// fate), the cards, the Welcome the acceptor repeats until the inviter is heard from, and how each
/// recent epoch started.
/// </summary>
internal sealed record MlsPairClientState
{
    /// <summary>Epoch starts remembered for the trace (commit hash, committer).</summary>
    public const int StartsKept = 16;

    public required CommitRule Rule { get; init; }
    public required bool IsInviter { get; init; }
    public required ulong WelcomeEpoch { get; init; }
    public required GroupState Group { get; init; }
    public required CardAssertion MyCard { get; init; }
    public required Card DesiredCard { get; init; }
    public CardAssertion? PeerCard { get; init; }
    public byte[]? PendingCommit { get; init; }
    public GroupState? PendingState { get; init; }
    public CardAssertion? PendingCard { get; init; }
    /// <summary>The acceptor's Add commit and Welcome, repeated with its datagrams until the inviter is heard from.</summary>
    public byte[]? AddCommit { get; init; }
    public byte[]? Welcome { get; init; }
    public ImmutableSortedDictionary<ulong, (byte[] Hash, bool ByMe)> Starts { get; init; } = ImmutableSortedDictionary<ulong, (byte[], bool)>.Empty;
    public long CommitsMade { get; init; }
    public long CommitsRefused { get; init; }
    public long EditsWaited { get; init; }

    public ulong Epoch => Group.Epoch;

    /// <summary>Parity ownership as in PairMLS: the acceptor owns the epochs of w's parity.</summary>
    public bool IOwn(ulong epoch) => (epoch % 2 == WelcomeEpoch % 2) != IsInviter;

    public bool EditWanted => DesiredCard.Version > MyCard.Card.Version && (PendingCard?.Card.Version ?? 0) < DesiredCard.Version;

    public MlsPairClientState WithStart(ulong epoch, byte[] hash, bool byMe)
    {
        var starts = Starts.SetItem(epoch, (hash, byMe));
        while (starts.Count > StartsKept) starts = starts.Remove(starts.Keys.First());
        return this with { Starts = starts };
    }

    public byte[] Save() => StateEnvelope.Seal(StateKind.CentralDsClient, w =>
    {
        w.WriteUInt8((byte)Rule);
        w.WriteUInt8(IsInviter ? (byte)1 : (byte)0);
        w.WriteUInt64(WelcomeEpoch);
        Group.SaveNested(w);
        MyCard.Encode(w);
        DesiredCard.Encode(w);
        w.WriteOptional(PeerCard, (x, c) => c.Encode(x));
        w.WriteOpaque(PendingCommit ?? []);
        w.WriteOpaque(PendingState?.Save() ?? []);
        w.WriteOptional(PendingCard, (x, c) => c.Encode(x));
        w.WriteOpaque(AddCommit ?? []);
        w.WriteOpaque(Welcome ?? []);
        w.WriteVector(Starts, (x, kv) => { x.WriteUInt64(kv.Key); x.WriteOpaque(kv.Value.Hash); x.WriteUInt8(kv.Value.ByMe ? (byte)1 : (byte)0); });
        w.WriteUInt64((ulong)CommitsMade);
        w.WriteUInt64((ulong)CommitsRefused);
        w.WriteUInt64((ulong)EditsWaited);
    });

    /// <summary>Throws only <see cref="MlsDecodeException"/> on malformed bytes.</summary>
    public static MlsPairClientState Load(ReadOnlySpan<byte> bytes, GroupOptions options) => StateEnvelope.Open(bytes, StateKind.CentralDsClient, (ref TlsReader r) =>
    {
        byte rule = r.ReadUInt8();
        if (rule > (byte)CommitRule.OwnEpochsByParity) throw new MlsDecodeException($"mls pair client state: unknown rule {rule}");
        byte inviter = r.ReadUInt8();
        if (inviter > 1) throw new MlsDecodeException("mls pair client state: bad role");
        ulong w = r.ReadUInt64();
        var group = GroupState.Load(r.ReadOpaqueSpan(), options);
        var myCard = CardAssertion.Decode(ref r);
        var desired = Card.Decode(ref r);
        var peerCard = r.ReadOptional(CardAssertion.Decode);
        var pending = r.ReadOpaque();
        var pendingState = r.ReadOpaqueSpan();
        var pendingCard = r.ReadOptional(CardAssertion.Decode);
        var add = r.ReadOpaque();
        var welcome = r.ReadOpaque();
        var starts = r.ReadVector((ref TlsReader x) =>
        {
            ulong e = x.ReadUInt64();
            var h = x.ReadOpaque();
            byte by = x.ReadUInt8();
            if (by > 1) throw new MlsDecodeException("mls pair client state: bad committer flag");
            return (e, h, by == 1);
        });
        var state = new MlsPairClientState
        {
            Rule = (CommitRule)rule,
            IsInviter = inviter == 1,
            WelcomeEpoch = w,
            Group = group,
            MyCard = myCard,
            DesiredCard = desired,
            PeerCard = peerCard,
            PendingCommit = pending.Length == 0 ? null : pending,
            PendingState = pendingState.Length == 0 ? null : GroupState.Load(pendingState, options),
            PendingCard = pendingCard,
            AddCommit = add.Length == 0 ? null : add,
            Welcome = welcome.Length == 0 ? null : welcome,
            Starts = starts.ToImmutableSortedDictionary(x => x.e, x => (x.h, x.Item3)),
            CommitsMade = (long)r.ReadUInt64(),
            CommitsRefused = (long)r.ReadUInt64(),
            EditsWaited = (long)r.ReadUInt64(),
        };
        return state;
    });
}
