namespace Sim.Simulator.Trace;

/// <summary>A party came back online.</summary>
public sealed record OnlineEvent : TraceEvent
{
    public override TraceKind Kind => TraceKind.Online;
}
