using ScottPlot;
using Sim.Simulator;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Chart 4: a spacetime (Lamport) diagram of one run: alice's and bob's lanes, each datagram an
/// arrow from its send time on the sender's lane to its arrival time on the receiver's lane, drawn
/// by what happened to it (in order, overtaken, duplicate copy, lost), arrivals that were not
/// decrypted (Expired, Rejected) and card edits marked.
/// </summary>
public static class SpacetimeChart
{
    public const string Name = "spacetime";
    public const string Title = "Spacetime diagram of one run";

    private const double AliceLane = 1, BobLane = 0;

    private static readonly Color InOrder = new(0x1f, 0x77, 0xb4);
    private static readonly Color Reordered = new(0xff, 0x7f, 0x0e);
    private static readonly Color Duplicate = new(0x94, 0x67, 0xbd);
    private static readonly Color Lost = new(0xd6, 0x27, 0x28);

    /// <summary>
    /// Writes DIR/spacetime.png (ScottPlot) and DIR/spacetime.svg (<see cref="SpacetimeSvg"/>: the same
    /// diagram with the epoch timeline under it and hover text on every arrow and mark).
    /// </summary>
    public static ChartFile Render(WorldResult run, string subtitle, string directory)
    {
        ArgumentNullException.ThrowIfNull(run);
        var flights = DatagramFlight.Of(run.Trace.Events);
        var title = $"{Title} ({subtitle})";
        var plot = ChartFile.NewPlot(title, "virtual time (ms)", "");
        long end = Math.Max(1, run.Trace.Events.Count == 0 ? 1 : run.Trace.Events[^1].T);
        ChartMarks.Phases(plot, run, end);

        foreach (var lane in new[] { AliceLane, BobLane })
        {
            var l = plot.Add.HorizontalLine(lane);
            l.Color = Colors.Black;
            l.LineWidth = 1;
        }
        var notDecrypted = new List<Coordinates>();
        var edits = new List<Coordinates>();
        foreach (var f in flights.Where(f => f.CardEdit).DistinctBy(f => f.Datagram))
            edits.Add(new Coordinates(f.SentMs, f.From == "alice" ? AliceLane : BobLane));
        foreach (var f in flights)
        {
            double y0 = f.From == "alice" ? AliceLane : BobLane;
            double y1 = f.To == "alice" ? AliceLane : BobLane;
            if (f.ArrivedMs is not { } at)
            {
                // A lost datagram: a short stub toward the peer ending in a cross.
                var tip = new Coordinates(f.SentMs + 15, y0 + (y1 - y0) * 0.35);
                var stub = plot.Add.Line(new Coordinates(f.SentMs, y0), tip);
                stub.Color = Lost;
                stub.LineWidth = 1.5f;
                var cross = plot.Add.Marker(tip, MarkerShape.Eks, 9, Lost);
                cross.MarkerLineWidth = 2;
                continue;
            }
            var color = f.Kind switch { FlightKind.Reordered => Reordered, FlightKind.DuplicateCopy => Duplicate, _ => InOrder };
            var arrow = plot.Add.Arrow(new Coordinates(f.SentMs, y0), new Coordinates(at, y1));
            arrow.ArrowLineColor = color;
            arrow.ArrowFillColor = color;
            arrow.ArrowLineWidth = 0;
            arrow.ArrowWidth = f.Kind == FlightKind.InOrder ? 1.5f : 2.5f;
            arrow.ArrowheadWidth = 4;
            arrow.ArrowheadLength = 10;
            arrow.ArrowheadAxisLength = 10;
            if (f.Kind == FlightKind.DuplicateCopy) arrow.ArrowLineWidth = 0;
            if (f.Outcome is not ("Delivered" or "Duplicate")) notDecrypted.Add(new Coordinates(at, y1));
        }
        if (notDecrypted.Count > 0)
            plot.Add.Markers(notDecrypted.ToArray(), MarkerShape.FilledDiamond, 11, Colors.Black);
        if (edits.Count > 0)
            plot.Add.Markers(edits.ToArray(), MarkerShape.FilledTriangleUp, 12, Colors.DarkGreen);

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([AliceLane, BobLane], ["alice", "bob"]);
        plot.Axes.Left.TickLabelStyle.FontSize = 16;
        plot.Axes.SetLimitsY(-0.25, 1.25);
        plot.Axes.SetLimitsX(-end * 0.01, end * 1.01);
        plot.HideGrid();

        // Arrows make no legend entries of their own: name each mark explicitly.
        plot.Legend.ManualItems.Add(Item("datagram arrived in send order", InOrder, MarkerShape.None, 3));
        plot.Legend.ManualItems.Add(Item("reordered: arrived after a later-sent datagram", Reordered, MarkerShape.None, 4));
        plot.Legend.ManualItems.Add(Item("duplicate copy made by the network", Duplicate, MarkerShape.None, 4));
        plot.Legend.ManualItems.Add(Item("lost (dropped, partition, offline)", Lost, MarkerShape.Eks, 2));
        plot.Legend.ManualItems.Add(Item("arrived but not decrypted (Expired: outside R)", Colors.Black, MarkerShape.FilledDiamond, 0));
        plot.Legend.ManualItems.Add(Item("message carrying a card edit", Colors.DarkGreen, MarkerShape.FilledTriangleUp, 0));
        plot.ShowLegend(Edge.Bottom);
        var svg = SpacetimeSvg.Render(title, flights, EpochSeries.From(run.Trace.Events),
            run.Options.FaultProfile.Partitions.Select(p => (p.StartMs, p.HealMs)).ToList(), run.SafetyPhaseEndMs);
        return ChartFile.SavePngWithSvg(plot, directory, Name, Title, (int)SpacetimeSvg.WidthFor(flights), 600, svg);
    }

    private static LegendItem Item(string text, Color color, MarkerShape marker, float lineWidth) => new()
    {
        LabelText = text,
        LineColor = color,
        LineWidth = lineWidth,
        MarkerShape = marker,
        MarkerColor = color,
        MarkerSize = 10,
    };
}
