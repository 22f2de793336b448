using Akka.Actor;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Tests;

/// <summary>Shared helpers: one actor system for the worlds of a test class, scripts, and trace queries.</summary>
public sealed class WorldFixture : IDisposable
{
    public ActorSystem System { get; } = SimulatorActorSystem.Create("simulator-tests");

    public WorldResult Run(WorldOptions options) => new World(options, System).RunAsync().GetAwaiter().GetResult();

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}

internal static class WorldKit
{
    /// <summary>A conversation that gets going: Bob writes, Alice answers, a few more each way, with pauses.</summary>
    public static UserScript Chat(int rounds = 3, long gapMs = 100)
    {
        var ops = new List<ScriptOp>();
        for (int i = 0; i < rounds; i++)
        {
            ops.Add(new ScriptOp.Send(Party.Bob));
            ops.Add(new ScriptOp.Wait(gapMs));
            ops.Add(new ScriptOp.Send(Party.Alice));
            ops.Add(new ScriptOp.Wait(gapMs));
        }
        return new UserScript(ops);
    }

    public static IEnumerable<TraceEvent> Of(this WorldResult r, TraceKind kind) => r.Trace.Events.Where(e => e.Kind == kind);

    public static IEnumerable<T> Of<T>(this WorldResult r) where T : TraceEvent => r.Trace.Events.OfType<T>();

    public static IEnumerable<OutcomeEvent> Outcomes(this WorldResult r, string party) => r.Of<OutcomeEvent>().Where(e => e.Party == party);

    /// <summary>The events of the safety phase only (before the liveness Phase event).</summary>
    public static IEnumerable<TraceEvent> Safety(this WorldResult r) =>
        r.Trace.Events.TakeWhile(e => !(e is PhaseEvent { Phase: PhaseEvent.Liveness }));

    public static FaultProfile Both(LinkFaults f) => FaultProfile.Symmetric(f);
}
