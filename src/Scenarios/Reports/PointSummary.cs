using Sim.Simulator.Checks;

namespace Sim.Scenarios.Reports;

/// <summary>A grid point's figures over its worlds: means over the worlds that have the figure, and the checker verdicts.</summary>
public sealed record PointSummary(SweepPoint Point, IReadOnlyList<WorldMetrics> Worlds)
{
    public int WorldCount => Worlds.Count;
    public int Converged => Worlds.Count(w => w.ConvergenceMs is not null && Held(w, "Convergence"));
    public double? ConvergenceMsMean => Mean(Worlds.Select(w => (double?)w.ConvergenceMs));
    public long? ConvergenceMsMin => Worlds.Min(w => w.ConvergenceMs);
    public long? ConvergenceMsMax => Worlds.Max(w => w.ConvergenceMs);
    /// <summary>Recovery after the partition heals, over the worlds that converged (<see cref="WorldMetrics.HealConvergenceMs"/>).</summary>
    public FiveNumbers? HealConvergence => FiveNumbers.Of(Worlds.Where(w => w.HealConvergenceMs is not null).Select(w => (double)w.HealConvergenceMs!.Value));
    public double? RoundTripsMean => Mean(Worlds.Select(w => (double?)w.ConvergenceRoundTrips));
    /// <summary>Pooled over the worlds: decrypted honest datagrams / honest datagrams that arrived.</summary>
    public double? DecryptableFraction
    {
        get
        {
            int arrived = Worlds.Sum(w => w.HonestArrived);
            return arrived == 0 ? null : (double)Worlds.Sum(w => w.HonestDecrypted) / arrived;
        }
    }
    public double SentMean => Worlds.Average(w => w.Sent);
    public double LostMean => Worlds.Average(w => w.Lost);
    public double ExpiredMean => Worlds.Average(w => w.Expired);
    public double EpochsMean => Worlds.Average(w => w.Epochs);

    /// <summary>Checker names in <see cref="Checkers.All"/> order, each with the number of worlds where it held.</summary>
    public IReadOnlyList<(string Name, int Held)> Verdicts =>
        Checkers.All.Select(c => (c.Name, Worlds.Count(w => Held(w, c.Name)))).ToList();

    /// <summary>Every judged verdict held in every world (see <see cref="Judged"/>).</summary>
    public bool AllHeld => Worlds.All(w => w.Verdicts.All(v => v.Passed || !Judged(Point, v)));

    /// <summary>
    /// Whether a checker's verdict counts as an invariant at this point. Decryptability's invariant is
    /// stated for R ≥ 1 (the property generates R ≥ 1): with R = 0 a datagram that crosses the peer's
    /// commit in flight is Expired by design, so at R = 0 its failures are the cost of R = 0 (shown in
    /// the expired column and chart 2), not violations.
    /// </summary>
    public static bool Judged(SweepPoint point, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(verdict);
        return !(point.RetentionWindow == 0 && verdict.Name == "Decryptability");
    }

    /// <summary>"all 7 held" or the checkers that failed somewhere, e.g. "Decryptability failed 1/2".</summary>
    public string VerdictText
    {
        get
        {
            var failed = Verdicts.Where(v => v.Held < WorldCount)
                .Select(v => Point.RetentionWindow == 0 && v.Name == "Decryptability"
                    ? $"R = 0 cost: Decryptability not met in {WorldCount - v.Held}/{WorldCount} (expired by design)"
                    : $"{v.Name} failed {WorldCount - v.Held}/{WorldCount}").ToList();
            return failed.Count == 0 ? $"all {Checkers.All.Count} held" : string.Join(", ", failed);
        }
    }

    private static bool Held(WorldMetrics w, string name) => w.Verdicts.Any(v => v.Name == name && v.Passed);

    private static double? Mean(IEnumerable<double?> values)
    {
        var have = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return have.Count == 0 ? null : have.Average();
    }
}
