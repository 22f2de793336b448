using System.Text.Json.Nodes;
using Sim.Scenarios.Tests.Cli;

namespace Sim.Scenarios.Tests.Groups;

/// <summary>`pairsim groups`: one world prints its figures, verdicts, hash and replay line; a grid writes the report and charts.</summary>
public sealed class GroupsCommandTests
{
    [Fact]
    public void One_world_prints_figures_verdicts_and_the_replay_command_and_replays_to_the_same_hash()
    {
        var trace = Path.Combine(Path.GetTempPath(), $"groups-{Guid.NewGuid():N}.jsonl");
        var (exit, output, _) = CliRun.Invoke("groups", "--scenario", "race", "--messages", "6", "--partition-ms", "1000", "--trace", trace);
        Assert.Equal(0, exit);
        Assert.Contains("one_state: ok", output);
        Assert.Contains("replay: pairsim groups --scenario race --members 8 --strategy uncoordinated --partition-ms 1000", output);
        Assert.True(File.Exists(trace));
        var (again, json, _) = CliRun.Invoke("groups", "--scenario", "race", "--messages", "6", "--partition-ms", "1000", "--json");
        Assert.Equal(0, again);
        var first = JsonNode.Parse(json)!.AsArray()[0]!;
        Assert.Contains("trace hash " + (string)first["trace_hash"]!, output);
    }

    [Fact]
    public void The_replay_line_insists_on_the_trace_hash_and_a_different_hash_fails_named()
    {
        var (exit, output, _) = CliRun.Invoke("groups", "--scenario", "race", "--messages", "4", "--partition-ms", "600", "--pcs-theft-ms", "off");
        Assert.Equal(0, exit);
        string line = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("replay: pairsim groups ", StringComparison.Ordinal));
        var args = line["replay: pairsim ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string hash = args[Array.IndexOf(args, "--expect-hash") + 1];
        Assert.Contains("trace hash " + hash, output);

        var (same, replayed, _) = CliRun.Invoke(args);
        Assert.Equal(0, same);
        Assert.Contains("trace hash matches the expected hash", replayed);

        // The same world against another hash: exit 2 (undecided), and both hashes named.
        string other = (hash[0] == '0' ? "1" : "0") + hash[1..];
        var wrong = args.Select(a => a == hash ? other : a).ToArray();
        var (differs, text, error) = CliRun.Invoke(wrong);
        Assert.Equal(2, differs);
        Assert.Contains("trace hash differs from the expected " + other, text);
        Assert.Contains($"trace hash {hash}, expected {other}", error);

        // Not a hash, or a grid (each of its worlds has its own): usage errors naming the option.
        var (bad, _, badError) = CliRun.Invoke("groups", "--scenario", "race", "--expect-hash", "abc");
        Assert.Equal(64, bad);
        Assert.Contains("--expect-hash", badError);
        var (grid, _, gridError) = CliRun.Invoke("groups", "--scenario", "race", "--members", "3,4", "--expect-hash", hash);
        Assert.Equal(64, grid);
        Assert.Contains("--expect-hash needs a single world", gridError);
    }

    [Fact]
    public void A_grid_without_out_writes_only_into_its_results_folder()
    {
        var root = Path.Combine(Path.GetTempPath(), $"groups-results-{Guid.NewGuid():N}");
        try
        {
            var (exit, output, error) = CliRun.Invoke("groups", "--scenario", "netsplit", "--members", "3", "--strategy", "sequenced,uncoordinated",
                "--partition-ms", "600", "--messages", "4", "--results", root);
            Assert.True(exit == 0, error);
            var readme = File.ReadAllText(Path.Combine(root, "groups", "latest", "README.md"));
            Assert.Contains("pairsim groups --scenario netsplit --members 3 --strategy sequenced,uncoordinated", readme);
            Assert.DoesNotContain("--out", readme, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, "latest", "groups-time-to-one-state.png")));
            Assert.Contains(Path.Combine(root, "groups"), output, StringComparison.Ordinal);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void A_grid_writes_the_report_with_four_charts()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"groups-grid-{Guid.NewGuid():N}");
        var (exit, _, error) = CliRun.Invoke("groups", "--scenario", "netsplit", "--members", "3,4", "--strategy", "sequenced,uncoordinated",
            "--partition-ms", "600", "--messages", "6", "--out", dir);
        Assert.True(exit == 0, error);
        var readme = File.ReadAllText(Path.Combine(dir, "README.md"));
        Assert.Contains("pairsim groups --scenario netsplit --members 3,4 --strategy sequenced,uncoordinated", readme);
        foreach (var chart in new[] { "groups-lost-recovered", "groups-time-to-one-state", "groups-bytes-per-message", "groups-storage-per-member" })
        {
            Assert.True(File.Exists(Path.Combine(dir, chart + ".png")), chart);
            Assert.True(File.Exists(Path.Combine(dir, chart + ".svg")), chart);
        }
    }
}
