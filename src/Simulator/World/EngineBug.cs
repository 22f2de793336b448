using Sim.Engine;

namespace Sim.Simulator;

/// <summary>
/// Telling an engine bug from everything else when a world fails. The engine raises
/// <see cref="MlsInternalException"/> when its own invariant breaks (never for bad input, which is an
/// outcome), and PairMLS never turns it into a <c>Rejected</c> datagram, so it escapes the party and
/// fails the world: the world is then undecided (no verdict on the protocol), and its message says
/// "engine bug" with the world's options line (its seed), from which the replay command is made.
/// </summary>
public static class EngineBug
{
    /// <summary>The engine bug somewhere in <paramref name="e"/>'s chain of causes, or null.</summary>
    public static MlsInternalException? In(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is MlsInternalException bug) return bug;
            if (x is AggregateException many)
                foreach (var inner in many.InnerExceptions)
                    if (In(inner) is { } found) return found;
        }
        return null;
    }

    /// <summary>The message of a world that failed at <paramref name="atMs"/> (virtual ms): "engine bug …" when
    /// <paramref name="e"/> holds one, else "world failed …"; both end with <paramref name="options"/> (the seed).</summary>
    public static string Describe(string world, long atMs, string options, Exception e) => In(e) is { } bug
        ? $"engine bug in the {world} at {atMs} ms (the world is undecided: {bug.Message}): {options}"
        : $"{world} failed at {atMs} ms: {options}";
}
