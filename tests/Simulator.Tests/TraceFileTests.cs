using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>TraceJson edge cases: what a saved trace file may and may not contain.</summary>
public class TraceFileTests
{
    /// <summary>One blank record of every kind (the schema has one record type per kind).</summary>
    public static IEnumerable<TraceEvent> OneOfEachKind() =>
        typeof(TraceEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TraceEvent)) && !t.IsAbstract)
            .Select(t => (TraceEvent)Activator.CreateInstance(t)!).OrderBy(e => e.Kind);

    [Fact]
    public void Every_kind_has_its_own_record_type()
    {
        var kinds = OneOfEachKind().Select(e => e.Kind).ToList();
        Assert.Equal(Enum.GetValues<TraceKind>(), kinds);
    }

    [Fact]
    public void Missing_optional_fields_read_as_null()
    {
        var e = Assert.IsType<DeliverEvent>(TraceJson.FromLine("""{"t":5,"seq":2,"kind":"deliver","latency_ms":3}"""));
        Assert.Equal(new DeliverEvent { T = 5, Seq = 2, LatencyMs = 3 }, e);
        Assert.Null(e.Party);
        Assert.Null(e.Epoch);
        Assert.Null(e.Via);
    }

    [Fact]
    public void Null_fields_are_omitted_when_written()
    {
        Assert.Equal("""{"t":5,"seq":2,"kind":"deliver","party":"bob","latency_ms":0}""", TraceJson.ToLine(new DeliverEvent { T = 5, Seq = 2, Party = "bob" }));
    }

    [Fact]
    public void Every_field_of_every_kind_round_trips()
    {
        TraceEvent[] events =
        [
            new OptionsEvent { T = 0, Seq = 0, Seed = "7", RetentionWindow = 3, OutOfOrderWindow = 5, ForwardDistance = 9, Line = "SEED=7 quoted=\"x\" ü" },
            new PhaseEvent { Phase = PhaseEvent.Liveness },
            new JoinedEvent { Party = "bob", Epoch = 3, WelcomeEpoch = 3, Role = JoinedEvent.Acceptor, CardVersion = 1, Agent = "ag" },
            new SendEvent { T = long.MaxValue, Seq = 7, Party = "alice", Peer = "bob", Datagram = "0123456789abcdef", Epoch = ulong.MaxValue, PayloadId = -1, CardEdit = true, RollOver = true, CardVersion = 4 },
            new FaultEvent { Fault = "corrupt", Datagram = "d", DeliverId = "e", Copies = 2, ExtraMs = 5, Bits = 3, Bytes = 40, Side = "sender", Why = "crashed" },
            new DeliverEvent { Party = "bob", LatencyMs = 12, Via = "replay" },
            new OutcomeEvent { Party = "bob", Result = OutcomeEvent.Rejected, Reason = "Fork", Detail = "a second, different Commit for epoch 6", Epoch = 6 },
            new OutcomeEvent { Party = "bob", Result = OutcomeEvent.Delivered, PayloadId = 9, Epoch = 6 },
            new EpochEvent { Party = "alice", Epoch = 6, CommitHash = "ch", Committer = "alice" },
            new IdentityEvent { Party = "bob", Peer = "alice", CardVersion = 2, Agent = "ag", Change = "agent" },
            new CrashEvent { Party = "bob", DownMs = 100, Point = "after_persist" },
            new RestartEvent { Party = "bob", Epoch = 5, CommitHash = "c5", ByLiveness = true },
            new RestartEvent { Party = "bob", NotJoined = true },
            new RestoreEvent { Party = "bob", Epoch = 4, CommitHash = "c4", Depth = -2, SavesLost = 3 },
            new OfflineEvent { Party = "alice", DurationMs = 300 },
            new OnlineEvent { Party = "alice" },
            new StateEvent { Party = "alice", Joined = true, Epoch = 6, EpochAuth = "ea", TreeHash = "th", GroupContextHash = "gc", CommitHash = "ch", CardVersion = 2, Agent = "a", PeerCardVersion = 1, PeerAgent = "b", DesiredCardVersion = 3, PendingIdentity = true, WelcomeEpoch = 3, Down = true, Offline = true, Forks = 2 },
        ];
        foreach (var e in events) Assert.Equal(e, TraceJson.FromLine(TraceJson.ToLine(e)));
    }

    [Fact]
    public void The_options_line_names_the_schema_and_an_older_trace_is_refused_saying_so()
    {
        Assert.Contains($"\"schema\":{TraceSchema.Version}", TraceJson.ToLine(new OptionsEvent()));
        var old = Assert.Throws<FormatException>(() => TraceJson.FromLine("""{"t":0,"seq":0,"kind":"options","detail":"SEED=1"}"""));
        Assert.Contains("schema", old.Message);
    }

    [Theory]
    [InlineData("""{"t":1,"seq":0,"kind":"teleport"}""")]
    [InlineData("""{"t":1,"seq":0,"kind":"42"}""")]
    [InlineData("""{"t":1,"seq":0,"kind":""}""")]
    [InlineData("""{"t":1,"seq":0}""")]
    [InlineData("""{"seq":0,"kind":"send"}""")]
    [InlineData("""{"t":"soon","seq":0,"kind":"send"}""")]
    [InlineData("""{"t":1,"seq":0,"kind":"send","epoch":-1}""")]
    [InlineData("""{"t":1,"seq":0,"kind":"send","party":7}""")]
    [InlineData("""{"t":1,"seq":0,"kind":null}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""not json""")]
    [InlineData("""{"t":1,"seq":0,"kind":"send"} trailing""")]
    [InlineData("""{"t":1,"seq":0,"kind":"outcome"}""")]
    [InlineData("""{"t":1,"seq":0,"kind":"joined","role":"inviter"}""")]
    [InlineData("""{"t":1,"seq":0,"kind":"fault"}""")]
    public void A_line_that_is_not_a_trace_event_is_a_FormatException(string line) =>
        Assert.Throws<FormatException>(() => TraceJson.FromLine(line));

    [Fact]
    public void Kind_names_are_lower_case_and_read_in_any_case()
    {
        foreach (var e in OneOfEachKind())
        {
            var kind = e.Kind;
            var line = TraceJson.ToLine(e);
            Assert.Contains($"\"kind\":\"{kind.ToString().ToLowerInvariant()}\"", line);
            Assert.Equal(kind, TraceJson.FromLine(line.Replace($"\"kind\":\"{TraceJson.KindName(kind)}\"", $"\"kind\":\"{kind.ToString().ToUpperInvariant()}\"")).Kind);
        }
    }

    [Fact]
    public void Blank_lines_are_skipped_and_a_bad_line_stops_the_read()
    {
        var lines = new[] { """{"t":0,"seq":0,"kind":"options","schema":2,"line":"SEED=1"}""", "", "   ", """{"t":1,"seq":1,"kind":"phase","phase":"safety"}""" };
        Assert.Equal(2, TraceJson.ReadLines(lines).Count());
        Assert.Throws<FormatException>(() => TraceJson.ReadLines([.. lines, "{}"]).ToList());
    }

    [Fact]
    public void A_saved_file_reads_back_the_same_events_and_hash()
    {
        var log = new TraceLog();
        log.Append(new OptionsEvent { Seed = "7", RetentionWindow = 2, Line = "SEED=7 retention_window=2" });
        log.Append(new SendEvent { T = 3, Seq = 1, Party = "bob", Datagram = TraceLog.IdOf([1, 2, 3]), Epoch = 3, PayloadId = 1 });
        var path = Path.Combine(Path.GetTempPath(), $"pairsim-trace-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path, log.ToJsonLines());
            var again = new TraceLog();
            foreach (var e in TraceJson.ReadFile(path)) again.Append(e);
            Assert.Equal(log.Events, again.Events);
            Assert.Equal(log.Hash(), again.Hash());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Appending_out_of_sequence_is_refused()
    {
        var log = new TraceLog();
        Assert.Throws<InvalidOperationException>(() => log.Append(new OptionsEvent { Seq = 1 }));
    }
}

/// <summary>TraceLog holds its trace as JSON Lines bytes: the events it decodes are the events appended, and the hash is the hash of those bytes.</summary>
public sealed class TraceLogTests(WorldFixture fixture) : IClassFixture<WorldFixture>
{
    [Fact]
    public void DecodedEventsAreTheAppendedEventsWithTheSameHash()
    {
        var r = fixture.Run(DeterminismTests.Busy(11) with { KeepTraceText = false });
        var live = new TraceLog();
        Assert.Empty(live.Events); // read before appending: from now on it keeps the objects appended
        var decoded = new TraceLog(keepText: false);
        foreach (var e in r.Trace.Events)
        {
            live.Append(e);
            decoded.Append(e);
        }
        Assert.Contains(r.Trace.Events, e => e.Kind == TraceKind.Fault);
        Assert.Equal(live.Events, decoded.Events);
        Assert.Equal(r.TraceHash, decoded.Hash());
        Assert.Equal(r.TraceHash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(decoded.ToJsonLines()))).ToLowerInvariant());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(decoded.ToJsonLines()), decoded.JsonLinesBytes);
        Assert.Throws<InvalidOperationException>(() => decoded.Append(r.Trace.Events[0]));
    }
}
