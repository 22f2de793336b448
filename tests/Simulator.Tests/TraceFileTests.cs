using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>TraceJson edge cases: what a saved trace file may and may not contain.</summary>
public class TraceFileTests
{
    [Fact]
    public void Missing_optional_fields_read_as_null()
    {
        var e = TraceJson.FromLine("""{"t":5,"seq":2,"kind":"deliver"}""");
        Assert.Equal(new TraceEvent(5, 2, TraceKind.Deliver), e);
        Assert.Null(e.Party);
        Assert.Null(e.Epoch);
        Assert.Null(e.PayloadId);
        Assert.Null(e.CardVersion);
        Assert.Null(e.Detail);
    }

    [Fact]
    public void Null_fields_are_omitted_when_written()
    {
        Assert.Equal("""{"t":5,"seq":2,"kind":"deliver","party":"bob"}""", TraceJson.ToLine(new TraceEvent(5, 2, TraceKind.Deliver) { Party = "bob" }));
    }

    [Fact]
    public void Every_field_round_trips()
    {
        var e = new TraceEvent(long.MaxValue, 7, TraceKind.State)
        {
            Party = "alice", Peer = "bob", Datagram = "0123456789abcdef", Epoch = ulong.MaxValue, PayloadId = -1,
            Outcome = "Rejected:Fork", Fault = "corrupt", EpochAuth = "ea", TreeHash = "th", CommitHash = "ch",
            CardVersion = 3, Agent = "ag", Detail = "peer_card=2 context=\"quoted\" ü",
        };
        Assert.Equal(e, TraceJson.FromLine(TraceJson.ToLine(e)));
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
    public void A_line_that_is_not_a_trace_event_is_a_FormatException(string line) =>
        Assert.Throws<FormatException>(() => TraceJson.FromLine(line));

    [Fact]
    public void Kind_names_are_lower_case_and_read_in_any_case()
    {
        foreach (var kind in Enum.GetValues<TraceKind>())
        {
            var line = TraceJson.ToLine(new TraceEvent(0, 0, kind));
            Assert.Contains($"\"kind\":\"{kind.ToString().ToLowerInvariant()}\"", line);
            Assert.Equal(kind, TraceJson.FromLine(line.Replace(TraceJson.KindName(kind), kind.ToString().ToUpperInvariant())).Kind);
        }
    }

    [Fact]
    public void Blank_lines_are_skipped_and_a_bad_line_stops_the_read()
    {
        var lines = new[] { """{"t":0,"seq":0,"kind":"options","detail":"SEED=1"}""", "", "   ", """{"t":1,"seq":1,"kind":"phase","detail":"safety"}""" };
        Assert.Equal(2, TraceJson.ReadLines(lines).Count());
        Assert.Throws<FormatException>(() => TraceJson.ReadLines([.. lines, "{}"]).ToList());
    }

    [Fact]
    public void A_saved_file_reads_back_the_same_events_and_hash()
    {
        var log = new TraceLog();
        log.Append(new TraceEvent(0, 0, TraceKind.Options) { Detail = "SEED=7 retention_window=2" });
        log.Append(new TraceEvent(3, 1, TraceKind.Send) { Party = "bob", Datagram = TraceLog.IdOf([1, 2, 3]), Epoch = 3, PayloadId = 1 });
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
        Assert.Throws<InvalidOperationException>(() => log.Append(new TraceEvent(0, 1, TraceKind.Options)));
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
