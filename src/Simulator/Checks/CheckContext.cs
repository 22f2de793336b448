using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// What the checkers need to know about the world beyond its events: the retention window R, the
/// out-of-order window and the maximum forward distance (PAIRMLS.md "Receiving"; RFC 9420 §9.2),
/// the seed. Read from the Options event when the trace has one.
/// </summary>
public sealed record CheckContext
{
    /// <summary>The engine's defaults (PairOptions).</summary>
    public const int DefaultRetentionWindow = 2;
    public const uint DefaultOutOfOrderWindow = 32;
    public const uint DefaultForwardDistance = 1000;

    public static readonly CheckContext Default = new();

    /// <summary>R: a datagram of epoch e is inside the receiver's window when receiver epoch − e ≤ R.</summary>
    public int RetentionWindow { get; init; } = DefaultRetentionWindow;

    /// <summary>Generations below the newest received one of an epoch that may still arrive.</summary>
    public uint OutOfOrderWindow { get; init; } = DefaultOutOfOrderWindow;

    /// <summary>How far ahead of the next expected generation a datagram may be.</summary>
    public uint ForwardDistance { get; init; } = DefaultForwardDistance;

    /// <summary>The world's root seed as the Options event names it, if any.</summary>
    public string? Seed { get; init; }

    /// <summary>The world's protocol as the Options event names it; null: PairMLS (a trace older than the protocol seam names none).</summary>
    public string? Protocol { get; init; }

    /// <summary>The context of a trace: from its first Options event; defaults for what it does not say.</summary>
    public static CheckContext FromTrace(IReadOnlyList<TraceEvent> trace) => From(trace.OfType<OptionsEvent>().FirstOrDefault());

    public static CheckContext From(OptionsEvent? options) => options is null ? Default : Default with
    {
        Seed = options.Seed,
        Protocol = options.Protocol,
        RetentionWindow = options.RetentionWindow ?? DefaultRetentionWindow,
        OutOfOrderWindow = options.OutOfOrderWindow ?? DefaultOutOfOrderWindow,
        ForwardDistance = options.ForwardDistance ?? DefaultForwardDistance,
    };
}
