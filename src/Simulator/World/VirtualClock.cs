namespace Sim.Simulator;

/// <summary>
/// A world's time: virtual milliseconds that move only when the world pops its next event. No wall
/// clock anywhere in a world's logic (Akka's own schedulers and MonotonicClock are not used for it).
/// </summary>
public sealed class VirtualClock
{
    public long NowMs { get; private set; }

    /// <summary>Moves time forward to <paramref name="timeMs"/>; time never goes back.</summary>
    public void AdvanceTo(long timeMs)
    {
        if (timeMs < NowMs) throw new InvalidOperationException($"virtual time cannot go back from {NowMs} ms to {timeMs} ms");
        NowMs = timeMs;
    }
}
