namespace Sim.Simulator.Trace;

/// <summary>
/// Each party's current epoch while walking a trace: set by its Joined and Epoch events; a Restart
/// or Restore loads a saved state, so it sets the epoch that event names or, when it names none,
/// makes it unknown until the party's next Epoch event.
/// </summary>
public sealed class EpochTracker
{
    private readonly Dictionary<string, ulong?> _epochs = new(StringComparer.Ordinal);

    /// <summary>Feed every event in order.</summary>
    public void Observe(TraceEvent e)
    {
        if (e.Party is not { } p) return;
        switch (e)
        {
            case JoinedEvent or EpochEvent when e.Epoch is { } epoch:
                _epochs[p] = epoch;
                break;
            case RestartEvent or RestoreEvent:
                _epochs[p] = e.Epoch;
                break;
        }
    }

    /// <summary>Whether the party has joined (has had an epoch at all).</summary>
    public bool HasJoined(string party) => _epochs.ContainsKey(party);

    /// <summary>The party's current epoch, or null before it joined or after a reload that named none.</summary>
    public ulong? EpochOf(string party) => _epochs.TryGetValue(party, out var e) ? e : null;
}
