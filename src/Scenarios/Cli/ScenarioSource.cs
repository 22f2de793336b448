using Sim.Scenarios.Catalog;
using Sim.Scenarios.Generators;

namespace Sim.Scenarios.Cli;

/// <summary>Where a command's scenario comes from: a catalog name, scenario text, or a file holding the text.</summary>
public static class ScenarioSource
{
    /// <summary>
    /// <paramref name="value"/> is a catalog name (calm, lossy, ...), "@path" or an existing file (its one
    /// scenario line: blank lines and # comments are skipped; a file with two scenario lines is refused,
    /// since running only the first would silently drop the rest), or scenario text.
    /// Throws <see cref="CliError"/>: exit 64 for text that is not a scenario, 74 for a file that cannot be read.
    /// </summary>
    public static Scenario Resolve(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (ScenarioCatalog.Named(text) is { } entry) return entry.Scenario;
        string? path = text.StartsWith('@') ? text[1..] : !text.Contains('=') && File.Exists(text) ? text : null;
        if (path is not null)
        {
            List<(int Line, string Text)> lines;
            try
            {
                lines = File.ReadLines(path).Select((l, i) => (i + 1, l.Trim())).Where(l => l.Item2.Length > 0 && !l.Item2.StartsWith('#')).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw CliError.InputOutput($"cannot read scenario file {path}: {e.Message}", e);
            }
            if (lines.Count == 0) throw CliError.Usage($"{path} holds no scenario line (blank lines and # comments are skipped)");
            if (lines.Count > 1)
                throw CliError.Usage($"{path} holds {lines.Count} scenario lines (lines {string.Join(", ", lines.Select(l => l.Line))}); " +
                                     "a scenario file holds exactly one: put each scenario in its own file (or comment the others out with #)");
            text = lines[0].Text;
        }
        else if (!text.Contains('='))
        {
            throw CliError.Usage($"'{text}' is neither a catalog scenario ({string.Join(", ", ScenarioCatalog.All.Select(e => e.Name))}), a file, nor scenario text (seed=N ...)");
        }
        try
        {
            return Scenario.Parse(text);
        }
        catch (FormatException e)
        {
            throw CliError.Usage(path is null ? e.Message : $"{path}: {e.Message}", e);
        }
    }
}
