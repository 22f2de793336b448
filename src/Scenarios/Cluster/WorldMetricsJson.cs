using System.Globalization;
using System.Text.Json;
using Sim.Scenarios.Reports;
using Sim.Simulator.Checks;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// A sweep world's <see cref="WorldMetrics"/> as the JSON a worker sends back: every figure and every
/// verdict, with the verdict's first violating event as its trace line (<see cref="TraceJson"/>), so
/// the coordinator's report reads exactly what a local run would have computed.
/// </summary>
public static class WorldMetricsJson
{
    private static readonly JsonSerializerOptions Json = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public static string Encode(WorldMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var row = new Row(metrics.Seed.ToString(CultureInfo.InvariantCulture), metrics.TraceHash, metrics.ReplayLine, metrics.ConvergenceMs, metrics.ConvergenceRoundTrips,
            metrics.HealMs, metrics.HealConvergenceMs, metrics.HealConvergedUnderFaults, metrics.HonestArrived, metrics.HonestDecrypted, metrics.Sent, metrics.Lost, metrics.Expired, metrics.Epochs,
            [.. metrics.Verdicts.Select(v => new VerdictRow(v.Name, v.Passed, v.Detail, v.FirstViolation is { } e ? TraceJson.ToLine(e) : null))]);
        return JsonSerializer.Serialize(row, Json);
    }

    /// <summary>Reads <see cref="Encode"/>'s text; anything else is a <see cref="FormatException"/>.</summary>
    public static WorldMetrics Decode(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Row row;
        try { row = JsonSerializer.Deserialize<Row>(json, Json) ?? throw new FormatException("a world's row is null"); }
        catch (JsonException e) { throw new FormatException($"not a world's row: {e.Message}", e); }
        if (!ulong.TryParse(row.Seed, NumberStyles.None, CultureInfo.InvariantCulture, out var seed)) throw new FormatException($"not a world's row: seed '{row.Seed}'");
        return new WorldMetrics
        {
            Seed = seed,
            TraceHash = row.TraceHash,
            ReplayLine = row.ReplayLine,
            ConvergenceMs = row.ConvergenceMs,
            ConvergenceRoundTrips = row.ConvergenceRoundTrips,
            HealMs = row.HealMs,
            HealConvergenceMs = row.HealConvergenceMs,
            HealConvergedUnderFaults = row.HealConvergedUnderFaults,
            HonestArrived = row.HonestArrived,
            HonestDecrypted = row.HonestDecrypted,
            Sent = row.Sent,
            Lost = row.Lost,
            Expired = row.Expired,
            Epochs = row.Epochs,
            Verdicts = [.. row.Verdicts.Select(v => new Verdict(v.Name, v.Passed, v.At is null ? null : TraceJson.FromLine(v.At), v.Detail))],
        };
    }

    private sealed record Row(string Seed, string TraceHash, string ReplayLine, long? ConvergenceMs, int? ConvergenceRoundTrips,
        long? HealMs, long? HealConvergenceMs, bool HealConvergedUnderFaults, int HonestArrived, int HonestDecrypted, int Sent, int Lost, int Expired, int Epochs, IReadOnlyList<VerdictRow> Verdicts);

    private sealed record VerdictRow(string Name, bool Passed, string Detail, string? At);
}
