using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// What the checkers need to know about the world beyond its events: the retention window R
/// (PAIRMLS.md "Receiving": past epochs whose application secrets are kept) and the seed. Read from
/// the Options event when the trace has one.
/// </summary>
public sealed record CheckContext
{
    /// <summary>The engine's default R (PairOptions.RetentionWindow).</summary>
    public const int DefaultRetentionWindow = 2;

    public static readonly CheckContext Default = new();

    /// <summary>R: a datagram of epoch e is inside the receiver's window when receiver epoch − e ≤ R.</summary>
    public int RetentionWindow { get; init; } = DefaultRetentionWindow;

    /// <summary>The world's root seed as written in the Options event (SEED=...), if any.</summary>
    public string? Seed { get; init; }

    /// <summary>The world's protocol as the Options event names it (<c>protocol=</c>); null: PairMLS (a trace older than the protocol seam names none).</summary>
    public string? Protocol { get; init; }

    /// <summary>Option keys that name R in the Options event's Detail, compared ignoring case.</summary>
    public static readonly IReadOnlyList<string> RetentionKeys = ["retention_window", "retentionwindow", "retention", "r"];

    /// <summary>
    /// The context of a trace: from its first Options event, whose Detail is "SEED=s key=value ..."
    /// (tokens split on white space, ',' or ';'); defaults for what it does not say.
    /// </summary>
    public static CheckContext FromTrace(IReadOnlyList<TraceEvent> trace)
    {
        var options = trace.FirstOrDefault(e => e.Kind == TraceKind.Options);
        return options?.Detail is { } detail ? FromOptions(detail) : Default;
    }

    public static CheckContext FromOptions(string detail)
    {
        var ctx = Default;
        foreach (var (key, value) in DetailFields.Pairs(detail))
        {
            if (key.Equals("seed", StringComparison.OrdinalIgnoreCase)) ctx = ctx with { Seed = value };
            else if (key.Equals("protocol", StringComparison.OrdinalIgnoreCase)) ctx = ctx with { Protocol = value };
            else if (RetentionKeys.Contains(key.ToLowerInvariant()) && int.TryParse(value, out var r) && r >= 0) ctx = ctx with { RetentionWindow = r };
        }
        return ctx;
    }
}
