using Akka.Actor;
using Akka.Configuration;

namespace Sim.Simulator;

/// <summary>The actor system worlds run in: quiet logging (the trace is the log), no dead-letter chatter.</summary>
public static class SimulatorActorSystem
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
        }
        """);

    public static ActorSystem Create(string name = "pairsim") => ActorSystem.Create(name, Quiet);
}
