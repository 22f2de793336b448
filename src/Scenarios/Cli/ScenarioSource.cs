using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;

namespace Sim.Scenarios.Cli;

/// <summary>Where a command's scenario comes from: a catalog name, scenario text, or a file holding the text.</summary>
public static class ScenarioSource
{
    /// <summary>
    /// <paramref name="value"/> is a catalog name (calm, lossy, ...), "@path" or an existing file
    /// (its first non-empty line that is not a # comment), or scenario text.
    /// Throws <see cref="FormatException"/> with a sentence a person can act on.
    /// </summary>
    public static Scenario Resolve(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (ScenarioCatalog.Named(text) is { } entry) return entry.Scenario;
        string? path = text.StartsWith('@') ? text[1..] : !text.Contains('=') && File.Exists(text) ? text : null;
        if (path is not null)
        {
            if (!File.Exists(path)) throw new FormatException($"no scenario file {path}");
            text = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'))
                ?? throw new FormatException($"{path} holds no scenario line");
        }
        else if (!text.Contains('='))
        {
            throw new FormatException($"'{text}' is neither a catalog scenario ({string.Join(", ", ScenarioCatalog.All.Select(e => e.Name))}), a file, nor scenario text (seed=N ...)");
        }
        return Scenario.Parse(text);
    }
}
