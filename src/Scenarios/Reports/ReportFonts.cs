namespace Sim.Scenarios.Reports;

/// <summary>
/// ScottPlot draws no text on a machine without fonts, so the reports ship DejaVu Sans
/// (Reports/Fonts/DejaVuSans.ttf, copied beside the binary) and make it ScottPlot's default font
/// before any plot exists: a plot's labels take the default font name when they are created.
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name every chart uses (the SVGs name it in their font-family attributes).</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>The shipped font file beside the running binary.</summary>
    public static string FontPath => Path.Combine(AppContext.BaseDirectory, "Reports", "Fonts", "DejaVuSans.ttf");

    /// <summary>Registers the shipped font with ScottPlot and makes it the default (once; later calls do nothing).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            if (!File.Exists(FontPath)) throw new FileNotFoundException("the report font is not beside the binary (see Scenarios.csproj)", FontPath);
            // Only the regular face ships: it also answers requests for bold or italic (titles are bold).
            foreach (var (bold, italic) in new[] { (false, false), (true, false), (false, true), (true, true) })
                ScottPlot.Fonts.AddFontFile(Family, FontPath, bold, italic);
            ScottPlot.Fonts.Default = Family;
            _registered = true;
        }
    }
}
