using System.Globalization;
using Sim.Engine.Multi;
using Sim.Scenarios.Catalog;

namespace Sim.Scenarios.Reports;

/// <summary>The grid `pairsim groups` runs: one scenario over members × strategy × partition length × loss.</summary>
public sealed record GroupsGrid
{
    public string Scenario { get; init; } = "race";
    public IReadOnlyList<int> Members { get; init; } = [8];
    public IReadOnlyList<MultiStrategy> Strategies { get; init; } = [MultiStrategy.Uncoordinated];
    public IReadOnlyList<long> PartitionsMs { get; init; } = [3_000];
    public IReadOnlyList<double> Losses { get; init; } = [0];
    public int Messages { get; init; } = 40;
    public KeySharePolicy KeyShare { get; init; } = KeySharePolicy.VerifiedMembers;
    public int Retained { get; init; } = 2;
    public long RetentionMs { get; init; } = new MultiOptions().RetentionMs;
    public long PskImportMs { get; init; }
    public long? PcsTheftMs { get; init; } = GroupScenarios.DefaultTheftMs;
    public ulong Seed { get; init; } = 1;
    public bool MeasureCommits { get; init; }

    /// <summary>Every combination, in a fixed order; each world's seed is the grid's seed (the scenario draws its script from it).</summary>
    public IReadOnlyList<GroupScenarioParams> Points() =>
    [
        .. from n in Members.Distinct()
           from s in Strategies.Distinct()
           from part in PartitionsMs.Distinct()
           from loss in Losses.Distinct()
           select new GroupScenarioParams
           {
               Scenario = Scenario, Members = n, Strategy = s, PartitionMs = part, Loss = loss, Messages = Messages,
               KeyShare = KeyShare, RetainedStates = Retained, RetentionMs = RetentionMs, PskImportMs = PskImportMs, PcsTheftMs = PcsTheftMs, Seed = Seed, MeasureCommits = MeasureCommits,
           },
    ];

    /// <summary>The command that reproduces the whole grid.</summary>
    /// <summary>The command that reproduces the grid (with <c>--out DIR</c> when the report was also written there).</summary>
    public string CommandLine(string? outDir) =>
        $"pairsim groups --scenario {Scenario} --members {string.Join(',', Members)} --strategy {string.Join(',', Strategies.Select(Name))} " +
        $"--partition-ms {string.Join(',', PartitionsMs)} --loss {string.Join(',', Losses.Select(F))} --messages {Messages} " +
        $"--key-share {(KeyShare == KeySharePolicy.Off ? "off" : "on")} --retained {Retained}" + RetentionOption(RetentionMs) + (PskImportMs > 0 ? $" --psk-import-ms {PskImportMs}" : "") + Theft(PcsTheftMs) +
        $" --seed {Seed}" + (outDir is null ? "" : $" --out {outDir}");

    /// <summary>The one command that re-runs this point's world and fails (exit 2) unless its trace hash is <paramref name="traceHash"/>.</summary>
    public static string ReplayCommand(GroupScenarioParams p, GroupsGrid grid, string traceHash) =>
        $"pairsim groups --scenario {p.Scenario} --members {p.Members} --strategy {Name(p.Strategy)} --partition-ms {p.PartitionMs} --loss {F(p.Loss)} " +
        $"--messages {p.Messages} --key-share {(p.KeyShare == KeySharePolicy.Off ? "off" : "on")} --retained {p.RetainedStates}" + RetentionOption(p.RetentionMs) +
        (p.PskImportMs > 0 ? $" --psk-import-ms {p.PskImportMs}" : "") + Theft(p.PcsTheftMs) + $" --seed {p.Seed} --expect-hash {traceHash}";

    private static string Theft(long? ms) => ms == GroupScenarios.DefaultTheftMs ? "" : $" --pcs-theft-ms {(ms is { } t ? t.ToString(CultureInfo.InvariantCulture) : "off")}";

    private static string RetentionOption(long ms) => ms == new MultiOptions().RetentionMs ? "" : $" --retention-ms {ms}";

    public static string Name(MultiStrategy s) => s == MultiStrategy.SendGroups ? "send-groups" : s.ToString().ToLowerInvariant();

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
