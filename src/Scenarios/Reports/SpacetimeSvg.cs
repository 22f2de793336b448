using System.Globalization;
using System.Net;
using System.Text;

namespace Sim.Scenarios.Reports;

/// <summary>
/// The spacetime diagram and epoch timeline of one world as hand-written SVG, in the manner of
/// Maelstrom's messages.svg: alice's lane on top, bob's below, virtual time to the right, one arrow
/// per datagram copy, and under it both parties' epochs as bars. Every arrow and mark carries a
/// &lt;title&gt; (the browser shows it on hover): datagram, payload id, epoch, outcome, fault. The width scales
/// with the number of datagrams (<see cref="WidthFor"/>). Time is
/// drawn piecewise: the safety phase fills the left three quarters, the (short) liveness phase the
/// rest, so both can be read. The output depends only on the trace: the same world gives the same bytes.
/// </summary>
public static class SpacetimeSvg
{
    private const double Left = 90, Right = 30, Top = 60;
    /// <summary>Pixels per datagram sent, and the bounds of the width (the legend needs the minimum).</summary>
    public const double PixelsPerDatagram = 26, MinWidth = 1000, MaxWidth = 6000;
    private const double AliceY = Top + 40, BobY = Top + 260, TimelineTop = BobY + 70, BarHeight = 22;
    private const double Height = TimelineTop + 2 * (BarHeight + 8) + 90;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(string title, IReadOnlyList<DatagramFlight> flights, EpochSeries epochs, IReadOnlyList<(long From, long To)> partitions, long faultsStopMs)
    {
        ArgumentNullException.ThrowIfNull(flights);
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(partitions);
        double width = WidthFor(flights);
        long end = Math.Max(faultsStopMs + 1, Math.Max(epochs.EndMs, flights.Select(f => f.ArrivedMs ?? f.SentMs).DefaultIfEmpty(0).Max()));
        var x = new TimeAxis(new PhasedTime(faultsStopMs, end), Left, width - Right);
        var s = new StringBuilder();
        s.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{Height}\" viewBox=\"0 0 {width} {Height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n");
        s.Append("<title>").Append(E(title)).Append("</title>\n");
        s.Append("<defs>");
        foreach (var (name, color) in Colors) s.Append(Inv, $"<marker id=\"head-{name}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>");
        s.Append("</defs>\n");
        s.Append(Inv, $"<rect width=\"{width}\" height=\"{Height}\" fill=\"white\"/>\n");
        s.Append(Inv, $"<text x=\"{width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">{E(title)}</text>\n");

        // Phases: partitions shaded, the liveness phase tinted, the moment faults stop dashed.
        foreach (var (from, to) in partitions)
        {
            double x0 = x.Of(from), x1 = x.Of(Math.Min(to, end));
            s.Append(Inv, $"<rect class=\"partition\" x=\"{F(x0)}\" y=\"{Top}\" width=\"{F(Math.Max(1, x1 - x0))}\" height=\"{F(BobY - Top + 20)}\" fill=\"#d62728\" fill-opacity=\"0.13\"><title>partition {from}–{to} ms: nothing crosses</title></rect>\n");
        }
        double stop = x.Of(faultsStopMs);
        s.Append(Inv, $"<rect x=\"{F(stop)}\" y=\"{Top}\" width=\"{F(width - Right - stop)}\" height=\"{F(Height - Top - 60)}\" fill=\"#2ca02c\" fill-opacity=\"0.06\"><title>liveness phase from {faultsStopMs} ms: faults off (drawn wider than the safety phase)</title></rect>\n");
        s.Append(Inv, $"<line x1=\"{F(stop)}\" y1=\"{Top}\" x2=\"{F(stop)}\" y2=\"{F(Height - 60)}\" stroke=\"#2ca02c\" stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>faults stop at {faultsStopMs} ms (liveness phase begins)</title></line>\n");
        s.Append(Inv, $"<text x=\"{F(stop + 6)}\" y=\"{Top + 14}\" fill=\"#2ca02c\">faults stop, liveness phase →</text>\n");

        // Lanes.
        foreach (var (name, y) in new[] { ("alice", AliceY), ("bob", BobY) })
        {
            s.Append(Inv, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{F(width - Right)}\" y2=\"{F(y)}\" stroke=\"black\"/>\n");
            s.Append(Inv, $"<text x=\"{Left - 10}\" y=\"{F(y + 5)}\" text-anchor=\"end\" font-size=\"16\">{name}</text>\n");
        }

        // Arrows: one per datagram copy, each with its hover text.
        foreach (var f in flights)
        {
            double y0 = f.From == "alice" ? AliceY : BobY, y1 = f.To == "alice" ? AliceY : BobY;
            double x0 = x.Of(f.SentMs);
            var tip = Describe(f);
            if (f.ArrivedMs is not { } at)
            {
                double tx = x0 + 12, ty = y0 + (y1 - y0) * 0.3;
                s.Append(Inv, $"<g class=\"flight lost\"><title>{E(tip)}</title><line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(tx)}\" y2=\"{F(ty)}\" stroke=\"{Lost}\" stroke-width=\"1.5\"/>" +
                              $"<path d=\"M{F(tx - 4)},{F(ty - 4)} L{F(tx + 4)},{F(ty + 4)} M{F(tx - 4)},{F(ty + 4)} L{F(tx + 4)},{F(ty - 4)}\" stroke=\"{Lost}\" stroke-width=\"2\"/></g>\n");
                continue;
            }
            var kind = f.Kind switch { FlightKind.Reordered => "reordered", FlightKind.DuplicateCopy => "duplicate", _ => "inorder" };
            double strokeWidth = f.Kind == FlightKind.InOrder ? 1.3 : 2.2;
            s.Append(Inv, $"<line class=\"flight {kind}\" x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(x.Of(at))}\" y2=\"{F(y1)}\" stroke=\"{Colors.First(c => c.Name == kind).Color}\" stroke-width=\"{F(strokeWidth)}\" marker-end=\"url(#head-{kind})\"><title>{E(tip)}</title></line>\n");
            if (f.Outcome is not ("Delivered" or "Duplicate"))
            {
                double ax = x.Of(at), ay = y1 + (y1 > y0 ? 9 : -9);
                s.Append(Inv, $"<path class=\"mark undecrypted\" d=\"M{F(ax)},{F(ay - 6)} L{F(ax + 6)},{F(ay)} L{F(ax)},{F(ay + 6)} L{F(ax - 6)},{F(ay)} z\" fill=\"black\"><title>{E("not decrypted: " + tip)}</title></path>\n");
            }
        }
        foreach (var f in flights.Where(f => f.CardEdit).DistinctBy(f => f.Datagram))
        {
            double ex = x.Of(f.SentMs), ey = (f.From == "alice" ? AliceY - 12 : BobY + 12);
            double dir = f.From == "alice" ? -1 : 1;
            s.Append(Inv, $"<path class=\"mark edit\" d=\"M{F(ex)},{F(ey + dir * 8)} L{F(ex + 6)},{F(ey - dir * 3)} L{F(ex - 6)},{F(ey - dir * 3)} z\" fill=\"#006400\"><title>{E($"card edit by {f.From} in datagram {f.Datagram} (payload {P(f.PayloadId)}, epoch {P(f.Epoch)}) at {f.SentMs} ms")}</title></path>\n");
        }

        // Epoch timeline: one bar per epoch a party was in, labelled and hoverable.
        s.Append(Inv, $"<text x=\"{Left}\" y=\"{F(TimelineTop - 12)}\" font-weight=\"bold\">epochs over time</text>\n");
        int row = 0;
        foreach (var (name, steps) in new[] { ("alice", epochs.Alice), ("bob", epochs.Bob) })
        {
            double y = TimelineTop + row++ * (BarHeight + 8);
            s.Append(Inv, $"<text x=\"{Left - 10}\" y=\"{F(y + BarHeight - 6)}\" text-anchor=\"end\">{name}</text>\n");
            for (int i = 0; i < steps.Count; i++)
            {
                long from = steps[i].T, to = i + 1 < steps.Count ? steps[i + 1].T : end;
                double x0 = x.Of(from), x1 = x.Of(to);
                string fill = steps[i].Epoch % 2 == 0 ? "#9ecae1" : "#fdae6b";
                s.Append(Inv, $"<rect class=\"epoch\" x=\"{F(x0)}\" y=\"{F(y)}\" width=\"{F(Math.Max(0.5, x1 - x0))}\" height=\"{BarHeight}\" fill=\"{fill}\" stroke=\"white\" stroke-width=\"0.5\"><title>{name} in epoch {steps[i].Epoch} from {from} to {to} ms</title></rect>\n");
                if (x1 - x0 > 18) s.Append(Inv, $"<text x=\"{F((x0 + x1) / 2)}\" y=\"{F(y + BarHeight - 6)}\" text-anchor=\"middle\" font-size=\"11\">{steps[i].Epoch}</text>\n");
            }
        }

        // Time axis: ticks in each phase.
        double axisY = Height - 55;
        s.Append(Inv, $"<line x1=\"{Left}\" y1=\"{F(axisY)}\" x2=\"{F(width - Right)}\" y2=\"{F(axisY)}\" stroke=\"black\"/>\n");
        foreach (var t in x.Ticks())
            s.Append(Inv, $"<line x1=\"{F(x.Of(t))}\" y1=\"{F(axisY)}\" x2=\"{F(x.Of(t))}\" y2=\"{F(axisY + 5)}\" stroke=\"black\"/><text x=\"{F(x.Of(t))}\" y=\"{F(axisY + 19)}\" text-anchor=\"middle\" font-size=\"11\">{t}</text>\n");
        s.Append(Inv, $"<text x=\"{width / 2}\" y=\"{F(axisY + 38)}\" text-anchor=\"middle\">virtual time (ms); hover over an arrow or mark for its datagram, payload, epoch, outcome and fault</text>\n");

        // Legend.
        double lx = Left;
        foreach (var (label, color) in new[] { ("in send order", InOrder), ("reordered", Reordered), ("duplicate copy", Duplicate), ("lost", Lost), ("◆ not decrypted", "black"), ("▲ card edit", "#006400") })
        {
            s.Append(Inv, $"<rect x=\"{F(lx)}\" y=\"40\" width=\"14\" height=\"4\" fill=\"{color}\"/><text x=\"{F(lx + 18)}\" y=\"46\" font-size=\"12\">{E(label)}</text>\n");
            lx += 150;
        }
        s.Append("</svg>\n");
        return s.ToString();
    }

