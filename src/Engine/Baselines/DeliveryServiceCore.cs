using Sim.Engine.Codec;
using Sim.Engine.Framing;

namespace Sim.Engine.Baselines;

/// <summary>What a central delivery service can tell about a datagram by reading it (its metadata view).</summary>
public enum DsKind
{
    /// <summary>Not an MLSMessage: opaque bytes (a PairMLS datagram through a relay).</summary>
    Opaque,
    Commit,
    Application,
    Welcome,
    Other,
}

/// <summary>What the server read from a datagram: the kind, and for MLS messages the group id, epoch and (PublicMessage) sender leaf.</summary>
public sealed record DsView(DsKind Kind, byte[]? GroupId, ulong? Epoch, uint? SenderLeaf)
{
    /// <summary>Reads what a server reads: the MLSMessage framing in the clear (RFC 9420 §6: group_id, epoch, content_type; a PublicMessage's sender).</summary>
    public static DsView Of(ReadOnlySpan<byte> datagram)
    {
        MlsMessage m;
        try { m = Tls.Deserialize<MlsMessage>(datagram); }
        catch (MlsDecodeException) { return new DsView(DsKind.Opaque, null, null, null); }
        return m.WireFormat switch
        {
            WireFormat.PublicMessage => new DsView(m.PublicMessage!.Content.ContentType == ContentType.Commit ? DsKind.Commit : DsKind.Other,
                m.PublicMessage.Content.GroupId, m.PublicMessage.Content.Epoch, m.PublicMessage.Content.Sender.LeafIndex),
            WireFormat.PrivateMessage => new DsView(m.PrivateMessage!.ContentType == ContentType.Application ? DsKind.Application : DsKind.Other,
                m.PrivateMessage.GroupId, m.PrivateMessage.Epoch, null),
            WireFormat.Welcome => new DsView(DsKind.Welcome, null, null, null),
            _ => new DsView(DsKind.Other, null, null, null),
        };
    }
}

/// <summary>
/// The ordering logic of a central delivery service for one two-member group (PAIRMLS.md "Baselines"):
/// it accepts the first commit it sees for each epoch and fans it out to both members (the sender's
/// copy is its acceptance); a later, different commit for an accepted epoch is refused, and its
/// sender is sent the accepted commits it lacks, so it can retry on the new epoch. Application
/// messages and the Welcome go to the peer; a sender whose message shows an older epoch is also sent
/// the commits it lacks. Opaque datagrams are relayed. Pure logic: the simulator's actor adds the
/// network, the schedule and any malice.
/// </summary>
public sealed class DeliveryServiceCore
{
    /// <summary>Accepted commits kept for members that fall behind.</summary>
    public const int LogKept = 64;

    private readonly SortedDictionary<ulong, byte[]> _log = [];
    private ulong? _epoch;

    /// <summary>The next epoch the server will accept a commit for (null: none seen yet).</summary>
    public ulong? Epoch => _epoch;

    public long CommitsAccepted { get; private set; }
    public long CommitsRefused { get; private set; }

    /// <summary>What to do with <paramref name="datagram"/>: bytes for the peer, bytes back to the sender, and what the server read.</summary>
    public (IReadOnlyList<byte[]> ToPeer, IReadOnlyList<byte[]> ToSender, DsView View) Route(ReadOnlySpan<byte> datagram)
    {
        var view = DsView.Of(datagram);
        var bytes = datagram.ToArray();
        switch (view.Kind)
        {
            case DsKind.Commit:
                ulong e = view.Epoch!.Value;
                if (_epoch is null || e == _epoch)
                {
                    _log[e] = bytes;
                    while (_log.Count > LogKept) _log.Remove(_log.Keys.First());
                    _epoch = e + 1;
                    CommitsAccepted++;
                    return ([bytes], [bytes], view);
                }
                if (e < _epoch && _log.TryGetValue(e, out var accepted) && accepted.AsSpan().SequenceEqual(bytes))
                    return ([bytes], [bytes], view); // a retransmission of an accepted commit: fan it out again
                if (e < _epoch) CommitsRefused++;
                return ([], Missing(e), view);
            case DsKind.Application:
                return ([bytes], view.Epoch is { } m && _epoch is { } now && m + 1 < now ? Missing(m) : [], view);
            default:
                return ([bytes], [], view);
        }
    }

    /// <summary>The accepted commits from <paramref name="epoch"/> on, in order.</summary>
    private List<byte[]> Missing(ulong epoch) => _log.Where(kv => kv.Key >= epoch).Select(kv => kv.Value).ToList();
}
