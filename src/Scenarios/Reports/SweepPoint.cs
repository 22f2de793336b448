using System.Globalization;

namespace Sim.Scenarios.Reports;

/// <summary>One point of a <see cref="SweepGrid"/>: the faults during the safety phase and the retention window R.</summary>
public sealed record SweepPoint(double DropProbability, double DuplicateProbability, double ReorderProbability, long PartitionMs, int RetentionWindow)
{
    /// <summary>Short label, e.g. "drop=0.1 dup=0 reorder=0.3 partition=600ms R=2".</summary>
    public string Label =>
        $"drop={F(DropProbability)} dup={F(DuplicateProbability)} reorder={F(ReorderProbability)} partition={PartitionMs}ms R={RetentionWindow}";

    public override string ToString() => Label;

    internal static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
