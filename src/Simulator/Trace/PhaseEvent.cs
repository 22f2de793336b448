namespace Sim.Simulator.Trace;

/// <summary>A phase starts: <see cref="Safety"/> (script and faults) or <see cref="Liveness"/> (faults off, everyone back, the bounded probe).</summary>
public sealed record PhaseEvent : TraceEvent
{
    public const string Safety = "safety";
    public const string Liveness = "liveness";

    public override TraceKind Kind => TraceKind.Phase;
    public string Phase { get; init; } = Safety;
}
