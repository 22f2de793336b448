using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Sim.Simulator.Trace;

/// <summary>
/// The append-only trace of one world: events in order, their JSON Lines text, and the trace hash
/// (SHA-256 of the UTF-8 JSON Lines, each line ending in '\n').
/// <para>
/// A world holds its trace in memory while it runs, so the trace is kept compact: as its UTF-8 JSON
/// Lines bytes (what the hash is computed over; about 120 bytes an event, against some 260 for the
/// event objects). <see cref="Events"/> decodes them the first time it is read (JSON Lines round-trip
/// exactly, see <see cref="TraceJson"/>) and keeps the decoded list, in step with later appends.
/// </para>
/// </summary>
public sealed class TraceLog
{
    private readonly ArrayBufferWriter<byte> _lines = new(1024);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly object _gate = new();
    private List<TraceEvent>? _events;
    private int _count;

    /// <param name="keepText">
    /// Kept for <see cref="WorldOptions.KeepTraceText"/> (which is part of the options line); the
    /// JSON Lines bytes are always held, so the text is always available.
    /// </param>
    public TraceLog(bool keepText = true) => KeepsText = keepText;

    public bool KeepsText { get; }

    /// <summary>The events, decoded from the JSON Lines on first read.</summary>
    public IReadOnlyList<TraceEvent> Events
    {
        get
        {
            lock (_gate) return _events ??= [.. TraceJson.ReadLines(ToJsonLines().Split('\n'))];
        }
    }

    public long NextSeq => _count;

    public TraceEvent Append(TraceEvent e)
    {
        lock (_gate)
        {
            if (e.Seq != _count) throw new InvalidOperationException($"trace sequence {e.Seq} after {_count} events");
            int start = _lines.WrittenCount;
            TraceJson.Write(e, _lines);
            _lines.Write("\n"u8);
            _hash.AppendData(_lines.WrittenSpan[start..]);
            _count++;
            _events?.Add(e);
            return e;
        }
    }

    /// <summary>SHA-256 of the JSON Lines so far, hex.</summary>
    public string Hash()
    {
        lock (_gate) return Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();
    }

    /// <summary>Bytes the JSON Lines take (the trace's memory, apart from a decoded <see cref="Events"/> list).</summary>
    public int JsonLinesBytes => _lines.WrittenCount;

    /// <summary>Writes the JSON Lines to <paramref name="path"/> (the CLI's --trace file).</summary>
    public void WriteTo(string path)
    {
        using var file = File.Create(path);
        lock (_gate) file.Write(_lines.WrittenSpan);
    }

    public string ToJsonLines()
    {
        lock (_gate) return Encoding.UTF8.GetString(_lines.WrittenSpan);
    }

    /// <summary>A short id for bytes that travel (datagrams): the first 8 bytes of SHA-256, hex.</summary>
    public static string IdOf(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes).AsSpan(0, 8)).ToLowerInvariant();

    /// <summary>The first 8 bytes of a value that already is a hash (tree hash, commit hash), hex.</summary>
    public static string ShortHex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash[..Math.Min(8, hash.Length)]).ToLowerInvariant();
}
