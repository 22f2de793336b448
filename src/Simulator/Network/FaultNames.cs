using Sim.Simulator.Trace;

namespace Sim.Simulator.Network;

/// <summary>The names the trace gives to faults (<see cref="TraceEvent.Fault"/>).</summary>
public static class FaultNames
{
    public const string Drop = "drop";
    public const string Duplicate = "duplicate";
    public const string Delay = "delay";
    public const string Corrupt = "corrupt";
    public const string Replay = "replay";
    public const string Inject = "inject";
    public const string Partition = "partition";
    /// <summary>Held by the link and released later with the other datagrams of its hold spell (FaultEvent.Why: the release order).</summary>
    public const string Hold = "hold";
    /// <summary>An insider holding header keys delivered a copy it opened, changed and re-sealed (FaultEvent.Why: the mutation).</summary>
    public const string Insider = "insider";
    /// <summary>Lost at a party that is offline or crashed (Detail says which, and whether sending or receiving).</summary>
    public const string Offline = "offline";
}