    /// <summary>
    /// The diagram's width scales with the world: <see cref="PixelsPerDatagram"/> per datagram sent (so
    /// arrows stay apart), between <see cref="MinWidth"/> and <see cref="MaxWidth"/> px.
    /// </summary>
    public static double WidthFor(IReadOnlyList<DatagramFlight> flights)
    {
        ArgumentNullException.ThrowIfNull(flights);
        return Math.Clamp(Math.Round(Left + Right + PixelsPerDatagram * flights.Select(f => f.Datagram).Distinct(StringComparer.Ordinal).Count()), MinWidth, MaxWidth);
    }

    /// <summary>The hover text of one datagram copy.</summary>
    public static string Describe(DatagramFlight f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var what = f.Kind switch
        {
            FlightKind.Lost => $"lost ({f.Outcome ?? "dropped"})",
            FlightKind.Reordered => "reordered: arrived after a datagram sent later",
            FlightKind.DuplicateCopy => "duplicate copy made by the network",
            _ => "arrived in send order",
        };
        var arrived = f.ArrivedMs is { } at ? $", arrived {at} ms, outcome {f.Outcome}" : "";
        var fault = f.Fault is { Length: > 0 } fa ? $", fault {fa}" : "";
        return $"datagram {f.Datagram} {f.From}→{f.To}: payload {P(f.PayloadId)}, epoch {P(f.Epoch)}, sent {f.SentMs} ms{arrived}; {what}{fault}{(f.CardEdit ? "; carries a card edit" : "")}";
    }

    private const string InOrder = "#1f77b4", Reordered = "#ff7f0e", Duplicate = "#9467bd", Lost = "#d62728";
    private static readonly (string Name, string Color)[] Colors = [("inorder", InOrder), ("reordered", Reordered), ("duplicate", Duplicate)];

    private static string P<T>(T? v) where T : struct => v is { } x ? Convert.ToString(x, Inv)! : "–";
    private static string F(double v) => v.ToString("0.##", Inv);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    private sealed record TimeAxis(PhasedTime Time, double X0, double X1)
    {
        public double Of(long t) => X0 + (X1 - X0) * Time.Of(t);

        public IReadOnlyList<long> Ticks() => Time.Ticks();
    }
}
