namespace Sim.Scenarios.Cli;

/// <summary>
/// A user error a command reports with one sentence and an exit code (never a stack trace):
/// <see cref="Usage"/> for what was typed, <see cref="InputOutput"/> for files that cannot be read or written.
/// </summary>
public sealed class CliError : Exception
{
    private CliError(int exitCode, string message, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;

    public int ExitCode { get; }

    /// <summary>Exit 64: the command line or the scenario text is wrong.</summary>
    public static CliError Usage(string message, Exception? inner = null) => new(ExitCodes.Usage, message, inner);

    /// <summary>Exit 74: an input cannot be read or an output cannot be written.</summary>
    public static CliError InputOutput(string message, Exception? inner = null) => new(ExitCodes.InputOutput, message, inner);
}
