using Sim.Engine.Crypto;
using Sim.Engine.Multi;
using Sim.Simulator.Groups;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Catalog;

/// <summary>What a named group scenario is run with (`pairsim groups` options).</summary>
public sealed record GroupScenarioParams
{
    public string Scenario { get; init; } = "race";
    /// <summary>N: members at the start (race always has three, plus two who join).</summary>
    public int Members { get; init; } = 8;
    public long PartitionMs { get; init; } = 3_000;
    /// <summary>Drop probability on every link while faults are on.</summary>
    public double Loss { get; init; }
    public int Messages { get; init; } = 40;
    public MultiStrategy Strategy { get; init; } = MultiStrategy.Uncoordinated;
    public KeySharePolicy KeyShare { get; init; } = KeySharePolicy.VerifiedMembers;
    public int RetainedStates { get; init; } = 2;
    /// <summary>Retention strategy: how long a member keeps a state it left or learned of another branch, virtual ms.</summary>
    public long RetentionMs { get; init; } = new MultiOptions().RetentionMs;
    /// <summary>Send groups: commit a PSK import this long after taking another member's commit (0: only with one's own updates).</summary>
    public long PskImportMs { get; init; }
    /// <summary>PCS: when an attacker copies a member's state (the first member to ask for an update from then on); null: no theft.</summary>
    public long? PcsTheftMs { get; init; } = GroupScenarios.DefaultTheftMs;
    public ulong Seed { get; init; } = 1;
    public bool MeasureCommits { get; init; }

    public void Validate()
    {
        if (!GroupScenarios.Names.Contains(Scenario)) throw new ArgumentException($"unknown scenario '{Scenario}' (known: {string.Join(", ", GroupScenarios.Names)})");
        if (Members is < 3 or > 64) throw new ArgumentException($"members must be 3..64, not {Members}");
        if (PartitionMs is < 0 or > 600_000) throw new ArgumentException($"partition-ms must be 0..600000, not {PartitionMs}");
        if (Loss is < 0 or >= 1 || double.IsNaN(Loss)) throw new ArgumentException($"loss must be in [0, 1), not {Loss}");
        if (Messages is < 0 or > 100_000) throw new ArgumentException($"messages must be 0..100000, not {Messages}");
        if (RetainedStates is < 0 or > 64) throw new ArgumentException($"retained must be 0..64, not {RetainedStates}");
        if (RetentionMs is < 0 or > 600_000) throw new ArgumentException($"retention-ms must be 0..600000, not {RetentionMs}");
        if (PskImportMs is < 0 or > 600_000) throw new ArgumentException($"psk-import-ms must be 0..600000, not {PskImportMs}");
        if (PcsTheftMs is < 0 or > 600_000) throw new ArgumentException($"pcs-theft-ms must be 0..600000 or off, not {PcsTheftMs}");
    }
}

