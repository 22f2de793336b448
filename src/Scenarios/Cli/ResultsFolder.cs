using System.Globalization;

namespace Sim.Scenarios.Cli;

/// <summary>
/// One folder per run, as Maelstrom keeps store/…/latest: <c>results/&lt;command&gt;/&lt;UTC time&gt;/</c>, and the
/// links <c>results/latest</c> and <c>results/&lt;command&gt;/latest</c> pointing at it. Created (and checked
/// writable) before any work starts; commands append their per-world rows to it as they go, so an
/// interrupted run keeps what was done.
/// </summary>
public sealed record ResultsFolder(string Root, string Command, string Path)
{
    /// <summary>The default root, relative to the working directory.</summary>
    public const string DefaultRoot = "results";
    public const string LatestName = "latest";

    /// <summary>File <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Creates <c>ROOT/COMMAND/yyyyMMddTHHmmssZ</c> (with -2, -3… if a run already took that second) and
    /// points the latest links at it. Throws <see cref="CliError"/> (exit 74) when it cannot be written.
    /// </summary>
    public static ResultsFolder Create(string root, string command, DateTime utcNow)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(command);
        string stamp = utcNow.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string commandDir = System.IO.Path.Combine(root, command);
        try
        {
            Directory.CreateDirectory(commandDir);
            string name = stamp;
            for (int k = 2; Directory.Exists(System.IO.Path.Combine(commandDir, name)); k++) name = $"{stamp}-{k}";
            string path = System.IO.Path.Combine(commandDir, name);
            Directory.CreateDirectory(path);
            OutputCheck.Probe(path);
            Link(System.IO.Path.Combine(root, LatestName), System.IO.Path.Combine(command, name));
            Link(System.IO.Path.Combine(commandDir, LatestName), name);
            return new ResultsFolder(root, command, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliError.InputOutput($"cannot write the results folder under {root}: {e.Message} (give another with --results DIR)", e);
        }
    }

    /// <summary>Points <paramref name="link"/> at <paramref name="target"/> (relative to the link's folder), replacing an older link.</summary>
    private static void Link(string link, string target)
    {
        var info = new FileInfo(link);
        if (info.LinkTarget is not null || info.Exists) info.Delete();
        else if (Directory.Exists(link)) throw new IOException($"{link} exists and is not a link");
        Directory.CreateSymbolicLink(link, target);
    }
}
