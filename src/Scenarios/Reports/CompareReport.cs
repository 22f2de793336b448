using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Writes `pairsim compare`'s report: the healing and waiting charts (PNG and SVG), README.md and
/// report.html with the tables (healing, forward secrecy and cost per strategy and drop rate; edit
/// waiting; metadata; parity observer) and compare.json with every figure.
/// </summary>
public static class CompareReport
{
    public const string MarkdownName = "README.md";
    public const string HtmlName = "report.html";
    public const string JsonName = "compare.json";

    public static IReadOnlyList<string> Write(CompareResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var charts = new[] { CompareHealingChart.Render(result, directory), CompareWaitingChart.Render(result, directory) };
        var tables = Tables(result);
        var md = Path.Combine(directory, MarkdownName);
        var html = Path.Combine(directory, HtmlName);
        var json = Path.Combine(directory, JsonName);
        File.WriteAllText(md, Markdown(result, charts, tables), new UTF8Encoding(false));
        File.WriteAllText(html, Html(result, charts, tables), new UTF8Encoding(false));
        File.WriteAllText(json, Json(result), new UTF8Encoding(false));
        return [md, html, json, .. charts.SelectMany(c => new[] { c.PngPath, c.SvgPath })];
    }

    /// <summary>What the same command gives again (the test of `compare --cluster` checks it).</summary>
    public const string Reproducible = "Every figure but the CPU column of the metadata table (and the wall clock and load average) is the same for the same command, run here or on a cluster (--cluster).";

    private sealed record Table(string Title, string Note, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);
    private static string Pct(double v) => F(100 * v, "0") + "%";

    /// <summary>The headline findings, one line each, from the figures.</summary>
    public static IReadOnlyList<string> Findings(CompareResult r)
    {
        var lines = new List<string>();
        foreach (var label in r.Grid.Compared)
        {
            var cells = r.Healing.Where(c => c.Strategy == label && c.Faults == r.Grid.Faults[0]).ToList();
            int worlds = cells.Sum(c => c.Worlds - c.NothingStolen), healed = cells.Sum(c => c.Healed);
            var rts = cells.Where(c => c.RoundTripsMedian is not null).Select(c => c.RoundTripsMedian!.Value).ToList();
            int earlier = cells.Sum(c => c.EarlierPayloads), opened = cells.Sum(c => c.EarlierOpened);
            string heal = worlds == 0 ? "Alice had not joined by the theft in any world (nothing stolen)" : healed == 0 ? "the thief of Alice's state was never locked out" : $"the thief was locked out in {healed}/{worlds} worlds (median {F(rts.Count == 0 ? 0 : Compare.Median(rts)!.Value)} round trips)";
            int inFlight = cells.Sum(c => c.InFlightPayloads), inFlightOpened = cells.Sum(c => c.InFlightOpened);
            int sent = cells.Sum(c => c.Sent), delivered = cells.Sum(c => c.Delivered);
            lines.Add($"{label} ({r.Grid.Faults[0]}): {heal}; it opened {opened}/{earlier} of Bob's messages Alice had read before the theft and {inFlightOpened}/{inFlight} of those still in flight; {(sent == 0 ? "no messages" : Pct((double)delivered / sent))} of all messages delivered.");
        }
        foreach (var faults in r.Grid.Faults.Skip(1))
        {
            var cells = r.Healing.Where(c => c.Faults == faults).ToList();
            var never = r.Grid.Compared.Where(l => cells.Where(c => c.Strategy == l).All(c => c.NeverHealed)).ToList();
            var broken = cells.Where(c => c.Violated > 0).Select(c => $"{c.Strategy} at drop {F(c.Drop)} ({string.Join(", ", c.ViolatedInvariants)})").ToList();
            lines.Add($"{faults} ({CompareFaults.Description(faults)}): never locked out: {(never.Count == 0 ? "none" : string.Join(", ", never))}; claimed invariants broken: {(broken.Count == 0 ? "none" : string.Join("; ", broken))}.");
        }
        foreach (var p in r.Parity) lines.Add($"{p.Strategy}: the parity observer named the acceptor in {p.Correct}/{p.Worlds} worlds ({Pct(p.Fraction)}).");
        return lines;
    }

