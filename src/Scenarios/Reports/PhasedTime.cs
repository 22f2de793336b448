namespace Sim.Scenarios.Reports;

/// <summary>
/// Virtual time drawn in two pieces so that both phases of a world can be read: the safety phase
/// [0, stop] fills the first <see cref="SafetyShare"/> of the axis and the liveness phase
/// [stop, end] (a few round trips, tens of ms) the rest. <see cref="Of"/> maps ms to axis units
/// [0, 1]; <see cref="Ticks"/> gives round tick values in each piece.
/// </summary>
public sealed record PhasedTime(long StopMs, long EndMs)
{
    public const double SafetyShare = 0.75;

    public double Of(long t) => t <= StopMs
        ? SafetyShare * Math.Max(0, t) / Math.Max(1, StopMs)
        : SafetyShare + (1 - SafetyShare) * (t - StopMs) / Math.Max(1, EndMs - StopMs);

    public IReadOnlyList<long> Ticks()
    {
        var ticks = Nice(0, StopMs, 8).ToList();
        ticks.AddRange(Nice(StopMs, EndMs, 3).Where(t => t > StopMs && Of(t) - Of(StopMs) > 0.04));
        if (!ticks.Contains(StopMs)) ticks.Add(StopMs);
        return ticks.Order().ToList();
    }

    private static IEnumerable<long> Nice(long from, long to, int count)
    {
        long span = Math.Max(1, to - from);
        long step = (long)Math.Max(1, Math.Pow(10, Math.Floor(Math.Log10(Math.Max(1, span / (double)count)))));
        foreach (var m in new[] { 1, 2, 5, 10 })
        {
            if (span / (step * m) > count) continue;
            step *= m;
            break;
        }
        for (long t = (from + step - 1) / step * step; t <= to; t += step) yield return t;
    }
}
