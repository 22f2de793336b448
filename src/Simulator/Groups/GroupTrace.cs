using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sim.Simulator.Groups;

/// <summary>
/// The append-only trace of one group world: typed events, their JSON Lines (fixed property order,
/// so the same events give the same bytes) and the trace hash (SHA-256 of the JSON Lines).
/// Checkers and metrics read <see cref="Events"/> only, so a saved trace can be judged again.
/// </summary>
public sealed class GroupTrace
{
    private readonly List<GroupTraceEvent> _events = [];
    private readonly ArrayBufferWriter<byte> _lines = new(4096);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public IReadOnlyList<GroupTraceEvent> Events => _events;

    public long NextSeq => _events.Count;

    public void Append(GroupTraceEvent e)
    {
        if (e.Seq != _events.Count) throw new InvalidOperationException($"trace sequence {e.Seq} after {_events.Count} events");
        int start = _lines.WrittenCount;
        Write(e, _lines);
        _lines.Write("\n"u8);
        _hash.AppendData(_lines.WrittenSpan[start..]);
        _events.Add(e);
    }

    public string Hash() => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    public string ToJsonLines() => Encoding.UTF8.GetString(_lines.WrittenSpan);

    public void WriteTo(string path) => File.WriteAllBytes(path, _lines.WrittenSpan.ToArray());

    /// <summary>A trace built from events (a saved trace, or a test's planted one).</summary>
    public static GroupTrace Of(IEnumerable<GroupTraceEvent> events)
    {
        var t = new GroupTrace();
        foreach (var e in events) t.Append(e with { Seq = t.NextSeq });
        return t;
    }

    private static void Write(GroupTraceEvent e, IBufferWriter<byte> output)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteNumber("t", e.T);
        w.WriteNumber("seq", e.Seq);
        w.WriteString("kind", e.Kind.ToString().ToLowerInvariant());
        if (e.Member is not null) w.WriteString("member", e.Member);
        if (e.Group is not null) w.WriteString("group", e.Group);
        if (e.Peer is not null) w.WriteString("peer", e.Peer);
        if (e.DatagramKind is not null) w.WriteString("dkind", e.DatagramKind);
        if (e.Datagram is not null) w.WriteString("dgram", e.Datagram);
        if (e.Bytes is { } b) w.WriteNumber("bytes", b);
        if (e.Epoch is { } ep) w.WriteNumber("epoch", ep);
        if (e.MessageId is { } m) w.WriteNumber("msg", m);
        if (e.Commit is not null) w.WriteString("commit", e.Commit);
        if (e.EpochAuth is not null) w.WriteString("epoch_auth", e.EpochAuth);
        if (e.Members is not null) w.WriteString("members", e.Members);
        if (e.Fault is not null) w.WriteString("fault", e.Fault);
        if (e.Detail is not null) w.WriteString("detail", e.Detail);
        w.WriteEndObject();
    }
}