    private static IReadOnlyList<Table> Tables(CompareResult r)
    {
        var healing = r.Healing.Select(c => (IReadOnlyList<string>)
        [
            c.Strategy, c.Faults, F(c.Drop), $"{c.Healed}/{c.Worlds - c.NothingStolen}" + (c.NothingStolen > 0 ? $" ({c.NothingStolen} not joined at the theft)" : ""),
            c.NeverHealed ? "never" : c.Healed == 0 ? "–" : F(c.RoundTripsMedian ?? 0), c.NeverHealed ? "never" : c.Healed == 0 ? "–" : F(c.HealSecondsMedian ?? 0, "0.###"),
            $"{c.EarlierOpened}/{c.EarlierPayloads}", $"{c.InFlightOpened}/{c.InFlightPayloads}", c.Sent == 0 ? "–" : Pct((double)c.Delivered / c.Sent), $"{c.EpochNotReached} / {c.Expired}", F(c.BytesPerMessage, "0"), F(c.DatagramsPerMessage),
            c.Violated == 0 ? "held" : $"{c.Violated}/{c.Worlds}: {string.Join(", ", c.ViolatedInvariants)}",
        ]).ToList();
        var waiting = r.Waiting.Select(c => (IReadOnlyList<string>)
        [
            c.Strategy, c.OfflineMs.ToString(CultureInfo.InvariantCulture), c.FirstEditWaitMsMedian is { } a ? F(a, "0") : "never",
            c.SecondNeverLeft == c.Worlds ? "never" : F(c.SecondEditWaitMsMedian ?? 0, "0"), $"{c.SecondNeverLeft}/{c.Worlds}",
        ]).ToList();
        var metadata = r.Metadata.Select(m => (IReadOnlyList<string>)
        [
            m.Strategy, Pct(m.GroupIdVisible), Pct(m.EpochVisible), Pct(m.SenderLeafVisible), Pct(m.KindVisible),
            $"{Pct(m.EditBySizeAccuracy)} (base {Pct(m.EditBaseRate)})", m.HasService ? $"{Pct(m.ServiceGroupIdVisible)} / {Pct(m.ServiceKindVisible)}" : "no server",
            F(m.CpuMicrosPerMessage, "0"),
        ]).ToList();
        var parity = r.Parity.Select(p => (IReadOnlyList<string>)[p.Strategy, p.Worlds.ToString(CultureInfo.InvariantCulture), p.Correct.ToString(CultureInfo.InvariantCulture), Pct(p.Fraction)]).ToList();
        return
        [
            new("PCS healing, forward secrecy and cost", $"An attacker copies Alice's saved state at t = {r.Grid.TheftMs} ms and tries every datagram of the run with it (real decryption, following the commits it can open). Round trips: Alice's messages between the theft and the first of Bob's messages it can no longer open, after which it opens none. FS: Bob's messages sent before the theft that it opens, of those Alice had read by then (their keys were used) and of those still in flight (late or lost; the attacker recorded them): a kept past epoch (R) opens these for the thief too. Delivered: Bob's and Alice's messages the peer read; of the arrivals not delivered, those refused for an epoch the receiver had not reached (the message overtook its commit, or the commit was lost: the MLS baselines send commit and message apart and keep no reorder buffer, PairMLS staples the commit to every message) and those Expired (keys gone: R). Claimed invariants: the checkers of the invariants the strategy claims, run on each world's trace (worlds where one failed; a central-DS client takes any commit that reaches it, so a transport that replays a withheld commit straight to the peer, past the server, can fork the group: the baseline models no authenticated channel to its server). Fault profiles: " + string.Join("; ", r.Grid.Faults.Select(f => $"{f}: {CompareFaults.Description(f)}")) + ".",
                ["strategy", "faults", "drop", "healed", "round trips (median)", "seconds (median)", "FS: earlier read opened", "FS: in flight opened", "delivered", "arrived undelivered: epoch not reached / expired", "bytes/message", "datagrams/message", "claimed invariants"], healing),
            new("Card edits waiting for the peer", "Alice edits her card twice while Bob is offline; waiting is the virtual time from her edit until a datagram asking Bob to commit it leaves her.",
                ["strategy", "Bob offline ms", "first edit waits ms", "second edit waits ms (median)", "second never left"], waiting),
            new("Metadata", $"Measured at drop {F(r.Grid.DropProbabilities.Min())} ({r.Grid.Faults[0]}) by parsing every datagram as an observer of the network would (RFC 9420 §6 framing); a datagram that does not parse is opaque. Card edit from size: the best size threshold's accuracy against the majority base rate. CPU: the CPU time of the process that ran each world (all its threads, shared evenly among the worlds it ran at once; with --cluster, the worker's) per user message, at load average {r.LoadAverage} here: the one figure that changes from run to run.",
                ["strategy", "network sees group id", "epoch", "sender leaf", "message kind", "card edit from size", "server sees group id / kind", "CPU µs/message"], metadata),
            new("Who invited whom, from the parity", "An insider who reads epochs guesses that whoever sends in odd epochs accepted the invitation.",
                ["strategy", "worlds", "observer right", "share"], parity),
        ];
    }

