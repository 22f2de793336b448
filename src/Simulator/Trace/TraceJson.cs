using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Sim.Simulator.Trace;

/// <summary>
/// Trace events as JSON Lines with a fixed property order, so the same events always give the same
/// bytes (and the same trace hash), and back.
/// </summary>
public static class TraceJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    public static string ToLine(TraceEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(e, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the event's line (without the '\n') as UTF-8 to <paramref name="output"/>: the bytes of <see cref="ToLine"/>.</summary>
    public static void Write(TraceEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        using (var w = new Utf8JsonWriter(output, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("t", e.T);
            w.WriteNumber("seq", e.Seq);
            w.WriteString("kind", KindName(e.Kind));
            if (e.Party is not null) w.WriteString("party", e.Party);
            if (e.Peer is not null) w.WriteString("peer", e.Peer);
            if (e.Datagram is not null) w.WriteString("dgram", e.Datagram);
            if (e.Epoch is { } epoch) w.WriteNumber("epoch", epoch);
            if (e.PayloadId is { } pid) w.WriteNumber("payload", pid);
            if (e.Outcome is not null) w.WriteString("outcome", e.Outcome);
            if (e.Fault is not null) w.WriteString("fault", e.Fault);
            if (e.EpochAuth is not null) w.WriteString("epoch_auth", e.EpochAuth);
            if (e.TreeHash is not null) w.WriteString("tree_hash", e.TreeHash);
            if (e.CommitHash is not null) w.WriteString("commit", e.CommitHash);
            if (e.CardVersion is { } cv) w.WriteNumber("card_version", cv);
            if (e.Agent is not null) w.WriteString("agent", e.Agent);
            if (e.Detail is not null) w.WriteString("detail", e.Detail);
            w.WriteEndObject();
        }
    }

    /// <summary>Parses one line; <see cref="FormatException"/> if it is not a trace event.</summary>
    public static TraceEvent FromLine(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            var e = new TraceEvent(o.GetProperty("t").GetInt64(), o.GetProperty("seq").GetInt64(), ParseKind(o.GetProperty("kind").GetString()));
            return e with
            {
                Party = Str(o, "party"),
                Peer = Str(o, "peer"),
                Datagram = Str(o, "dgram"),
                Epoch = o.TryGetProperty("epoch", out var ep) ? ep.GetUInt64() : null,
                PayloadId = o.TryGetProperty("payload", out var p) ? p.GetInt64() : null,
                Outcome = Str(o, "outcome"),
                Fault = Str(o, "fault"),
                EpochAuth = Str(o, "epoch_auth"),
                TreeHash = Str(o, "tree_hash"),
                CommitHash = Str(o, "commit"),
                CardVersion = o.TryGetProperty("card_version", out var cv) ? cv.GetUInt64() : null,
                Agent = Str(o, "agent"),
                Detail = Str(o, "detail"),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not a trace event: {e.Message}", e);
        }
    }

    public static IEnumerable<TraceEvent> ReadLines(IEnumerable<string> lines) =>
        lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(FromLine);

    public static IEnumerable<TraceEvent> ReadFile(string path) => ReadLines(File.ReadLines(path));

    public static string KindName(TraceKind kind) =>
        (uint)kind < (uint)KindNames.Length ? KindNames[(int)kind] : kind.ToString().ToLowerInvariant();

    private static readonly string[] KindNames = [.. Enum.GetValues<TraceKind>().OrderBy(k => (int)k).Select(k => k.ToString().ToLowerInvariant())];

    // By name only: Enum.TryParse would also take "42" and give an undefined kind.
    private static TraceKind ParseKind(string? name) =>
        name is not null && Enum.GetNames<TraceKind>().FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known
            ? Enum.Parse<TraceKind>(known)
            : throw new FormatException($"unknown kind '{name}'");

    private static string? Str(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetString() : null;
}
