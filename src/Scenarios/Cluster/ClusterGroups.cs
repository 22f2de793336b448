using System.Text.Json;
using Sim.Scenarios.Catalog;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// `pairsim groups --cluster`: each world of the grid is a <see cref="ClusterJobs.GroupsWorld"/> item
/// (its <see cref="GroupScenarioParams"/> as JSON: everything the world is built from), and its row
/// the world's <see cref="GroupsRun"/> as JSON; the coordinator adds the replay command, so the runs,
/// and the report, are those a local grid gives.
/// </summary>
public static class ClusterGroups
{
    private static readonly JsonSerializerOptions Json = new() { RespectNullableAnnotations = true };

    public static string EncodeParams(GroupScenarioParams p) => JsonSerializer.Serialize(p, Json);

    public static GroupScenarioParams DecodeParams(string json)
    {
        var p = Decode<GroupScenarioParams>(json, "group world's parameters");
        try { p.Validate(); }
        catch (ArgumentException e) { throw new FormatException($"not a group world's parameters: {e.Message}", e); }
        return p;
    }

    public static string EncodeRun(GroupsRun run) => JsonSerializer.Serialize(run, Json);

    public static GroupsRun DecodeRun(string json) => Decode<GroupsRun>(json, "group world's row");

    /// <summary>Runs the grid's worlds on the cluster; the runs come back in grid order.</summary>
    public static IReadOnlyList<GroupsRun> Run(ClusterTarget target, IReadOnlyList<GroupScenarioParams> points, Func<GroupScenarioParams, string, string> replay,
        Action<int, GroupsRun>? onRun = null, Action<string>? say = null, Action<ClusterStats>? stats = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(replay);
        var runs = new GroupsRun[points.Count];
        var result = ClusterFarm.RunAsync(target, ClusterJobs.GroupsWorld, [.. points.Select(EncodeParams)], (i, row) =>
        {
            var run = DecodeRun(row);
            if (run.Params != points[i]) throw new InvalidOperationException($"group world {i} came back with other parameters");
            runs[i] = run with { Replay = replay(points[i], run.TraceHash) };
            onRun?.Invoke(i, runs[i]);
        }, say, cancel).GetAwaiter().GetResult();
        stats?.Invoke(result);
        return runs;
    }

    private static T Decode<T>(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try { return JsonSerializer.Deserialize<T>(json, Json) ?? throw new FormatException($"a {what} is null"); }
        catch (JsonException e) { throw new FormatException($"not a {what}: {e.Message}", e); }
    }
}
