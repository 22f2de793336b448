namespace Sim.Scenarios.Reports;

/// <summary>What `pairsim compare` runs: strategies × drop rates (PCS, FS, delivery, bytes), strategies × peer offline times (card-edit waiting), and parity worlds.</summary>
public sealed record CompareGrid
{
    public IReadOnlyList<string> Strategies { get; init; } = CompareStrategy.Labels;
    /// <summary>The R axis (--r): PairMLS with each of these retention windows, as strategies pairmls-R&lt;R&gt; after <see cref="Strategies"/>.</summary>
    public IReadOnlyList<int> RetentionWindows { get; init; } = [];

    /// <summary>Every strategy compared, in order: <see cref="Strategies"/>, then the R axis's (those not named already).</summary>
    public IReadOnlyList<string> Compared => [.. Strategies, .. RetentionWindows.Select(r => CompareStrategy.RetentionPrefix + r).Where(l => !Strategies.Contains(l))];
    public IReadOnlyList<double> DropProbabilities { get; init; } = [0, 0.1, 0.2, 0.3];
    /// <summary>The chat's fault profiles (--faults, <see cref="CompareFaults"/>), each at every drop rate.</summary>
    public IReadOnlyList<string> Faults { get; init; } = CompareFaults.Names;
    public IReadOnlyList<long> OfflineMs { get; init; } = [0, 500, 1000, 2000];
    public int WorldsPerPoint { get; init; } = 3;
    public int Messages { get; init; } = 16;
    /// <summary>Worlds per PairMLS variant for the parity observer.</summary>
    public int ParityWorlds { get; init; } = 40;
    /// <summary>When the attacker copies Alice's saved state, virtual ms.</summary>
    public long TheftMs { get; init; } = 450;
    public ulong Seed { get; init; } = 1;

    public void Validate()
    {
        if (Strategies.Count == 0) throw new ArgumentException("--strategies: at least one");
        foreach (var s in Strategies)
        {
            try { CompareStrategy.Named(s); }
            catch (ArgumentException e) { throw new ArgumentException("--strategies: " + e.Message, e); }
        }
        if (Strategies.Distinct().Count() != Strategies.Count) throw new ArgumentException("--strategies: a strategy is named twice");
        if (RetentionWindows.Any(r => r is < 0 or > CompareStrategy.MaxRetention)) throw new ArgumentException($"--r: retention windows in 0..{CompareStrategy.MaxRetention}");
        if (RetentionWindows.Distinct().Count() != RetentionWindows.Count) throw new ArgumentException("--r: an R is named twice");
        if (Faults.Count == 0 || Faults.Any(f => !CompareFaults.Names.Contains(f))) throw new ArgumentException($"--faults: profiles of {string.Join(", ", CompareFaults.Names)}");
        if (Faults.Distinct().Count() != Faults.Count) throw new ArgumentException("--faults: a profile is named twice");
        if (DropProbabilities.Count == 0 || DropProbabilities.Any(d => d is < 0 or >= 1 || double.IsNaN(d))) throw new ArgumentException("--drop: probabilities in [0, 1)");
        if (OfflineMs.Count == 0 || OfflineMs.Any(o => o < 0)) throw new ArgumentException("--offline-ms: non-negative virtual ms");
        if (WorldsPerPoint < 1) throw new ArgumentException("--worlds-per-point: at least 1");
        if (Messages is < 8 or > 1000) throw new ArgumentException("--messages: 8 to 1000 (the workload edits cards at messages 6 and 9)");
        if (ParityWorlds is < 0 or > 10_000) throw new ArgumentException("--parity-worlds: 0 to 10000");
        if (TheftMs < 0) throw new ArgumentException("--theft-ms: non-negative");
    }

    /// <summary>The seed of world <paramref name="i"/> of a point (the same for every strategy: same users, same faults).</summary>
    public ulong WorldSeed(int i) => Seed * 1_000_003UL + (ulong)i;
}
