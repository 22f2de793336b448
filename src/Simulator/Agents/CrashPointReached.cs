using Akka.Actor;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Agents;

/// <summary>
/// Thrown by a <see cref="PartyActor"/> at an armed <see cref="CrashPoint"/>: the actor fails, its
/// supervisor (<see cref="PartySupervisor"/>) restarts it, and the new instance reloads the disk and
/// answers <see cref="ReplyTo"/> for the request that crashed. <see cref="Kept"/>: trace drafts of what
/// happened before the crash and stays (a state persisted before it).
/// </summary>
public sealed class CrashPointReached(CrashPoint point, IActorRef replyTo, IReadOnlyList<TraceEvent> kept)
    : Exception($"crash point {point.Name()}")
{
    public CrashPoint Point { get; } = point;
    public IActorRef ReplyTo { get; } = replyTo;
    public IReadOnlyList<TraceEvent> Kept { get; } = kept;
}
