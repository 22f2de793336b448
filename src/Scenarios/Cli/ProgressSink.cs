using System.Diagnostics;
using System.Globalization;

namespace Sim.Scenarios.Cli;

/// <summary>
/// Progress of a run of N worlds, thread-safe. On a terminal <see cref="CliIo.WithProgress{T}"/> draws it
/// as a bar whose label shows n/N and the failures so far; otherwise (a CI log, a pipe) it prints one
/// plain line at every 10% to standard error: "check: 40 of 400 worlds (10%), 0 failures, 12.3 s elapsed".
/// </summary>
public sealed class ProgressSink
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Action<ProgressSink>? _redraw;
    private readonly TextWriter? _plain;
    private int _lastDecile;

    internal ProgressSink(string title, int total, Action<ProgressSink>? redraw, TextWriter? plain)
    {
        Title = title;
        Total = Math.Max(0, total);
        _redraw = redraw;
        _plain = plain;
    }

    /// <summary>A sink that shows nothing (for library callers and --quiet runs).</summary>
    public static ProgressSink Silent(int total) => new("", total, null, null);

    public string Title { get; }
    public int Total { get; private set; }
    public int Done { get; private set; }
    public int Failures { get; private set; }
    /// <summary>What is going on besides counting worlds (e.g. "shrinking ForkFreedom"); shown on a terminal only.</summary>
    public string? Activity { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>One more world finished; <paramref name="failed"/> when it broke an invariant (or could not be decided).</summary>
    public void Advance(bool failed = false)
    {
        lock (_gate)
        {
            Done++;
            if (failed) Failures++;
            _redraw?.Invoke(this);
            if (_plain is null || Total == 0) return;
            int decile = (int)(10L * Done / Total);
            if (decile <= _lastDecile) return;
            _lastDecile = decile;
            _plain.WriteLine(Line());
            _plain.Flush();
        }
    }

    /// <summary>Sets the counts directly (for callers that count themselves): <paramref name="done"/> of <paramref name="total"/>, with a label.</summary>
    public void Report(int done, int total, string? activity)
    {
        lock (_gate)
        {
            Total = Math.Max(0, total);
            Done = Math.Clamp(done, 0, Math.Max(done, 0));
            Activity = activity;
            _redraw?.Invoke(this);
            if (_plain is null || Total == 0) return;
            int decile = (int)(10L * Math.Min(Done, Total) / Total);
            if (decile <= _lastDecile) return;
            _lastDecile = decile;
            _plain.WriteLine(Line());
            _plain.Flush();
        }
    }

    /// <summary>Changes the activity label (terminal only).</summary>
    public void Say(string? activity)
    {
        lock (_gate)
        {
            Activity = activity;
            _redraw?.Invoke(this);
        }
    }

    /// <summary>"check: 40 of 400 worlds (10%), 0 failures, 12.3 s elapsed".</summary>
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Title}: {Done} of {Total} worlds ({(Total == 0 ? 100 : 100L * Done / Total)}%), {Failures} failure{(Failures == 1 ? "" : "s")}, {Elapsed.TotalSeconds:F1} s elapsed");

    /// <summary>The terminal label: "check 40/400, 0 failures (shrinking ForkFreedom)".</summary>
    public string Label() => string.Create(CultureInfo.InvariantCulture,
        $"{Title} {Done}/{Total}, {Failures} failure{(Failures == 1 ? "" : "s")}{(Activity is null ? "" : $" ({Activity})")}");
}
