using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Distributions drawn per world, not as means: a box (quartiles, median line, whiskers min–max) and a
/// strip of one dot per world beside it, spread sideways by a fixed sequence (no randomness: the same
/// figures give the same image bytes).
/// </summary>
internal static class DistributionMarks
{
    /// <summary>A box at <paramref name="x"/>: quartiles filled, median as a thick line, whiskers to min and max.</summary>
    public static void Box(Plot plot, double x, double halfWidth, IReadOnlyList<double> values, Color color)
    {
        if (FiveNumbers.Of(values) is not { } f) return;
        var box = plot.Add.Rectangle(x - halfWidth, x + halfWidth, f.Q1, Math.Max(f.Q3, f.Q1 + 1e-9));
        box.FillStyle.Color = color.WithAlpha(0.18);
        box.LineStyle.Color = color;
        box.LineStyle.Width = 1.5f;
        Segment(plot, x - halfWidth, f.Median, x + halfWidth, f.Median, Colors.Black, 2.5f);
        Segment(plot, x, f.Min, x, f.Q1, color, 1.5f);
        Segment(plot, x, f.Q3, x, f.Max, color, 1.5f);
        Segment(plot, x - halfWidth / 2, f.Min, x + halfWidth / 2, f.Min, color, 1.5f);
        Segment(plot, x - halfWidth / 2, f.Max, x + halfWidth / 2, f.Max, color, 1.5f);
    }

    /// <summary>One marker per value around <paramref name="x"/>, spread over ±<paramref name="spread"/>/2 by the golden-ratio sequence.</summary>
    public static void Strip(Plot plot, double x, double spread, IReadOnlyList<double> values, Color color, MarkerShape shape, float size)
    {
        if (values.Count == 0) return;
        var points = new Coordinates[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            double offset = (i * 0.6180339887498949) % 1.0 - 0.5;
            points[i] = new Coordinates(x + spread * offset, values[i]);
        }
        plot.Add.Markers(points, shape, size, color);
    }

    private static void Segment(Plot plot, double x0, double y0, double x1, double y1, Color color, float width)
    {
        var line = plot.Add.Line(new Coordinates(x0, y0), new Coordinates(x1, y1));
        line.Color = color;
        line.LineWidth = width;
    }
}
