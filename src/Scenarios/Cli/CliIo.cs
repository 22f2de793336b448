using System.CommandLine;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// Where a command writes: the invocation's output (a test can capture it), through Spectre.Console
/// for people, or raw for --json. Progress bars only on an interactive terminal (not with --json, not
/// when the output is redirected or captured); elsewhere plain progress lines go to standard error.
/// Lines are never wrapped at a fixed width when the output is not a terminal.
/// </summary>
public sealed class CliIo
{
    /// <summary>Width given to tables when the output is not a terminal: wide enough that no line is hard-wrapped.</summary>
    private const int UnboundedWidth = 100_000;

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
        if (!isTerminal) Console.Profile.Width = UnboundedWidth;
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public bool Json { get; }
    /// <summary>True when progress bars are shown.</summary>
    public bool Interactive { get; }
    public IAnsiConsole Console { get; }

    public static CliIo For(ParseResult parse, bool json)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var output = parse.InvocationConfiguration.Output ?? System.Console.Out;
        var error = parse.InvocationConfiguration.Error ?? System.Console.Error;
        bool interactive = !json && ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        return new CliIo(output, error, json, interactive);
    }

    /// <summary>A plain line for people (not with --json).</summary>
    public void Say(string line)
    {
        if (!Json) Output.WriteLine(line);
    }

    /// <summary>
    /// The older form: <paramref name="work"/> reports (done, total, label) itself. Prefer the overload
    /// taking a <see cref="ProgressSink"/>, which counts failures and prints plain lines in a log.
    /// </summary>
    public T WithProgress<T>(string title, Func<Action<int, int, string>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WithProgress(title, 0, sink => work((done, total, label) => sink.Report(done, total, label)));
    }

    /// <summary>
    /// Runs <paramref name="work"/> over <paramref name="total"/> worlds with a progress bar on a terminal
    /// (n/N and failures in its label), or plain lines every 10% on standard error otherwise.
    /// </summary>
    public T WithProgress<T>(string title, int total, Func<ProgressSink, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Interactive) return work(new ProgressSink(title, total, null, Error));
        T result = default!;
        Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                var sink = new ProgressSink(title, total, s =>
                {
                    task.MaxValue = Math.Max(1, s.Total);
                    task.Value = Math.Min(s.Done, s.Total);
                    task.Description = Markup.Escape(s.Label());
                }, null);
                result = work(sink);
                task.StopTask();
            });
        return result;
    }
}
