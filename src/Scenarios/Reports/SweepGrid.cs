using System.Globalization;
using Sim.Engine.Crypto;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The parameter grid of a sweep: every combination of drop, duplicate and reorder probability,
/// partition length and retention window R is one <see cref="SweepPoint"/>, run
/// <see cref="WorldsPerPoint"/> times. World k of every point uses the same seed (derived from
/// <see cref="Seed"/> and k): the network draws the same numbers at every point, so a datagram
/// dropped at drop 0.1 is also dropped at 0.2 (common random numbers), and the curves compare
/// protocol behaviour rather than luck.
/// </summary>
public sealed record SweepGrid
{
    public IReadOnlyList<double> DropProbabilities { get; init; } = [0, 0.1, 0.2, 0.3, 0.5];
    public IReadOnlyList<double> DuplicateProbabilities { get; init; } = [0, 0.2];
    /// <summary>Probability that a datagram is held back by <see cref="SweepWorkload.ReorderExtraMs"/> so later ones overtake it.</summary>
    public IReadOnlyList<double> ReorderProbabilities { get; init; } = [0, 0.3];
    /// <summary>Length of one partition (both ways) starting a third of the way into the conversation; 0: none. Chart 1 draws recovery per length.</summary>
    public IReadOnlyList<long> PartitionLengthsMs { get; init; } = [0, 200, 600, 1200];
    /// <summary>R: past epochs whose application secrets each party keeps.</summary>
    public IReadOnlyList<int> RetentionWindows { get; init; } = [0, 1, 2, 4];
    public int WorldsPerPoint { get; init; } = 3;
    /// <summary>User messages each world's script sends (both parties together) while faults are on.</summary>
    public int Messages { get; init; } = 50;
    public ulong Seed { get; init; } = 1;

    /// <summary>Every point, in a fixed order: drop varies slowest, R fastest.</summary>
    public IReadOnlyList<SweepPoint> Points() =>
        (from d in DropProbabilities
         from u in DuplicateProbabilities
         from o in ReorderProbabilities
         from p in PartitionLengthsMs
         from r in RetentionWindows
         select new SweepPoint(d, u, o, p, r)).ToList();

    public int WorldCount => Points().Count * WorldsPerPoint;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        static void Probabilities(string name, IReadOnlyList<double> values)
        {
            if (values.Count == 0) throw new ArgumentException($"{name}: give at least one value");
            foreach (var v in values)
                if (!(v >= 0 && v <= 1)) throw new ArgumentException($"{name}: {v.ToString(CultureInfo.InvariantCulture)} is not a probability in [0, 1]");
        }
        Probabilities("--drop", DropProbabilities);
        Probabilities("--duplicate", DuplicateProbabilities);
        Probabilities("--reorder", ReorderProbabilities);
        if (PartitionLengthsMs.Count == 0 || PartitionLengthsMs.Any(p => p < 0)) throw new ArgumentException("--partition-ms: give lengths ≥ 0");
        if (RetentionWindows.Count == 0 || RetentionWindows.Any(r => r < 0)) throw new ArgumentException("--retention: give windows R ≥ 0");
        if (WorldsPerPoint < 1) throw new ArgumentException("--worlds-per-point must be at least 1");
        if (Messages < 2) throw new ArgumentException("--messages must be at least 2");
    }

    /// <summary>The seed of world <paramref name="k"/> at every point.</summary>
    public ulong WorldSeed(int k)
    {
        var bytes = new DeterministicRandomSource(Seed, $"sweep/world/{k}").NextBytes(8);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>
    /// The point whose single world the epoch-lag and spacetime charts draw: the middle drop rate and
    /// R, the highest duplicate and reorder probabilities and the longest partition, so that every
    /// fault shows.
    /// </summary>
    public SweepPoint SamplePoint() => new(
        Middle(DropProbabilities), DuplicateProbabilities.Max(), ReorderProbabilities.Max(), PartitionLengthsMs.Max(), Middle(RetentionWindows));

    private static T Middle<T>(IReadOnlyList<T> values) where T : IComparable<T>
    {
        var sorted = values.Distinct().OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
