using System.Globalization;

namespace Sim.Scenarios.Generators;

/// <summary>
/// The repeat construct of scenario text: <c>repeat(N){ op op ... }</c> stands for its ops N times, and
/// repeats nest (<c>repeat(3){ send(bob,32) repeat(2){ wait(50) send(alice,32) } }</c>). It is input sugar:
/// reading expands it, so <see cref="Scenario.Format"/> writes the ops out. N is 1..<see cref="MaxCount"/>,
/// a group holds only ops (no settings), braces must match, and the expanded script may hold at most
/// <see cref="MaxOps"/> ops; anything else is an error naming it.
/// </summary>
public static class ScenarioRepeat
{
    public const int MaxCount = 100_000;
    public const int MaxOps = 1_000_000;

    /// <summary>The tokens of <paramref name="text"/> with every repeat group expanded.</summary>
    public static List<string> Expand(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = text.Replace("{", " { ", StringComparison.Ordinal).Replace("}", " } ", StringComparison.Ordinal)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int i = 0;
        var result = Group(tokens, ref i, depth: 0);
        if (i < tokens.Length) throw new FormatException("not a scenario: '}' closes no repeat(N){");
        return result;
    }

    private static List<string> Group(string[] tokens, ref int i, int depth)
    {
        var result = new List<string>();
        while (i < tokens.Length)
        {
            string t = tokens[i];
            if (t == "}")
            {
                if (depth == 0) return result;
                i++;
                return result;
            }
            if (t == "{") throw new FormatException("not a scenario: '{' must follow repeat(N)");
            if (t.StartsWith("repeat(", StringComparison.Ordinal))
            {
                int n = Count(t);
                i++;
                if (i >= tokens.Length || tokens[i] != "{") throw new FormatException($"not a scenario: token '{t}': repeat(N) is followed by {{ ops }}");
                i++;
                int start = i;
                var body = Group(tokens, ref i, depth + 1);
                if (i > tokens.Length || tokens[i - 1] != "}") throw new FormatException($"not a scenario: token '{t}': its {{ is never closed");
                if (body.Count == 0) throw new FormatException($"not a scenario: token '{t}': the repeated group is empty");
                if ((long)body.Count * n + result.Count > MaxOps)
                    throw new FormatException($"not a scenario: token '{t}': the script would hold more than {MaxOps:N0} ops");
                for (int k = 0; k < n; k++) result.AddRange(body);
                continue;
            }
            if (depth > 0 && !t.Contains('(')) throw new FormatException($"not a scenario: token '{t}': a repeat group holds only ops, not settings");
            result.Add(t);
            i++;
        }
        if (depth > 0) throw new FormatException("not a scenario: a repeat group's { is never closed");
        return result;
    }

    private static int Count(string token)
    {
        if (!token.EndsWith(')') || !int.TryParse(token["repeat(".Length..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > MaxCount)
            throw new FormatException($"not a scenario: token '{token}': repeat count must be 1..{MaxCount:N0}");
        return n;
    }
}
