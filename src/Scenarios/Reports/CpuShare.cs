namespace Sim.Scenarios.Reports;

/// <summary>
/// The CPU time of this process spent while a world ran, shared out among the worlds running at
/// once: every time a world starts or stops, the process CPU used since the last such moment is
/// split evenly among the worlds that were running. The shares of all worlds add up to the process
/// CPU of the time any world ran (all threads: the actors, the engine, the collector). It is a
/// wall-clock measure of the machine that ran the world (a cluster worker's, for `--cluster`), so it
/// differs from run to run; nothing else in a comparison does.
/// </summary>
public sealed class CpuShare
{
    /// <summary>The one instance for this process (several would each hand out the same CPU).</summary>
    public static CpuShare Process { get; } = new();

    private sealed class Slot
    {
        public double Micros;
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Slot> _running = [];
    private TimeSpan _last = Environment.CpuUsage.TotalTime;
    private long _next;

    /// <summary>A world starts; the token is for <see cref="Stop"/>.</summary>
    public long Start()
    {
        lock (_gate)
        {
            Accrue();
            long token = ++_next;
            _running[token] = new Slot();
            return token;
        }
    }

    /// <summary>The world of <paramref name="token"/> stopped: its share of the process CPU since its start, µs.</summary>
    public double Stop(long token)
    {
        lock (_gate)
        {
            Accrue();
            return _running.Remove(token, out var slot) ? slot.Micros : throw new InvalidOperationException($"CPU share {token} was not started or already stopped");
        }
    }

    private void Accrue()
    {
        var now = Environment.CpuUsage.TotalTime;
        if (_running.Count > 0)
        {
            double share = (now - _last).TotalMicroseconds / _running.Count;
            foreach (var slot in _running.Values) slot.Micros += share;
        }
        _last = now;
    }
}
