using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>The compare charts' shared drawing: one coloured line per strategy, "never" points on a labelled row at the top.</summary>
internal static class CompareChartStyle
{
    private static readonly MarkerShape[] Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond];

    /// <summary>One series per strategy; a null y is drawn at <paramref name="never"/> (slightly offset per strategy so overlapping ones stay visible).</summary>
    public static void Series(Plot plot, IReadOnlyList<string> strategies, Func<string, IReadOnlyList<(double X, double? Y)>> points, double never)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < strategies.Count; i++)
        {
            var p = points(strategies[i]);
            if (p.Count == 0) continue;
            double offset = (i - strategies.Count / 2.0) * never * 0.006;
            var xs = p.Select(x => x.X).ToArray();
            var ys = p.Select(x => x.Y ?? never + offset).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(i));
            line.LegendText = strategies[i];
            line.LineWidth = 2;
            line.MarkerSize = 10;
            line.MarkerShape = Shapes[i % Shapes.Length];
        }
    }

    public static void NeverRow(Plot plot, double never, string label, double xLeft)
    {
        var row = plot.Add.HorizontalLine(never);
        row.Color = Colors.Gray;
        row.LinePattern = LinePattern.Dotted;
        row.LineWidth = 1;
        var text = plot.Add.Text(label, xLeft, never);
        text.LabelFontSize = 13;
        text.LabelFontName = ReportFonts.Family;
        text.LabelAlignment = Alignment.LowerLeft;
        text.LabelFontColor = Colors.DimGray;
    }
}
