using System.Text.Json.Nodes;
using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>
/// Runs `pairsim` in-process through <see cref="PairsimCli.Run"/> (the entry point Program.cs uses) with
/// its output captured (no terminal: no progress bars, no colours). Commands that keep a results folder
/// get one under a temporary root unless the test gives --results itself, so tests never write into
/// the working directory.
/// </summary>
internal static class CliRun
{
    public static readonly string ResultsRoot = Path.Combine(Path.GetTempPath(), $"pairsim-test-results-{Environment.ProcessId}");

    private static readonly HashSet<string> KeepsResults = new(StringComparer.Ordinal) { "check", "sweep", "groups", "compare" };

    public static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PairsimCli.Run(WithResults(args), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static (int Exit, string Output, string Error) Invoke(CancellationToken cancel, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PairsimCli.Run(WithResults(args), output, error, cancel);
        return (exit, output.ToString(), error.ToString());
    }

    public static string[] WithResults(string[] args) =>
        args.Length > 0 && KeepsResults.Contains(args[0]) && !args.Contains("--results") && !args.Contains("--help")
            ? [.. args, "--results", ResultsRoot]
            : args;

    public static (int Exit, JsonObject Json) Json(params string[] args)
    {
        var (exit, output, error) = Invoke([.. args, "--json"]);
        try
        {
            return (exit, JsonNode.Parse(output)!.AsObject());
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not JSON (exit {exit}): {e.Message}\n{output}\n{error}");
        }
    }
}
