using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Sim.Scenarios.Cli;

/// <summary>
/// The `pairsim` command line: one subcommand per job. <see cref="Run"/> is the one entry point
/// (Program.cs and the tests use it): response files are off (so <c>--scenario @file</c> reaches the
/// command), a parse error is exit 64 with the error and a pointer to --help, a <see cref="CliError"/>
/// is its own exit code with one sentence, and no user error prints a stack trace.
/// </summary>
public static class PairsimCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("pairsim: a simulation and fault-injection harness for decentralised MLS (PairMLS on RFC 9420).");
        root.Subcommands.Add(SuitesCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(CheckCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(SweepCommand.Build());
        root.Subcommands.Add(GroupsCommand.Build());
        root.Subcommands.Add(CompareCommand.Build());
        root.Subcommands.Add(FuzzCommand.Build());
        foreach (var option in root.Options)
            if (option is HelpOption help && help.Action is HelpAction original) help.Action = new HelpWithExitCodes(original);
        return root;
    }

    /// <summary>Adds a command to the root (for commands built elsewhere, e.g. compare and groups).</summary>
    public static RootCommand With(this RootCommand root, Command command)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var err = error ?? Console.Error;
        var parse = Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) err.WriteLine($"pairsim: {e.Message}");
            var command = string.Join(' ', parse.CommandResult.Command.Name == "pairsim" || parse.CommandResult.Parent is null
                ? ["pairsim"] : new[] { "pairsim", parse.CommandResult.Command.Name });
            err.WriteLine($"Run '{command} --help' for the options. Exit code {ExitCodes.Usage}: usage error.");
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration { Output = output ?? Console.Out, Error = err, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        try
        {
            return parse.InvokeAsync(config, cancel).GetAwaiter().GetResult();
        }
        catch (CliError e)
        {
            err.WriteLine($"pairsim: {e.Message}");
            return e.ExitCode;
        }
        catch (FormatException e)
        {
            err.WriteLine($"pairsim: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            err.WriteLine($"pairsim: {e.Message}");
            return ExitCodes.InputOutput;
        }
    }

    /// <summary>The usual help, then the exit codes (every command shares them).</summary>
    private sealed class HelpWithExitCodes(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output ?? Console.Out;
            output.WriteLine(ExitCodes.Help);
            return code;
        }
    }
}
