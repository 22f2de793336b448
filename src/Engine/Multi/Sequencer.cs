using Sim.Engine.Codec;
using Sim.Engine.Framing;

namespace Sim.Engine.Multi;

/// <summary>
/// GROUPS.md strategy 1: an honest delivery service (RFC 9420 §14) that orders handshake messages.
/// It accepts the first Commit for each epoch (the epoch is in the PublicMessage's clear content,
/// §6.2) and fans it out to every member, logs it for catch-ups, and answers any other commit with
/// its epoch; application messages are fanned out as they come. It holds no group secrets.
/// </summary>
public sealed class Sequencer
{
    /// <summary>The sequencer's address on the network.</summary>
    public const string Name = "ds";

    private readonly IReadOnlyList<string> _members;
    private readonly List<(ulong Epoch, byte[] Datagram)> _log = [];

    /// <param name="members">Everyone who may be in the group (fan-out goes to all; non-members drop it).</param>
    /// <param name="epoch">The group's epoch when the sequencer starts.</param>
    public Sequencer(IReadOnlyList<string> members, ulong epoch)
    {
        _members = members ?? throw new ArgumentNullException(nameof(members));
        Epoch = epoch;
    }

    /// <summary>The epoch the next accepted commit must be for.</summary>
    public ulong Epoch { get; private set; }

    public int Accepted => _log.Count;
    public int Refused { get; private set; }

    /// <summary>A datagram reached the sequencer (arbitrary bytes): returns what it sends; bad input sends nothing.</summary>
    public IReadOnlyList<Outgoing> Receive(ReadOnlySpan<byte> bytes)
    {
        var sends = new List<Outgoing>();
        if (!MultiDatagram.TryParse(bytes, out var d) || d is null) return sends;
        byte[] raw = bytes.ToArray();
        switch (d.Kind)
        {
            case MultiKind.Commit:
                if (!Tls.TryDeserialize<MlsMessage>(d.Body, out var m) || m?.PublicMessage is not { } pub || pub.Content.ContentType != ContentType.Commit) break;
                if (pub.Content.Epoch == Epoch)
                {
                    _log.Add((Epoch, raw));
                    Epoch++;
                    foreach (var member in _members) sends.Add(new Outgoing(member, MultiKind.Commit, raw));
                }
                else if (!_log.Any(l => l.Datagram.AsSpan().SequenceEqual(raw)))
                {
                    Refused++;
                    sends.Add(new Outgoing(d.Sender, MultiKind.DsHead, Head()));
                }
                break;
            case MultiKind.Application:
                foreach (var member in _members.Where(x => x != d.Sender)) sends.Add(new Outgoing(member, MultiKind.Application, raw));
                break;
            case MultiKind.CatchUp:
                foreach (var (_, datagram) in _log.Where(l => l.Epoch >= d.Epoch)) sends.Add(new Outgoing(d.Sender, MultiKind.Commit, datagram));
                sends.Add(new Outgoing(d.Sender, MultiKind.DsHead, Head()));
                break;
        }
        return sends;
    }

    private byte[] Head() => new MultiDatagram(MultiKind.DsHead, Name, Epoch, []).ToBytes();
}
