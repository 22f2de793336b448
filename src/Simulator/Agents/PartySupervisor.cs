using Akka.Actor;

namespace Sim.Simulator.Agents;

/// <summary>
/// The parent of one <see cref="PartyActor"/>: restarts it when it fails at a crash point
/// (<see cref="CrashPointReached"/>), as Akka supervision of a crashing process does, without logging
/// (the trace records the crash). Any other failure stops the child: a bug, which the world reports
/// (every request to a party otherwise gets a reply).
/// Reply to <see cref="GetParty"/>: the child's <see cref="IActorRef"/> (the same across restarts).
/// </summary>
public sealed class PartySupervisor : ReceiveActor
{
    public sealed record GetParty;

    public PartySupervisor(PartyConfig config)
    {
        var child = Context.ActorOf(PartyActor.Props(config), "party");
        Receive<GetParty>(_ => Sender.Tell(child));
    }

    public static Props Props(PartyConfig config) => Akka.Actor.Props.Create(() => new PartySupervisor(config));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e => e is CrashPointReached ? Directive.Restart : Directive.Stop, loggingEnabled: false);
}
