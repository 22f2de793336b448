using System.Globalization;

namespace Sim.Scenarios.Reports;

/// <summary>Five numbers of a sample: min, quartiles (linear interpolation between order statistics), median, max.</summary>
public sealed record FiveNumbers(double Min, double Q1, double Median, double Q3, double Max, int Count)
{
    /// <summary>The summary of <paramref name="values"/>, or null when there are none.</summary>
    public static FiveNumbers? Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        return new FiveNumbers(sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), sorted[^1], sorted.Length);
    }

    /// <summary>The q-quantile of sorted values, interpolating linearly between neighbours (Hyndman and Fan's type 7, as R and NumPy default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        double h = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>"median 40 (quartiles 30–55, min–max 20–120, n = 48)" in whole units.</summary>
    public string Describe(string unit = "") =>
        string.Create(CultureInfo.InvariantCulture, $"median {Median:0.#}{unit} (quartiles {Q1:0.#}–{Q3:0.#}, min–max {Min:0.#}–{Max:0.#}, n = {Count})");
}
