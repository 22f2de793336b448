using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Sim.Simulator.Trace;

/// <summary>
/// Trace events as JSON Lines (schema <see cref="TraceSchema.Version"/>, README "Trace schema") with
/// a fixed property order: the shared header (t, seq, kind, party, peer, dgram, epoch), then the
/// kind's own fields. The same events always give the same bytes (and the same trace hash), and
/// back: <see cref="FromLine"/> returns the record type of the line's kind.
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
        using var w = new Utf8JsonWriter(output, WriterOptions);
        w.WriteStartObject();
        w.WriteNumber("t", e.T);
        w.WriteNumber("seq", e.Seq);
        w.WriteString("kind", KindName(e.Kind));
        Str(w, "party", e.Party);
        Str(w, "peer", e.Peer);
        Str(w, "dgram", e.Datagram);
        Num(w, "epoch", e.Epoch);
        switch (e)
        {
            case OptionsEvent o:
                w.WriteNumber("schema", o.Schema);
                Str(w, "seed", o.Seed);
                Str(w, "protocol", o.Protocol);
                Num(w, "retention_window", o.RetentionWindow);
                Num(w, "out_of_order_window", o.OutOfOrderWindow);
                Num(w, "forward_distance", o.ForwardDistance);
                if (o.Partitions.Count > 0)
                {
                    w.WriteStartArray("partitions");
                    foreach (var p in o.Partitions)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("start_ms", p.StartMs);
                        w.WriteNumber("heal_ms", p.HealMs);
                        w.WriteString("direction", p.Direction);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteString("line", o.Line);
                break;
            case PhaseEvent p: w.WriteString("phase", p.Phase); break;
            case JoinedEvent j:
                w.WriteNumber("welcome_epoch", j.WelcomeEpoch);
                w.WriteString("role", j.Role);
                Num(w, "card_version", j.CardVersion);
                Str(w, "agent", j.Agent);
                break;
            case SendEvent s:
                Num(w, "payload", s.PayloadId);
                Str(w, "payload_hash", s.PayloadHash);
                Flag(w, "card_edit", s.CardEdit);
                Flag(w, "rollover", s.RollOver);
                Num(w, "card_version", s.CardVersion);
                Str(w, "envelope", s.Envelope);
                break;
            case FaultEvent f:
                w.WriteString("fault", f.Fault);
                Str(w, "deliver", f.DeliverId);
                Num(w, "copies", f.Copies);
                Num(w, "extra_ms", f.ExtraMs);
                Num(w, "bits", f.Bits);
                Num(w, "bytes", f.Bytes);
                Str(w, "side", f.Side);
                Str(w, "why", f.Why);
                break;
            case DeliverEvent d:
                w.WriteNumber("latency_ms", d.LatencyMs);
                Str(w, "via", d.Via);
                break;
            case OutcomeEvent o:
                w.WriteString("result", o.Result);
                Str(w, "reason", o.Reason);
                Str(w, "detail", o.Detail);
                Num(w, "payload", o.PayloadId);
                Str(w, "payload_hash", o.PayloadHash);
                Flag(w, "state_altered", o.StateAltered);
                Flag(w, "offered", o.Offered);
                break;
            case EpochEvent ep:
                Str(w, "commit", ep.CommitHash);
                Str(w, "committer", ep.Committer);
                break;
            case IdentityEvent i:
                Num(w, "card_version", i.CardVersion);
                Str(w, "agent", i.Agent);
                w.WriteString("change", i.Change);
                break;
            case CrashEvent c:
                w.WriteNumber("down_ms", c.DownMs);
                Str(w, "point", c.Point);
                break;
            case RestartEvent r:
                Str(w, "commit", r.CommitHash);
                Flag(w, "not_joined", r.NotJoined);
                Flag(w, "by_liveness", r.ByLiveness);
                break;
            case RestoreEvent r:
                Str(w, "commit", r.CommitHash);
                w.WriteNumber("depth", r.Depth);
                Num(w, "epochs_back", r.EpochsBack);
                w.WriteNumber("saves_lost", r.SavesLost);
                Num(w, "desired_card", r.DesiredCardVersion);
                break;
            case OfflineEvent o: w.WriteNumber("duration_ms", o.DurationMs); break;
            case OnlineEvent: break;
            case StateEvent s:
                w.WriteBoolean("joined", s.Joined);
                Str(w, "epoch_auth", s.EpochAuth);
                Str(w, "tree_hash", s.TreeHash);
                Str(w, "gc_hash", s.GroupContextHash);
                Str(w, "commit", s.CommitHash);
                Num(w, "card_version", s.CardVersion);
                Str(w, "agent", s.Agent);
                Num(w, "peer_card", s.PeerCardVersion);
                Str(w, "peer_agent", s.PeerAgent);
                Num(w, "desired_card", s.DesiredCardVersion);
                Flag(w, "pending_identity", s.PendingIdentity);
                Num(w, "welcome_epoch", s.WelcomeEpoch);
                Flag(w, "down", s.Down);
                Flag(w, "offline", s.Offline);
                w.WriteNumber("forks", s.Forks);
                break;
            default: throw new ArgumentException($"unknown trace event type {e.GetType().Name}", nameof(e));
        }
        w.WriteEndObject();
    }

    /// <summary>Parses one line into its kind's record; <see cref="FormatException"/> if it is not a trace event of this schema.</summary>
    public static TraceEvent FromLine(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            var kind = ParseKind(o.GetProperty("kind").GetString());
            TraceEvent e = kind switch
            {
                TraceKind.Options => new OptionsEvent
                {
                    Schema = o.TryGetProperty("schema", out var sc) ? sc.GetInt32() : throw new FormatException(
                        $"options line without \"schema\": a trace written before schema {TraceSchema.Version}; re-run the world to get a trace this reader takes"),
                    Seed = Str(o, "seed"),
                    Protocol = Str(o, "protocol"),
                    RetentionWindow = Int(o, "retention_window"),
                    OutOfOrderWindow = U32(o, "out_of_order_window"),
                    ForwardDistance = U32(o, "forward_distance"),
                    Partitions = o.TryGetProperty("partitions", out var ps)
                        ? [.. ps.EnumerateArray().Select(p => new PartitionSpan(p.GetProperty("start_ms").GetInt64(), p.GetProperty("heal_ms").GetInt64(), p.GetProperty("direction").GetString() ?? "both"))]
                        : [],
                    Line = Str(o, "line") ?? "",
                },
                TraceKind.Phase => new PhaseEvent { Phase = Str(o, "phase") ?? throw new FormatException("phase without \"phase\"") },
                TraceKind.Joined => new JoinedEvent
                {
                    WelcomeEpoch = U64(o, "welcome_epoch") ?? throw new FormatException("joined without \"welcome_epoch\""),
                    Role = Str(o, "role") ?? throw new FormatException("joined without \"role\""),
                    CardVersion = U64(o, "card_version"),
                    Agent = Str(o, "agent"),
                },
                TraceKind.Send => new SendEvent { PayloadId = I64(o, "payload"), PayloadHash = Str(o, "payload_hash"), CardEdit = Bool(o, "card_edit"), RollOver = Bool(o, "rollover"), CardVersion = U64(o, "card_version"), Envelope = Str(o, "envelope") },
                TraceKind.Fault => new FaultEvent
                {
                    Fault = Str(o, "fault") ?? throw new FormatException("fault without \"fault\""),
                    DeliverId = Str(o, "deliver"),
                    Copies = Int(o, "copies"),
                    ExtraMs = I64(o, "extra_ms"),
                    Bits = Int(o, "bits"),
                    Bytes = Int(o, "bytes"),
                    Side = Str(o, "side"),
                    Why = Str(o, "why"),
                },
                TraceKind.Deliver => new DeliverEvent { LatencyMs = I64(o, "latency_ms") ?? 0, Via = Str(o, "via") },
                TraceKind.Outcome => new OutcomeEvent
                {
                    Result = Str(o, "result") ?? throw new FormatException("outcome without \"result\""),
                    Reason = Str(o, "reason"),
                    Detail = Str(o, "detail"),
                    PayloadId = I64(o, "payload"),
                    PayloadHash = Str(o, "payload_hash"),
                    StateAltered = Bool(o, "state_altered"),
                    Offered = Bool(o, "offered"),
                },
                TraceKind.Epoch => new EpochEvent { CommitHash = Str(o, "commit"), Committer = Str(o, "committer") },
                TraceKind.Identity => new IdentityEvent { CardVersion = U64(o, "card_version"), Agent = Str(o, "agent"), Change = Str(o, "change") ?? "identity" },
                TraceKind.Crash => new CrashEvent { DownMs = I64(o, "down_ms") ?? 0, Point = Str(o, "point") },
                TraceKind.Restart => new RestartEvent { CommitHash = Str(o, "commit"), NotJoined = Bool(o, "not_joined"), ByLiveness = Bool(o, "by_liveness") },
                TraceKind.Restore => new RestoreEvent { CommitHash = Str(o, "commit"), Depth = Int(o, "depth") ?? 0, EpochsBack = Int(o, "epochs_back"), SavesLost = Int(o, "saves_lost") ?? 0, DesiredCardVersion = U64(o, "desired_card") },
                TraceKind.Offline => new OfflineEvent { DurationMs = I64(o, "duration_ms") ?? 0 },
                TraceKind.Online => new OnlineEvent(),
                TraceKind.State => new StateEvent
                {
                    Joined = Bool(o, "joined"),
                    EpochAuth = Str(o, "epoch_auth"),
                    TreeHash = Str(o, "tree_hash"),
                    GroupContextHash = Str(o, "gc_hash"),
                    CommitHash = Str(o, "commit"),
                    CardVersion = U64(o, "card_version"),
                    Agent = Str(o, "agent"),
                    PeerCardVersion = U64(o, "peer_card"),
                    PeerAgent = Str(o, "peer_agent"),
                    DesiredCardVersion = U64(o, "desired_card"),
                    PendingIdentity = Bool(o, "pending_identity"),
                    WelcomeEpoch = U64(o, "welcome_epoch"),
                    Down = Bool(o, "down"),
                    Offline = Bool(o, "offline"),
                    Forks = Int(o, "forks") ?? 0,
                },
                _ => throw new FormatException($"unknown kind {kind}"),
            };
            return e with
            {
                T = o.GetProperty("t").GetInt64(),
                Seq = o.GetProperty("seq").GetInt64(),
                Party = Str(o, "party"),
                Peer = Str(o, "peer"),
                Datagram = Str(o, "dgram"),
                Epoch = U64(o, "epoch"),
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

    private static void Str(Utf8JsonWriter w, string name, string? v) { if (v is not null) w.WriteString(name, v); }
    private static void Num(Utf8JsonWriter w, string name, ulong? v) { if (v is { } x) w.WriteNumber(name, x); }
    private static void Num(Utf8JsonWriter w, string name, long? v) { if (v is { } x) w.WriteNumber(name, x); }
    private static void Num(Utf8JsonWriter w, string name, int? v) { if (v is { } x) w.WriteNumber(name, x); }
    private static void Num(Utf8JsonWriter w, string name, uint? v) { if (v is { } x) w.WriteNumber(name, x); }
    // Flags are written only when set: most events have none, and the trace is held in memory.
    private static void Flag(Utf8JsonWriter w, string name, bool v) { if (v) w.WriteBoolean(name, true); }

    private static string? Str(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetString() : null;
    private static ulong? U64(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetUInt64() : null;
    private static long? I64(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetInt64() : null;
    private static uint? U32(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetUInt32() : null;
    private static int? Int(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetInt32() : null;
    private static bool Bool(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.GetBoolean();
}
