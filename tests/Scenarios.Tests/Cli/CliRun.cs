using System.CommandLine;
using System.Text.Json.Nodes;
using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>Runs `pairsim` in-process with its output captured (no terminal: no progress bars, no colours).</summary>
internal static class CliRun
{
    public static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PairsimCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

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
