using System.Text.Json;
using System.Text.Json.Nodes;
using Sim.Scenarios.Generators;
using Sim.Scenarios.Properties;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>One scenario's world and every property's verdict on it: what `run` and `replay` print.</summary>
public sealed record WorldReport(Scenario Scenario, WorldResult Result, IReadOnlyList<(ScenarioProperty Property, PropertyVerdict Verdict)> Verdicts)
{
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs the scenario's world (with its capture, if any; <paramref name="options"/> when a property builds it its own way) and judges it by every property.</summary>
    public static WorldReport Run(Scenario scenario, CancellationToken ct = default, WorldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var result = new World(options ?? scenario.ToWorldOptions()).RunAsync(ct).GetAwaiter().GetResult();
        var verdicts = Invariants.Reported.Select(p => (p, p.Judge(scenario, result))).ToList();
        return new WorldReport(scenario, result, verdicts);
    }

    public bool AllHeld(string? property = null) =>
        Verdicts.Where(v => property is null || v.Property.Name == property).All(v => v.Verdict.Held);

    public void Print(CliIo io)
    {
        var r = Result;
        var c = io.Console;
        c.MarkupLine($"[bold]scenario[/] {Markup.Escape(Scenario.Format())}");
        c.MarkupLine($"[grey]{Markup.Escape(r.ReplayLine)}[/]");
        io.Output.WriteLine($"replay: {Replay.Command(Scenario, null, r.TraceHash)}");
        var summary = new Table().AddColumns("", "value").HideHeaders();
        summary.AddRow("seed", Scenario.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("trace hash", r.TraceHash);
        summary.AddRow("events", r.Trace.Events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("virtual time", $"safety phase to {r.SafetyPhaseEndMs} ms, end {r.EndMs} ms");
        summary.AddRow("datagrams", $"sent {r.Counts.DatagramsSent}, delivered {r.Counts.DatagramsDelivered}, lost {r.Counts.DatagramsLost}");
        summary.AddRow("outcomes", Markup.Escape(string.Join(" ", r.Counts.Outcomes.Select(kv => $"{kv.Key}={kv.Value}"))));
        summary.AddRow("faults", Markup.Escape(r.Counts.Faults.Count == 0 ? "none" : string.Join(" ", r.Counts.Faults.Select(kv => $"{kv.Key}={kv.Value}"))));
        summary.AddRow("script ops skipped", r.Counts.ScriptOpsSkipped.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("liveness", $"{r.LivenessRoundTrips} round trips in {r.LivenessSends} sends");
        summary.AddRow("converged", r.Converged ? "yes" : "no");
        c.Write(summary);

        var parties = new Table().AddColumns("party", "epoch", "card", "peer card", "agent", "saves", "forks seen");
        foreach (var p in new[] { r.Alice, r.Bob })
            parties.AddRow(p.Party, $"{p.Epoch}", $"{p.CardVersion}", $"{p.PeerCardVersion}", Markup.Escape(p.Agent?[..Math.Min(12, p.Agent.Length)] ?? "-"), $"{p.Saves}", $"{p.ForksDetected}");
        c.Write(parties);

        var verdicts = new Table().AddColumns("property", "verdict", "detail");
        foreach (var (property, v) in Verdicts)
            verdicts.AddRow(property.Name, v.Held ? "[green]held[/]" : "[red]FAILED[/]", Markup.Escape(v.ToString()));
        c.Write(verdicts);
    }

    public JsonObject ToJson()
    {
        var r = Result;
        return new JsonObject
        {
            ["scenario"] = Scenario.Format(),
            ["seed"] = Scenario.Seed,
            ["options"] = r.ReplayLine,
            ["replay"] = Replay.Command(Scenario, null, r.TraceHash),
            ["trace_hash"] = r.TraceHash,
            ["events"] = r.Trace.Events.Count,
            ["safety_phase_end_ms"] = r.SafetyPhaseEndMs,
            ["end_ms"] = r.EndMs,
            ["datagrams_sent"] = r.Counts.DatagramsSent,
            ["datagrams_delivered"] = r.Counts.DatagramsDelivered,
            ["datagrams_lost"] = r.Counts.DatagramsLost,
            ["outcomes"] = Counts(r.Counts.Outcomes),
            ["faults"] = Counts(r.Counts.Faults),
            ["script_ops_skipped"] = r.Counts.ScriptOpsSkipped,
            ["liveness_round_trips"] = r.LivenessRoundTrips,
            ["converged"] = r.Converged,
            ["parties"] = new JsonArray(Party(r.Alice), Party(r.Bob)),
            ["verdicts"] = new JsonArray(Verdicts.Select(v => (JsonNode)VerdictJson(v.Property.Name, v.Verdict)).ToArray()),
        };
    }

    internal static JsonObject VerdictJson(string name, PropertyVerdict v) => new()
    {
        ["property"] = name,
        ["held"] = v.Held,
        ["detail"] = v.Detail,
        ["seq"] = v.At?.Seq,
        ["t_ms"] = v.At?.T,
    };

    private static JsonObject Counts(IReadOnlyDictionary<string, int> counts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in counts) o[k] = v;
        return o;
    }

    private static JsonObject Party(PartySummary p) => new()
    {
        ["party"] = p.Party,
        ["joined"] = p.Joined,
        ["epoch"] = p.Epoch,
        ["card_version"] = p.CardVersion,
        ["peer_card_version"] = p.PeerCardVersion,
        ["epoch_auth"] = p.EpochAuthHash,
        ["tree_hash"] = p.TreeHash,
        ["forks_detected"] = p.ForksDetected,
    };
}