    private static string Markdown(CompareResult r, IReadOnlyList<ChartFile> charts, IReadOnlyList<Table> tables)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# pairsim compare: PairMLS and its baselines on the same faults");
        sb.AppendLine();
        sb.AppendLine($"Made by `{r.Command}` ({F(r.Elapsed.TotalSeconds, "0")} s wall clock at load average {r.LoadAverage}). Strategies, workloads and measures: PAIRMLS.md \"Baselines\"; README section `pairsim compare`. {Reproducible}");
        sb.AppendLine();
        foreach (var f in Findings(r)) sb.AppendLine($"- {f}");
        sb.AppendLine();
        sb.AppendLine("| strategy | what it is |");
        sb.AppendLine("| --- | --- |");
        foreach (var label in r.Grid.Compared) sb.AppendLine($"| {label} | {CompareStrategy.Named(label).Description} |");
        foreach (var c in charts)
        {
            sb.AppendLine();
            sb.AppendLine($"## {c.Title}");
            sb.AppendLine();
            sb.AppendLine($"![{c.Title}]({c.Name}.svg)");
        }
        foreach (var t in tables)
        {
            sb.AppendLine();
            sb.AppendLine($"## {t.Title}");
            sb.AppendLine();
            sb.AppendLine(t.Note);
            sb.AppendLine();
            sb.AppendLine("| " + string.Join(" | ", t.Header) + " |");
            sb.AppendLine("|" + string.Concat(t.Header.Select(_ => " --- |")));
            foreach (var row in t.Rows) sb.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        return sb.ToString();
    }

    private static string Html(CompareResult r, IReadOnlyList<ChartFile> charts, IReadOnlyList<Table> tables)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pairsim compare</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;max-width:1200px;margin:auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>");
        sb.AppendLine("<h1>pairsim compare: PairMLS and its baselines on the same faults</h1>");
        sb.AppendLine($"<p>Made by <code>{E(r.Command)}</code> ({E(F(r.Elapsed.TotalSeconds, "0"))} s at load average {E(r.LoadAverage)}). {E(Reproducible)}</p><ul>");
        foreach (var f in Findings(r)) sb.AppendLine($"<li>{E(f)}</li>");
        sb.AppendLine("</ul>");
        foreach (var c in charts) sb.AppendLine($"<h2>{E(c.Title)}</h2><img src=\"{E(c.Name)}.svg\" alt=\"{E(c.Title)}\">");
        foreach (var t in tables)
        {
            sb.AppendLine($"<h2>{E(t.Title)}</h2><p>{E(t.Note)}</p><table><tr>{string.Concat(t.Header.Select(h => $"<th>{E(h)}</th>"))}</tr>");
            foreach (var row in t.Rows) sb.AppendLine($"<tr>{string.Concat(row.Select(x => $"<td>{E(x)}</td>"))}</tr>");
            sb.AppendLine("</table>");
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    public static string Json(CompareResult r)
    {
        var doc = new
        {
            command = r.Command,
            seed = r.Grid.Seed,
            load_average = r.LoadAverage,
            worlds_per_point = r.Grid.WorldsPerPoint,
            messages = r.Grid.Messages,
            theft_ms = r.Grid.TheftMs,
            faults = r.Grid.Faults,
            healing = r.Healing.Select(c => new
            {
                strategy = c.Strategy, faults = c.Faults, drop = c.Drop, violated = c.Violated, violated_invariants = c.ViolatedInvariants, worlds = c.Worlds, healed = c.Healed, never = c.NeverHealed,
                nothing_stolen = c.NothingStolen, round_trips_median = c.RoundTripsMedian, heal_seconds_median = c.HealSecondsMedian,
                earlier_payloads = c.EarlierPayloads, earlier_opened = c.EarlierOpened, in_flight_payloads = c.InFlightPayloads, in_flight_opened = c.InFlightOpened, sent = c.Sent, delivered = c.Delivered, epoch_not_reached = c.EpochNotReached, expired = c.Expired,
                bytes_per_message = c.BytesPerMessage, datagrams_per_message = c.DatagramsPerMessage,
            }),
            waiting = r.Waiting.Select(c => new
            {
                strategy = c.Strategy, offline_ms = c.OfflineMs, worlds = c.Worlds, first_edit_wait_ms_median = c.FirstEditWaitMsMedian,
                second_edit_wait_ms_median = c.SecondEditWaitMsMedian, second_never_left = c.SecondNeverLeft,
            }),
            metadata = r.Metadata.Select(m => new
            {
                strategy = m.Strategy, datagrams = m.Datagrams, group_id_visible = m.GroupIdVisible, epoch_visible = m.EpochVisible,
                sender_leaf_visible = m.SenderLeafVisible, kind_visible = m.KindVisible, edit_by_size_accuracy = m.EditBySizeAccuracy,
                edit_base_rate = m.EditBaseRate, has_service = m.HasService, service_group_id_visible = m.ServiceGroupIdVisible,
                service_kind_visible = m.ServiceKindVisible, cpu_us_per_message = m.CpuMicrosPerMessage,
            }),
            parity = r.Parity.Select(p => new { strategy = p.Strategy, worlds = p.Worlds, correct = p.Correct, fraction = p.Fraction }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }
}
