using System.Net;
using System.Text;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The report of one world (`run`, `replay` and `check --report DIR`): the spacetime diagram with its
/// epoch timeline (SVG with hover text on every arrow and mark, and PNG), the epoch-lag chart, the
/// trace as JSON Lines and report.html tying them together with the scenario, the replay command
/// and every verdict.
/// </summary>
public static class WorldReportFiles
{
    public const string HtmlName = "report.html";
    public const string TraceName = "trace.jsonl";

    /// <summary>One verdict line of the report.</summary>
    public sealed record VerdictLine(string Name, bool Held, string Detail);

    public static IReadOnlyList<string> Write(WorldResult result, string scenarioText, string replayCommand, IReadOnlyList<VerdictLine> verdicts, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        Directory.CreateDirectory(directory);
        ReportFonts.Register();
        string subtitle = $"seed {result.Options.Seed}, R = {result.Options.RetentionWindow}";
        var charts = new[] { SpacetimeChart.Render(result, subtitle, directory), EpochLagChart.Render(result, subtitle, directory) };
        var trace = Path.Combine(directory, TraceName);
        result.Trace.WriteTo(trace);
        var html = Path.Combine(directory, HtmlName);
        File.WriteAllText(html, Html(result, scenarioText, replayCommand, verdicts, charts), new UTF8Encoding(false));
        return [html, trace, .. charts.SelectMany(c => new[] { c.PngPath, c.SvgPath })];
    }

    private static string Html(WorldResult result, string scenarioText, string replayCommand, IReadOnlyList<VerdictLine> verdicts, IReadOnlyList<ChartFile> charts)
    {
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine($"<title>pairsim world report: seed {result.Options.Seed}</title>");
        h.AppendLine("<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1850px;margin:1.5em auto;padding:0 1em;color:#222}" +
                     "pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left}" +
                     "td.fail{background:#fde2e2}img{max-width:100%;border:1px solid #ddd}.wide{overflow-x:auto}object{border:1px solid #ddd}</style></head><body>");
        h.AppendLine($"<h1>One world: seed {result.Options.Seed}</h1>");
        h.AppendLine($"<p>Scenario (it fixes every random choice):</p><pre>{E(scenarioText)}</pre><p>Reproduce it exactly:</p><pre>{E(replayCommand)}</pre>");
        h.AppendLine($"<p>Trace hash <code>{E(result.TraceHash)}</code>; trace: <a href=\"{TraceName}\">{TraceName}</a> (JSON Lines). " +
                     $"Datagrams sent {result.Counts.DatagramsSent}, delivered {result.Counts.DatagramsDelivered}, lost {result.Counts.DatagramsLost}; " +
                     $"faults stop at {result.SafetyPhaseEndMs} ms, the run ends at {result.EndMs} ms.</p>");
        h.AppendLine("<h2>Verdicts</h2><table><thead><tr><th>property</th><th>verdict</th><th>detail</th></tr></thead><tbody>");
        foreach (var v in verdicts)
            h.AppendLine($"<tr><td>{E(v.Name)}</td><td{(v.Held ? "" : " class=\"fail\"")}>{(v.Held ? "held" : "FAILED")}</td><td>{E(v.Detail)}</td></tr>");
        h.AppendLine("</tbody></table>");
        foreach (var c in charts)
        {
            string svg = Path.GetFileName(c.SvgPath), png = Path.GetFileName(c.PngPath);
            h.AppendLine($"<h2>{E(c.Title)}</h2>");
            h.AppendLine(c.Name == SpacetimeChart.Name
                ? $"<p>Hover over an arrow or mark for its datagram, payload id, epoch, outcome and fault.</p><div class=\"wide\"><object data=\"{svg}\" type=\"image/svg+xml\" aria-label=\"{E(c.Title)}\"><img src=\"{png}\" alt=\"{E(c.Title)}\"></object></div>"
                : $"<p><img src=\"{svg}\" alt=\"{E(c.Title)}\"></p>");
            h.AppendLine($"<p>Files: <a href=\"{svg}\">{svg}</a>, <a href=\"{png}\">{png}</a></p>");
        }
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
