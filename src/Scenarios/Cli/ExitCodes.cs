namespace Sim.Scenarios.Cli;

/// <summary>
/// The process exit codes of every `pairsim` command (the BSD sysexits numbers for usage and I/O, so a
/// CI script can tell "the protocol broke" from "the job was set up wrong").
/// </summary>
public static class ExitCodes
{
    /// <summary>Every invariant held (or, for commands that judge nothing, the job was done).</summary>
    public const int Held = 0;
    /// <summary>An invariant was violated.</summary>
    public const int Violation = 1;
    /// <summary>Undecided: a world threw or ran past its time limit (and none failed), or a replay's trace hash differs from --expect-hash.</summary>
    public const int Undecided = 2;
    /// <summary>Usage error: unknown option, bad value, bad scenario text (EX_USAGE).</summary>
    public const int Usage = 64;
    /// <summary>Input/output error: an input cannot be read or an output cannot be written (EX_IOERR).</summary>
    public const int InputOutput = 74;
    /// <summary>Interrupted by Ctrl-C (128 + SIGINT): what was done is kept in the results folder.</summary>
    public const int Interrupted = 130;

    /// <summary>The table printed at the end of `pairsim --help` and every command's --help.</summary>
    public const string Help =
        "Exit codes: 0 every invariant held, 1 a violation, 2 undecided (a world threw or timed out; replay: trace hash differs), " +
        "64 usage error (unknown option, bad value, bad scenario text), 74 input/output error (unreadable input, unwritable output), " +
        "130 interrupted (Ctrl-C; what was done is kept).";
}
