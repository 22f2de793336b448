namespace Sim.Simulator.Checks;

/// <summary>
/// The free-text Detail of a trace event as "key=value" tokens and bare words, split on white
/// space, ',' or ';' (for example "peer_card=3 gc_hash=ab12 agent=9f peer_agent=c4").
/// </summary>
public static class DetailFields
{
    private static readonly char[] Separators = [' ', '\t', ',', ';'];

    public static IEnumerable<(string Key, string Value)> Pairs(string? detail)
    {
        if (detail is null) yield break;
        foreach (var token in detail.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=');
            if (eq > 0) yield return (token[..eq], token[(eq + 1)..]);
        }
    }

    /// <summary>The value of <paramref name="key"/> (case-insensitive), or null.</summary>
    public static string? Get(string? detail, string key)
    {
        foreach (var (k, v) in Pairs(detail))
            if (k.Equals(key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    public static ulong? GetUInt64(string? detail, string key) =>
        ulong.TryParse(Get(detail, key), out var v) ? v : null;

    /// <summary>True when <paramref name="word"/> appears as a token of its own (or as a key).</summary>
    public static bool HasWord(string? detail, string word)
    {
        if (detail is null) return false;
        foreach (var token in detail.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = token.IndexOf('=') is var eq and > 0 ? token[..eq] : token;
            if (name.Equals(word, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
