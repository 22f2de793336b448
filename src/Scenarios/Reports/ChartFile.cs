using ScottPlot;

namespace Sim.Scenarios.Reports;

/// <summary>A chart written as PNG and SVG (same name, two extensions).</summary>
public sealed record ChartFile(string Name, string Title, string PngPath, string SvgPath)
{
    /// <summary>Registers the report font, then saves <paramref name="plot"/> as DIR/NAME.png and DIR/NAME.svg.</summary>
    public static ChartFile Save(Plot plot, string directory, string name, string title, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        Directory.CreateDirectory(directory);
        var png = Path.Combine(directory, name + ".png");
        var svg = Path.Combine(directory, name + ".svg");
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        return new ChartFile(name, title, png, svg);
    }

    /// <summary>Saves the plot as DIR/NAME.png and writes <paramref name="svg"/> (drawn by hand, e.g. with hover text) as DIR/NAME.svg.</summary>
    public static ChartFile SavePngWithSvg(Plot plot, string directory, string name, string title, int width, int height, string svg)
    {
        ArgumentNullException.ThrowIfNull(plot);
        Directory.CreateDirectory(directory);
        var png = Path.Combine(directory, name + ".png");
        var svgPath = Path.Combine(directory, name + ".svg");
        plot.SavePng(png, width, height);
        File.WriteAllText(svgPath, svg, new System.Text.UTF8Encoding(false));
        return new ChartFile(name, title, png, svgPath);
    }

    /// <summary>A new plot with the report's font and sizes (call this, not <c>new Plot()</c>: the font must be registered first).</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        ReportFonts.Register();
        var plot = new Plot();
        plot.Title(title, size: 18);
        plot.XLabel(xLabel, size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.Legend.FontName = ReportFonts.Family;
        plot.Legend.FontSize = 13;
        return plot;
    }
}
