using System.CommandLine;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// Where a command writes: the invocation's output (a test can capture it), through Spectre.Console
/// for people, or raw for --json. Progress bars only on an interactive terminal: not with --json, not
/// when the output is redirected or captured.
/// </summary>
public sealed class CliIo
{
    private CliIo(TextWriter output, TextWriter error, bool json, bool interactive)
    {
        Output = output;
        Error = error;
        Json = json;
        Interactive = interactive;
        bool isTerminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!isTerminal) Console.Profile.Width = 200;
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public bool Json { get; }
    /// <summary>True when progress bars are shown.</summary>
    public bool Interactive { get; }
    public IAnsiConsole Console { get; }

    public static CliIo For(ParseResult parse, bool json)
    {
        var output = parse.InvocationConfiguration.Output ?? System.Console.Out;
        var error = parse.InvocationConfiguration.Error ?? System.Console.Error;
        bool interactive = !json && ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        return new CliIo(output, error, json, interactive);
    }

    /// <summary>Runs <paramref name="work"/> under a progress bar when interactive, else plainly. The callback it gets is thread-safe.</summary>
    public T WithProgress<T>(string title, Func<Action<int, int, string>, T> work)
    {
        if (!Interactive) return work((_, _, _) => { });
        T result = default!;
        Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                var gate = new object();
                result = work((done, total, label) =>
                {
                    lock (gate)
                    {
                        task.MaxValue = Math.Max(1, total);
                        task.Value = done;
                        task.Description = Markup.Escape(label);
                    }
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
