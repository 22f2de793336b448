using System.Globalization;
using System.Net;
using System.Text;
using Sim.Simulator.Checks;

namespace Sim.Scenarios.Reports;

/// <summary>The files a report consists of.</summary>
public sealed record ReportFiles(string Directory, string Markdown, string Html, string SampleTrace, IReadOnlyList<ChartFile> Charts)
{
    public IEnumerable<string> All => new[] { Markdown, Html, SampleTrace }.Concat(Charts.SelectMany(c => new[] { c.PngPath, c.SvgPath }));
}

/// <summary>
/// Writes a sweep's report into a directory: the four charts (PNG and SVG), README.md and
/// report.html embedding them with a table of the grid's figures and verdicts, and the sample
/// run's trace (JSON Lines, re-checkable).
/// </summary>
public static class SweepReport
{
    public const string MarkdownName = "README.md";
    public const string HtmlName = "report.html";
    public const string SampleTraceName = "sample-run.trace.jsonl";

    public static ReportFiles Write(SweepResult sweep, string directory)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        Directory.CreateDirectory(directory);
        ReportFonts.Register();
        var charts = new[]
        {
            ConvergenceChart.Render(sweep, directory),
            DecryptabilityChart.Render(sweep, directory),
            EpochLagChart.Render(sweep.Sample, SampleSubtitle(sweep), directory),
            SpacetimeChart.Render(sweep.Sample, SampleSubtitle(sweep), directory),
        };
        var trace = Path.Combine(directory, SampleTraceName);
        sweep.Sample.Trace.WriteTo(trace);
        var md = Path.Combine(directory, MarkdownName);
        var html = Path.Combine(directory, HtmlName);
        File.WriteAllText(md, Markdown(sweep, charts), new UTF8Encoding(false));
        File.WriteAllText(html, Html(sweep, charts), new UTF8Encoding(false));
        return new ReportFiles(directory, md, html, trace, charts);
    }

    /// <summary>The one-run charts' subtitle: which world they draw (the seed is in the report text, not the title).</summary>
    public static string SampleSubtitle(SweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return $"world 0 at {sweep.SamplePoint.Label}";
    }

    /// <summary>The replay command of the sample world (its scenario text carries every setting, settle time included).</summary>
    public static string SampleReplay(SweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var scenario = SweepWorkload.Scenario(sweep.SamplePoint, sweep.Sample.Options.Seed, sweep.Grid.Messages);
        return Properties.Replay.Command(scenario, null, sweep.Sample.TraceHash);
    }

    /// <summary>The command that replays a violating world, judged on the failed checker, with its trace hash.</summary>
    public static string ViolationReplay(SweepResult sweep, SweepPoint point, WorldMetrics world, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(verdict);
        return Properties.Replay.Command(SweepWorkload.Scenario(point, world.Seed, sweep.Grid.Messages), verdict.Name, world.TraceHash);
    }

    private static readonly string[] Guides = [ChartGuide.Convergence, ChartGuide.Decryptability, ChartGuide.EpochLag, ChartGuide.Spacetime];

    // ------------------------------------------------------------------ table and findings (shared)

    public static readonly IReadOnlyList<string> TableHeader =
    [
        "drop", "dup", "reorder", "partition ms", "R", "worlds", "converged", "after heal ms (median, min–max)", "after faults stop ms (mean, min–max)", "round trips",
        "decrypted %", "sent", "lost", "expired", "final epoch", "invariants",
    ];

    /// <summary>One row per grid point, in grid order: the deterministic figures of the report.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TableRows(SweepResult sweep) =>
        sweep.Points.Select(p => (IReadOnlyList<string>)
        [
            SweepPoint.F(p.Point.DropProbability), SweepPoint.F(p.Point.DuplicateProbability), SweepPoint.F(p.Point.ReorderProbability),
            I(p.Point.PartitionMs), I(p.Point.RetentionWindow), I(p.WorldCount), $"{p.Converged}/{p.WorldCount}",
            p.HealConvergence is { } h ? string.Create(CultureInfo.InvariantCulture, $"{h.Median:0.#} ({h.Min:0}–{h.Max:0})") + (h.Count < p.WorldCount ? $", {p.WorldCount - h.Count} never" : "") : "never",
            p.ConvergenceMsMean is { } m ? $"{m:F0} ({p.ConvergenceMsMin}–{p.ConvergenceMsMax})" : "never",
            p.RoundTripsMean is { } rt ? rt.ToString("0.##", CultureInfo.InvariantCulture) : "–",
            p.DecryptableFraction is { } f ? (100 * f).ToString("F1", CultureInfo.InvariantCulture) : "–",
            p.SentMean.ToString("0.#", CultureInfo.InvariantCulture), p.LostMean.ToString("0.#", CultureInfo.InvariantCulture),
            p.ExpiredMean.ToString("0.#", CultureInfo.InvariantCulture), p.EpochsMean.ToString("0.#", CultureInfo.InvariantCulture),
            p.VerdictText,
        ]).ToList();

    /// <summary>A few sentences computed from the figures (what a reader would look for first).</summary>
    public static IReadOnlyList<string> Findings(SweepResult sweep)
    {
        var findings = new List<string>();
        int worlds = sweep.Points.Sum(p => p.WorldCount);
        int clean = sweep.Points.Sum(p => p.Worlds.Count(w => w.Verdicts.All(v => v.Passed || !PointSummary.Judged(p.Point, v))));
        findings.Add(clean == worlds
            ? $"Every invariant held in all {worlds} worlds ({Checkers.All.Count} checkers each: {string.Join(", ", Checkers.All.Select(c => c.Name))})."
            : $"Invariants held in {clean} of {worlds} worlds; see the last column of the table for which failed where (each violation below has its replay command).");
        int costs = sweep.Points.Where(p => p.Point.RetentionWindow == 0).Sum(p => p.Worlds.Count(w => w.Verdicts.Any(v => !v.Passed && v.Name == "Decryptability")));
        if (costs > 0)
            findings.Add($"R = 0 costs: in {costs} world(s) at R = 0 a datagram that crossed the peer's commit in flight was Expired. That is what R = 0 buys forward secrecy with, " +
                         "not a violation (Decryptability's invariant is stated for R ≥ 1); the expired column and chart 2 show its size.");
        var conv = sweep.Points.SelectMany(p => p.Worlds).Where(w => w.ConvergenceMs is not null).ToList();
        if (conv.Count > 0)
        {
            var trips = conv.Select(w => w.ConvergenceRoundTrips!.Value).ToList();
            long lo = conv.Min(w => w.ConvergenceMs!.Value), hi = conv.Max(w => w.ConvergenceMs!.Value);
            string time = lo == hi ? $"{lo} virtual ms" : $"{lo}–{hi} virtual ms";
            string rts = trips.Min() == trips.Max() ? $"{trips.Min()} round trip{(trips.Min() == 1 ? "" : "s")}" : $"{trips.Min()}–{trips.Max()} round trips (mean {trips.Average():0.##})";
            findings.Add($"Once faults stopped, the parties converged in {conv.Count} of {worlds} worlds, after {time} and {rts}" +
                         (lo == hi && trips.Min() == trips.Max() ? ", in every world, whatever the drop rate, duplicates, reordering or partition before." : "."));
        }
        var healed = sweep.Points.SelectMany(p => p.Worlds.Select(w => (p.Point, World: w))).Where(x => x.World.HealMs is not null).ToList();
        if (healed.Count > 0)
        {
            double lo = sweep.Grid.DropProbabilities.Min(), hi = sweep.Grid.DropProbabilities.Max();
            string Median(long length, double drop) =>
                FiveNumbers.Of(healed.Where(x => x.Point.PartitionMs == length && x.Point.DropProbability == drop && x.World.HealConvergenceMs is not null)
                    .Select(x => (double)x.World.HealConvergenceMs!.Value)) is { } f ? f.Median.ToString("0.#", CultureInfo.InvariantCulture) : "–";
            var parts = sweep.Grid.PartitionLengthsMs.Distinct().Order().Select(l =>
                $"{(l == 0 ? "no partition" : $"L = {I(l)} ms")} {Median(l, lo)} ms at drop {SweepPoint.F(lo)}" + (hi == lo ? "" : $", {Median(l, hi)} ms at drop {SweepPoint.F(hi)}"));
            int late = healed.Count(x => x.World.HealConvergenceMs is not null && !x.World.HealConvergedUnderFaults);
            int never = healed.Count(x => x.World.HealConvergenceMs is null);
            findings.Add($"After the partition heals, with the other faults going on, the parties agree again after a median of: {string.Join("; ", parts)} (chart 1, " +
                         "per world). " + (late + never == 0 ? "Every world agreed again before the faults stopped." : $"{late} world(s) agreed again only after the faults stopped, {never} never."));
        }
        foreach (var r in sweep.Grid.RetentionWindows.Distinct().Order())
        {
            var at = sweep.Points.Where(p => p.Point.RetentionWindow == r).ToList();
            int arrived = at.Sum(p => p.Worlds.Sum(w => w.HonestArrived));
            if (arrived == 0) continue;
            int decrypted = at.Sum(p => p.Worlds.Sum(w => w.HonestDecrypted));
            var worst = at.Where(p => p.DecryptableFraction is not null).MinBy(p => p.DecryptableFraction!.Value);
            findings.Add($"R = {r}: {100.0 * decrypted / arrived:F1}% of arriving honest datagrams decrypted over the grid" +
                         (decrypted == arrived ? ", at every point." : worst is null ? "." : $"; worst point {worst.Point.Label} at {100 * worst.DecryptableFraction!.Value:F1}%."));
        }
        return findings;
    }

    public const int MaxViolationsListed = 20;

    /// <summary>Every failed verdict, in grid order: the point, the world, the checker's verdict.</summary>
    public static IReadOnlyList<(SweepPoint Point, WorldMetrics World, Verdict Verdict)> Violations(SweepResult sweep) =>
        (from p in sweep.Points from w in p.Worlds from v in w.Verdicts where !v.Passed && PointSummary.Judged(p.Point, v) select (p.Point, w, v)).ToList();

    // ------------------------------------------------------------------ markdown

    public static string Markdown(SweepResult sweep, IReadOnlyList<ChartFile> charts)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var g = sweep.Grid;
        var md = new StringBuilder();
        md.AppendLine("# PairMLS under network faults: sweep report").AppendLine();
        md.AppendLine("Produced by (from the repository root, `pairsim` is `dotnet run --project src/Scenarios -c Release --`):").AppendLine()
          .AppendLine("```bash").AppendLine(sweep.Command).AppendLine("```").AppendLine();
        md.AppendLine($"{sweep.Points.Count} grid points × {g.WorldsPerPoint} worlds = {sweep.Points.Count * g.WorldsPerPoint} worlds, " +
                      $"{g.Messages} user messages each. Every figure below is in virtual time and is reproduced exactly by the same command " +
                      "(same seed, same figures, same files).").AppendLine();
        md.AppendLine("## Findings").AppendLine();
        foreach (var f in Findings(sweep)) md.AppendLine($"- {f}");
        md.AppendLine().AppendLine("## What each world does").AppendLine().AppendLine(Workload(sweep)).AppendLine();
        for (int i = 0; i < charts.Count; i++)
        {
            var c = charts[i];
            md.AppendLine($"## {i + 1}. {c.Title}").AppendLine();
            md.AppendLine($"![{c.Title}]({Path.GetFileName(c.PngPath)})").AppendLine();
            md.AppendLine($"Vector version: [{Path.GetFileName(c.SvgPath)}]({Path.GetFileName(c.SvgPath)}).").AppendLine();
            md.AppendLine($"**How to read it.** {Guides[i]}").AppendLine();
        }
        md.AppendLine("## Figures and invariant verdicts per grid point").AppendLine();
        md.AppendLine("Means over the point's worlds. *converged*: worlds where the Convergence checker held and the parties agreed again after the faults; " +
                      "*after heal ms*: from the partition's heal (no partition: the moment it would have started) until they agreed again, faults going on (chart 1); " +
                      "*after faults stop ms*: from the start of the liveness phase; *decrypted %*: arriving honest datagrams decrypted (pooled); *sent*, *lost*, *expired*: datagrams per world; " +
                      "*invariants*: the checkers of `Sim.Simulator.Checks` on every world's trace.").AppendLine();
        md.AppendLine("| " + string.Join(" | ", TableHeader) + " |");
        md.AppendLine("|" + string.Concat(TableHeader.Select((_, i) => i < 5 ? "---:|" : i == TableHeader.Count - 1 ? "---|" : "---:|")));
        foreach (var row in TableRows(sweep)) md.AppendLine("| " + string.Join(" | ", row) + " |");
        var violations = Violations(sweep);
        if (violations.Count > 0)
        {
            md.AppendLine().AppendLine("## Invariant violations").AppendLine();
            md.AppendLine($"{violations.Count} world(s) broke an invariant{(violations.Count > MaxViolationsListed ? $"; the first {MaxViolationsListed} are listed" : "")}. " +
                          "Each command replays its world exactly (same scenario, same trace hash).").AppendLine();
            foreach (var (point, world, verdict) in violations.Take(MaxViolationsListed))
            {
                md.AppendLine($"- **{point.Label}**, seed {world.Seed}: {verdict}");
                md.AppendLine().AppendLine("  ```").AppendLine($"  {ViolationReplay(sweep, point, world, verdict)}").AppendLine("  ```");
            }
        }
        md.AppendLine().AppendLine("## The sample run").AppendLine();
        md.AppendLine($"Charts 3 and 4 draw world 0 of the point {sweep.SamplePoint.Label}. Its trace is [{SampleTraceName}]({SampleTraceName}) " +
                      $"(JSON Lines, SHA-256 `{sweep.Sample.TraceHash}`); this command reproduces it exactly:").AppendLine();
        md.AppendLine("```").AppendLine(SampleReplay(sweep)).AppendLine("```");
        return md.ToString();
    }

    private static string Workload(SweepResult sweep) =>
        $"Alice invites, Bob accepts. The users then exchange {sweep.Grid.Messages} messages, {SweepWorkload.GapMinMs}–{SweepWorkload.GapMinMs + SweepWorkload.GapSpreadMs} ms apart; " +
        $"after each message the speaker changes with probability {SweepWorkload.SpeakerChange:0.##} (in PairMLS every change of speaker is a new epoch, committed by the new speaker). " +
        "Bob edits his card a third of the way in, Alice two thirds in. While the users talk, the network applies the point's faults to both links: " +
        $"one-way delay {SweepWorkload.DelayMinMs} ms plus an exponential with mean {SweepWorkload.DelayMeanMs:0} ms; a reordered datagram is held back " +
        $"{SweepWorkload.ReorderExtraMs} ms more, so later ones overtake it; a partition (when the point has one) starts a third of the way in. " +
        $"{SweepWorkload.SettleMs} ms after the last message the faults stop and the liveness phase has Bob, then Alice, send until two round trips were decrypted. " +
        $"World k of every point has the same seed (derived from --seed {sweep.Grid.Seed}), so the points differ only in their faults.";

    // ------------------------------------------------------------------ HTML

    public static string Html(SweepResult sweep, IReadOnlyList<ChartFile> charts)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var g = sweep.Grid;
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine("<title>PairMLS under network faults: sweep report</title>");
        h.AppendLine("<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}" +
                     "img{max-width:100%;border:1px solid #ddd}.wide{overflow-x:auto}object{border:1px solid #ddd}pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}" +
                     "table{border-collapse:collapse;font-size:.8em}th,td{border:1px solid #ccc;padding:.2em .45em;text-align:right}" +
                     "td:last-child,th:last-child{text-align:left}tr.fail td{background:#fde2e2}.guide{background:#f3f7fb;padding:.6em .9em;border-left:4px solid #1f77b4}</style>");
        h.AppendLine("</head><body>");
        h.AppendLine("<h1>PairMLS under network faults: sweep report</h1>");
        h.AppendLine($"<p>Produced by (from the repository root, <code>pairsim</code> is <code>dotnet run --project src/Scenarios -c Release --</code>):</p><pre>{E(sweep.Command)}</pre>");
        h.AppendLine($"<p>{sweep.Points.Count} grid points × {g.WorldsPerPoint} worlds = {sweep.Points.Count * g.WorldsPerPoint} worlds, " +
                     $"{g.Messages} user messages each. Every figure is in virtual time and is reproduced exactly by the same command (same seed, same figures, same files).</p>");
        h.AppendLine("<h2>Findings</h2><ul>");
        foreach (var f in Findings(sweep)) h.AppendLine($"<li>{E(f)}</li>");
        h.AppendLine("</ul>").AppendLine($"<h2>What each world does</h2><p>{E(Workload(sweep))}</p>");
        for (int i = 0; i < charts.Count; i++)
        {
            var c = charts[i];
            string svg = Path.GetFileName(c.SvgPath), png = Path.GetFileName(c.PngPath);
            h.AppendLine($"<h2>{i + 1}. {E(c.Title)}</h2>");
            h.AppendLine(c.Name == SpacetimeChart.Name
                ? $"<p>Hover over an arrow or mark for its datagram, payload id, epoch, outcome and fault.</p><div class=\"wide\"><object data=\"{svg}\" type=\"image/svg+xml\" aria-label=\"{E(c.Title)}\"><img src=\"{png}\" alt=\"{E(c.Title)}\"></object></div>"
                : $"<p><img src=\"{svg}\" alt=\"{E(c.Title)}\"></p>");
            h.AppendLine($"<p>Files: <a href=\"{svg}\">{svg}</a>, <a href=\"{png}\">{png}</a></p>");
            h.AppendLine($"<p class=\"guide\"><b>How to read it.</b> {E(Guides[i])}</p>");
        }
        h.AppendLine("<h2>Figures and invariant verdicts per grid point</h2>");
        h.AppendLine("<p>Means over the point's worlds; <i>decrypted %</i>: arriving honest datagrams decrypted (pooled); <i>invariants</i>: the checkers of Sim.Simulator.Checks on every world's trace (rows with a failure are red).</p>");
        h.AppendLine("<table><thead><tr>" + string.Concat(TableHeader.Select(c => $"<th>{E(c)}</th>")) + "</tr></thead><tbody>");
        var rows = TableRows(sweep);
        for (int i = 0; i < rows.Count; i++)
            h.AppendLine((sweep.Points[i].AllHeld ? "<tr>" : "<tr class=\"fail\">") + string.Concat(rows[i].Select(c => $"<td>{E(c)}</td>")) + "</tr>");
        h.AppendLine("</tbody></table>");
        var violations = Violations(sweep);
        if (violations.Count > 0)
        {
            h.AppendLine($"<h2>Invariant violations</h2><p>{violations.Count} world(s) broke an invariant. Each command replays its world exactly (same trace hash).</p><ul>");
            foreach (var (point, world, verdict) in violations.Take(MaxViolationsListed))
                h.AppendLine($"<li><b>{E(point.Label)}</b>, seed {world.Seed}: {E(verdict.ToString())}<pre>{E(ViolationReplay(sweep, point, world, verdict))}</pre></li>");
            h.AppendLine("</ul>");
        }
        h.AppendLine($"<h2>The sample run</h2><p>Charts 3 and 4 draw world 0 of the point {E(sweep.SamplePoint.Label)}. Its trace is <a href=\"{SampleTraceName}\">{SampleTraceName}</a> " +
                     $"(JSON Lines, SHA-256 <code>{sweep.Sample.TraceHash}</code>); this command reproduces it exactly:</p><pre>{E(SampleReplay(sweep))}</pre>");
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
