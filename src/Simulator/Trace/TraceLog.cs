using System.Security.Cryptography;
using System.Text;

namespace Sim.Simulator.Trace;

/// <summary>
/// The append-only trace of one world: events in order, their JSON Lines text, and the trace hash
/// (SHA-256 of the UTF-8 JSON Lines, each line ending in '\n').
/// </summary>
public sealed class TraceLog
{
    private readonly List<TraceEvent> _events = [];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly StringBuilder? _text;

    /// <param name="keepText">Keep the JSON Lines text in memory (for writing a file); the hash is always kept.</param>
    public TraceLog(bool keepText = true) => _text = keepText ? new StringBuilder() : null;

    public IReadOnlyList<TraceEvent> Events => _events;
    public long NextSeq => _events.Count;

    public TraceEvent Append(TraceEvent e)
    {
        if (e.Seq != _events.Count) throw new InvalidOperationException($"trace sequence {e.Seq} after {_events.Count} events");
        _events.Add(e);
        var line = TraceJson.ToLine(e) + "\n";
        _hash.AppendData(Encoding.UTF8.GetBytes(line));
        _text?.Append(line);
        return e;
    }

    /// <summary>SHA-256 of the JSON Lines so far, hex.</summary>
    public string Hash() => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    /// <summary>Writes the JSON Lines to <paramref name="path"/> (the CLI's --trace file).</summary>
    public void WriteTo(string path) => File.WriteAllText(path, ToJsonLines(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    public string ToJsonLines() => _text?.ToString() ?? throw new InvalidOperationException("this trace keeps no text");

    /// <summary>A short id for bytes that travel (datagrams): the first 8 bytes of SHA-256, hex.</summary>
    public static string IdOf(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes).AsSpan(0, 8)).ToLowerInvariant();

    /// <summary>The first 8 bytes of a value that already is a hash (tree hash, commit hash), hex.</summary>
    public static string ShortHex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash[..Math.Min(8, hash.Length)]).ToLowerInvariant();
}