/// <summary>
/// The named scenarios of GROUPS.md as deterministic group worlds: race (concurrent adds on two
/// sides), netsplit (two halves talk and commit through a long partition), flaky (one member offline
/// for long stretches while the others commit), churn (joins and removes while links drop and reorder).
/// The script's timing and senders come from the seed; the same parameters give the same world.
/// </summary>
public static class GroupScenarios
{
    public static readonly IReadOnlyList<string> Names = ["race", "netsplit", "flaky", "churn"];

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        ["race"] = "a, b, c in a group; b adds d while c adds e, cut off from each other (a reaches both): (a b c d) against (a b c e), messages on both sides, then the network heals",
        ["netsplit"] = "two halves of N members keep talking and committing through a long partition, then heal",
        ["flaky"] = "one member is offline for two long stretches while the others talk and commit",
        ["churn"] = "members join and are removed while links drop and reorder",
    };

    private const long StartMs = 500;

    /// <summary>The theft of the PCS figure: when the partition (or the first outage) starts.</summary>
    public const long DefaultTheftMs = StartMs;

    public static GroupWorldOptions Build(GroupScenarioParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        var random = new DeterministicRandomSource(p.Seed, "group-script/" + p.Scenario);
        var member = new MultiOptions { Strategy = p.Strategy, KeyShare = p.KeyShare, RetainedStates = p.RetainedStates, ImportAfterMs = p.PskImportMs, RetentionMs = p.RetentionMs };
        var links = new LinkFaults { DropProbability = p.Loss, DelayMinMs = 10, DelayMeanMs = 10 };
        var names = Enumerable.Range(0, p.Members).Select(i => $"m{i:00}").ToList();
        var o = new GroupWorldOptions { Seed = p.Seed, Scenario = p.Scenario, Member = member, Links = links, MeasureCommits = p.MeasureCommits, PcsTheftMs = p.PcsTheftMs };
        long heal = StartMs + p.PartitionMs;
        switch (p.Scenario)
        {
            case "race":
            {
                string[] founders = ["a", "b", "c"];
                var script = new List<GroupOp> { new(StartMs, "b", GroupOpKind.Add) { Target = "d" }, new(StartMs, "c", GroupOpKind.Add) { Target = "e" } };
                script.AddRange(Sends(random, ["a", "b", "c", "d", "e"], StartMs + 300, Math.Max(heal, StartMs + 600), p.Messages));
                return o with
                {
                    Founders = founders, Outsiders = ["d", "e"], Script = script,
                    Partitions = [new SubsetPartition(0, heal, ["b", "d"]) { Other = ["c", "e"] }],
                    SafetyPhaseEndMs = heal + 2_000,
                };
            }
            case "netsplit":
            {
                var side = names.Take(p.Members / 2).ToList();
                var script = Sends(random, names, StartMs, heal + 500, p.Messages);
                // Each side commits during the split: a few updates per side.
                for (int i = 0; i < 3; i++)
                {
                    long at = StartMs + 100 + (long)(p.PartitionMs * (i + 0.5) / 3);
                    script.Add(new GroupOp(at, side[(int)random.NextUInt64((ulong)side.Count)], GroupOpKind.Update));
                    script.Add(new GroupOp(at + 7, names[side.Count + (int)random.NextUInt64((ulong)(names.Count - side.Count))], GroupOpKind.Update));
                }
                return o with { Founders = names, Script = script, Partitions = [new SubsetPartition(StartMs, heal, side)], SafetyPhaseEndMs = heal + 2_000 };
            }
            case "flaky":
            {
                string flaky = names[1];
                long away = Math.Max(500, p.PartitionMs);
                var script = Sends(random, names, StartMs, StartMs + 2 * away + 1_500, p.Messages);
                script.Add(new GroupOp(StartMs, flaky, GroupOpKind.Offline) { DurationMs = away });
                script.Add(new GroupOp(StartMs + away + 1_000, flaky, GroupOpKind.Offline) { DurationMs = away });
                for (int i = 0; i < 4; i++) script.Add(new GroupOp(StartMs + 200 + i * (2 * away + 1_000) / 4, names[(i % (names.Count - 2)) + 2], GroupOpKind.Update));
                return o with { Founders = names, Script = script, SafetyPhaseEndMs = StartMs + 2 * away + 3_000 };
            }
            default: // churn
            {
                var outsiders = new[] { "x0", "x1" };
                long span = Math.Max(3_000, p.PartitionMs);
                var script = Sends(random, names, StartMs, StartMs + span, p.Messages);
                script.Add(new GroupOp(StartMs + span / 6, names[0], GroupOpKind.Add) { Target = outsiders[0] });
                script.Add(new GroupOp(StartMs + span / 3, names[1], GroupOpKind.Remove) { Target = names[^1] });
                script.Add(new GroupOp(StartMs + span / 2, names[2 % names.Count], GroupOpKind.Add) { Target = outsiders[1] });
                script.Add(new GroupOp(StartMs + 2 * span / 3, names[0], GroupOpKind.Remove) { Target = outsiders[0] });
                return o with
                {
                    Founders = names, Outsiders = outsiders, Script = script,
                    Links = links with { DropProbability = Math.Max(p.Loss, 0.05), ReorderProbability = 0.1, ReorderExtraMs = 150 },
                    SafetyPhaseEndMs = StartMs + span + 2_000,
                };
            }
        }
    }

    /// <summary><paramref name="count"/> application messages at seeded times in [from, to), each by a seeded sender.</summary>
    private static List<GroupOp> Sends(DeterministicRandomSource random, IReadOnlyList<string> senders, long fromMs, long toMs, int count)
    {
        var ops = new List<GroupOp>(count);
        long span = Math.Max(1, toMs - fromMs);
        for (int i = 0; i < count; i++)
            ops.Add(new GroupOp(fromMs + (long)random.NextUInt64((ulong)span), senders[(int)random.NextUInt64((ulong)senders.Count)], GroupOpKind.Send) { PayloadBytes = 64 });
        return ops;
    }
}
