namespace Sim.Simulator.Trace;

/// <summary>The world's options (the first event): the schema version, the seed, R, and the full options line that reproduces the world.</summary>
public sealed record OptionsEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Options;
    public int Schema { get; init; } = TraceSchema.Version;
    public string? Seed { get; init; }
    /// <summary>R (PAIRMLS.md "Receiving"): past epochs whose application secrets are kept.</summary>
    public int? RetentionWindow { get; init; }
    /// <summary>The out-of-order window and the maximum forward distance of each sender's ratchet within an epoch (RFC 9420 §9.2).</summary>
    public uint? OutOfOrderWindow { get; init; }
    public uint? ForwardDistance { get; init; }
    /// <summary>WorldOptions.Describe: every option on one line, starting with SEED=.</summary>
    public string Line { get; init; } = "";
}
