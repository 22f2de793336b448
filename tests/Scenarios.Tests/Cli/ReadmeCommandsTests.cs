using System.Text.RegularExpressions;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>
/// Every `pairsim` command line in README.md (in a fenced block, as `pairsim …` or `dotnet run --project
/// src/Scenarios -c Release -- …`) runs in-process as printed, with the smaller sizes its
/// <c>[test: --option value …]</c> note gives (a sweep line without one gets a two-point grid), and is
/// neither a usage error nor an I/O error.
/// </summary>
public sealed partial class ReadmeCommandsTests
{
    private const string DotnetRun = "dotnet run --project src/Scenarios -c Release -- ";

    private static readonly string[] TinySweep =
        ["--drop", "0,0.3", "--duplicate", "0", "--reorder", "0.3", "--partition-ms", "300", "--retention", "0,2", "--worlds-per-point", "1", "--messages", "8"];

    public static TheoryData<string> Lines()
    {
        var data = new TheoryData<string>();
        foreach (var line in CommandLines(File.ReadAllLines(ReadmePath()))) data.Add(line);
        return data;
    }

    [Fact]
    public void TheReadmeHasTheCommandsThisTestRuns()
    {
        var lines = CommandLines(File.ReadAllLines(ReadmePath())).ToList();
        Assert.Contains(lines, l => l.StartsWith("pairsim sweep", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("pairsim check", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("pairsim replay", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains('<', StringComparison.Ordinal)); // no placeholders
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void EveryReadmeCommandRunsAsWritten(string line)
    {
        var (command, note) = Split(line);
        var args = ScenarioFormTests.Tokens(command).Skip(1).ToList();
        if (note is not null) Override(args, ScenarioFormTests.Tokens(note).ToList());
        else if (args.Count > 0 && args[0] == "sweep") Override(args, [.. TinySweep]);
        // The README's --file example reads a file from the working directory.
        if (args.Contains("my-scenario.txt")) File.WriteAllText("my-scenario.txt", "# the lossy catalog scenario\n" + ScenarioCatalog.Named("lossy")!.Scenario.Format() + "\n");
        var (exit, output, error) = CliRun.Invoke([.. args]);
        Assert.True(exit is ExitCodes.Held or ExitCodes.Violation, $"`{line}` exited {exit}:\n{error}\n{output}");
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>The command lines of the README's fenced blocks, each as `pairsim …` (comments kept, for their [test: …] note).</summary>
    internal static IEnumerable<string> CommandLines(IEnumerable<string> readme)
    {
        bool fenced = false;
        foreach (var raw in readme)
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (!fenced) continue;
            if (line.StartsWith(DotnetRun, StringComparison.Ordinal)) yield return "pairsim " + line[DotnetRun.Length..];
            else if (line.StartsWith("pairsim ", StringComparison.Ordinal)) yield return line;
        }
    }

    /// <summary>The command without its # comment, and the comment's [test: …] note if any.</summary>
    private static (string Command, string? Note) Split(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            if (line[i] == '#' && !quoted)
            {
                var m = TestNote().Match(line[i..]);
                return (line[..i].TrimEnd(), m.Success ? m.Groups[1].Value : null);
            }
        }
        return (line, null);
    }

    /// <summary>Sets each --option of <paramref name="overrides"/> (replacing its value in <paramref name="args"/>, or adding it).</summary>
    private static void Override(List<string> args, IReadOnlyList<string> overrides)
    {
        for (int i = 0; i + 1 < overrides.Count; i += 2)
        {
            int at = args.IndexOf(overrides[i]);
            if (at >= 0 && at + 1 < args.Count) args[at + 1] = overrides[i + 1];
            else args.AddRange([overrides[i], overrides[i + 1]]);
        }
    }

    internal static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sim.sln"))) return Path.Combine(dir.FullName, "README.md");
        throw new FileNotFoundException("no Sim.sln above the test binary");
    }

    [GeneratedRegex(@"\[test:\s*([^\]]*)\]")]
    private static partial Regex TestNote();
}
