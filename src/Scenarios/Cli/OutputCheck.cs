namespace Sim.Scenarios.Cli;

/// <summary>
/// Checks, before any work starts, that every output a command was given can be written (so a long
/// run never ends in a crash on an unwritable path). Failures are <see cref="CliError.InputOutput"/> (exit 74).
/// </summary>
public static class OutputCheck
{
    /// <summary>FILE can be created or overwritten: its folder is created, the file opened for writing (an existing file is not truncated).</summary>
    public static void File(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var full = Path.GetFullPath(path);
            if (System.IO.Directory.Exists(full)) throw new IOException($"{path} is a directory");
            var dir = Path.GetDirectoryName(full);
            if (dir is not null) System.IO.Directory.CreateDirectory(dir);
            bool existed = System.IO.File.Exists(full);
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
            if (!existed) System.IO.File.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CliError.InputOutput($"cannot write {option} {path}: {e.Message}", e);
        }
    }

    /// <summary>DIR exists or can be created, and a file can be written in it.</summary>
    public static void Directory(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (System.IO.File.Exists(path)) throw new IOException($"{path} is a file");
            System.IO.Directory.CreateDirectory(path);
            Probe(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CliError.InputOutput($"cannot write {option} {path}: {e.Message}", e);
        }
    }

    /// <summary>Writes and deletes a probe file in <paramref name="directory"/> (a read-only folder fails here).</summary>
    internal static void Probe(string directory)
    {
        var probe = Path.Combine(directory, $".pairsim-probe-{Environment.ProcessId}");
        System.IO.File.WriteAllBytes(probe, []);
        System.IO.File.Delete(probe);
    }
}
