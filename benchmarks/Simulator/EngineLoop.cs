using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Benchmarks.Simulator;

/// <summary>
/// The engine alone: the conversation a fault-free world had, replayed as a plain loop of
/// PairSession.Send / Receive calls in the order the world's trace shows (same seed, so the same
/// keys, payloads and datagrams), with no actors, network, trace or disk.
/// </summary>
internal sealed class EngineLoop
{
    private readonly WorldOptions _options;
    private readonly List<(TraceKind Kind, Party Party, long PayloadId, int PayloadBytes, string Datagram)> _steps = [];

    /// <param name="world">A world run with <see cref="FaultProfile.None"/> (each datagram delivered once, in order).</param>
    public EngineLoop(WorldResult world)
    {
        _options = world.Options;
        var sizes = world.Options.UserScript.Ops.Select(o => o switch { ScriptOp.Send s => s.PayloadBytes, _ => -1 }).Where(n => n >= 0).ToList();
        int sendIndex = 0;
        foreach (var e in world.Trace.Events)
        {
            if (e.Kind == TraceKind.Send)
            {
                int size = sendIndex < sizes.Count ? sizes[sendIndex] : world.Options.PayloadSizeBytes;
                sendIndex++;
                _steps.Add((TraceKind.Send, PartyOf(e.Party), ((SendEvent)e).PayloadId ?? throw new InvalidOperationException("send without payload id"), size, e.Datagram!));
            }
            else if (e.Kind == TraceKind.Deliver) _steps.Add((TraceKind.Deliver, PartyOf(e.Party), 0, 0, e.Datagram!));
            else if (e.Kind == TraceKind.Fault) throw new InvalidOperationException("the engine loop replays fault-free worlds only");
        }
    }

    public int Datagrams => _steps.Count(s => s.Kind == TraceKind.Send);

    /// <summary>Runs the conversation; with <paramref name="verify"/>, checks every datagram is the one the world sent.</summary>
    public void Run(bool verify, bool saveOnReceive = false)
    {
        var seeds = new WorldSeeds(_options.Seed);
        // The world's options, its virtual clock included (the invitation's lifetime is stamped from it at time 0;
        // a chat's few seconds of virtual time never reach the lifetime's end, so a clock stopped at 0 gives the same bytes).
        var pairOptions = PairOptions.Default with { Suite = _options.Suite, RetentionWindow = _options.RetentionWindow, Clock = static () => 0UL };
        using var invitation = Invitation.Create(Card.Create("Alice"), pairOptions, seeds.Alice);
        PairSession? alice = null;
        var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, pairOptions, seeds.Bob);
        var inFlight = new Queue<byte[]>[] { new(), new() };
        foreach (var step in _steps)
        {
            if (step.Kind == TraceKind.Send)
            {
                var payload = Payload.Create(step.PayloadId, step.PayloadBytes, seeds.Script);
                var session = step.Party == Party.Alice ? alice! : bob;
                var datagram = session.Send(payload).Datagram;
                if (verify && TraceLog.IdOf(datagram) != step.Datagram) throw new InvalidOperationException($"datagram {step.Datagram} differs from the world's");
                inFlight[(int)step.Party.Peer()].Enqueue(datagram);
            }
            else
            {
                var datagram = inFlight[(int)step.Party].Dequeue();
                ReceiveOutcome outcome;
                if (step.Party == Party.Alice && alice is null) alice = invitation.TryJoin(datagram, out outcome);
                else outcome = (step.Party == Party.Alice ? alice! : bob).Receive(datagram);
                if (saveOnReceive && outcome is Delivered) _ = (step.Party == Party.Alice ? alice! : bob).Save();
                if (verify && outcome is not Delivered) throw new InvalidOperationException($"engine loop: {outcome} at {step.Party}");
            }
        }
    }

    private static Party PartyOf(string? name) => name == "alice" ? Party.Alice : name == "bob" ? Party.Bob : throw new InvalidOperationException($"no party {name}");
}
