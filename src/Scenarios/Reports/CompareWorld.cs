using System.Text.Json;
using Sim.Simulator;
using Sim.Simulator.Agents;

namespace Sim.Scenarios.Reports;

/// <summary>
/// One world of `pairsim compare`: its workload (<see cref="Chat"/>, <see cref="Edit"/> or
/// <see cref="Parity"/>), its strategy, its point (fault profile and drop rate, or Bob's offline time) and its seed,
/// with the grid's knobs the workload reads. Self-contained: <see cref="ToWorldOptions"/> builds the
/// same world on any machine, so a cluster worker can run it from its JSON (<see cref="ToJson"/>).
/// </summary>
public sealed record CompareWorld(string Workload, string Strategy, ulong Seed)
{
    /// <summary>Workload 1: a chat under a drop rate with the theft of Alice's state.</summary>
    public const string Chat = "chat";
    /// <summary>Workload 2: Alice edits her card twice while Bob is offline.</summary>
    public const string Edit = "edit";
    /// <summary>Workload 3: a tiny chat of a PairMLS variant for the parity observer.</summary>
    public const string Parity = "parity";

    public static IReadOnlyList<string> Workloads { get; } = [Chat, Edit, Parity];

    /// <summary>The parity observer's two PairMLS variants.</summary>
    public static IReadOnlyList<string> ParityVariants { get; } = ["pairmls", "pairmls-no-empty-commit"];

    /// <summary>Chat: the fault profile (<see cref="CompareFaults"/>) on top of the drops.</summary>
    public string Faults { get; init; } = CompareFaults.Drop;
    /// <summary>Chat: the drop probability on both links.</summary>
    public double Drop { get; init; }
    /// <summary>Edit: how long Bob is offline, virtual ms.</summary>
    public long OfflineMs { get; init; }
    /// <summary>Chat: user messages.</summary>
    public int Messages { get; init; } = 16;
    /// <summary>Chat: when the attacker copies Alice's saved state, virtual ms.</summary>
    public long TheftMs { get; init; } = 450;

    /// <summary>Every world of a grid in its fixed order: per strategy its chat worlds (drop by drop) and edit worlds (offline time by offline time), then the parity worlds.</summary>
    public static IReadOnlyList<CompareWorld> Of(CompareGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var worlds = new List<CompareWorld>();
        foreach (var s in grid.Compared)
        {
            foreach (var faults in grid.Faults)
                foreach (var drop in grid.DropProbabilities)
                    for (int i = 0; i < grid.WorldsPerPoint; i++)
                        worlds.Add(new CompareWorld(Chat, s, grid.WorldSeed(i)) { Faults = faults, Drop = drop, Messages = grid.Messages, TheftMs = grid.TheftMs });
            foreach (var offline in grid.OfflineMs)
                for (int i = 0; i < grid.WorldsPerPoint; i++)
                    worlds.Add(new CompareWorld(Edit, s, grid.WorldSeed(i)) { OfflineMs = offline });
        }
        if (grid.ParityWorlds > 0)
            foreach (var label in ParityVariants)
                for (int i = 0; i < grid.ParityWorlds; i++)
                    worlds.Add(new CompareWorld(Parity, label, grid.WorldSeed(10_000 + i)));
        return worlds;
    }

    /// <summary>The strategy's preset (a method, not a property: it is not part of the world's JSON).</summary>
    public CompareStrategy Preset() => CompareStrategy.Named(Strategy);

    public WorldOptions ToWorldOptions() => Workload switch
    {
        Chat => Compare.ChatWorld(Preset(), Faults, Drop, Seed, Messages, TheftMs),
        Edit => Compare.EditWorld(Preset(), OfflineMs, Seed),
        Parity => new WorldOptions
        {
            Seed = Seed,
            Protocol = Preset().Protocol,
            UserScript = UserScript.Chat(2, Compare.GapMs),
            SettleMs = 200,
            LivenessRoundTrips = 1,
            KeepTraceText = false,
        },
        _ => throw new InvalidOperationException($"unknown workload '{Workload}'"),
    };

    /// <summary>What <see cref="CompareGrid.Validate"/> would refuse, for a world read from the network.</summary>
    public void Validate()
    {
        if (!Workloads.Contains(Workload)) throw new ArgumentException($"workload '{Workload}' is not one of {string.Join(", ", Workloads)}");
        _ = CompareStrategy.Named(Strategy);
        if (!CompareFaults.Names.Contains(Faults)) throw new ArgumentException($"fault profile '{Faults}' is not one of {string.Join(", ", CompareFaults.Names)}");
        if (Drop is < 0 or >= 1 || double.IsNaN(Drop)) throw new ArgumentException($"drop {Drop} is not in [0, 1)");
        if (OfflineMs < 0) throw new ArgumentException($"offline {OfflineMs} ms is negative");
        if (Messages is < 8 or > 1000) throw new ArgumentException($"messages {Messages} is not 8..1000");
        if (TheftMs < 0) throw new ArgumentException($"theft at {TheftMs} ms is negative");
    }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s text and validates it; anything else is a <see cref="FormatException"/>.</summary>
    public static CompareWorld FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var world = JsonSerializer.Deserialize<CompareWorld>(json, Json) ?? throw new FormatException("a compare world is null");
            world.Validate();
            return world;
        }
        catch (JsonException e) { throw new FormatException($"not a compare world: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"not a compare world: {e.Message}", e); }
    }
}
