using System.Globalization;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator;
using Sim.Simulator.Agents;

namespace Sim.Benchmarks.Simulator;

/// <summary>
/// <c>sim-scale sizes</c>: what a conversation's pieces weigh, to see what dominates the memory per
/// conversation: a saved state, a datagram, and the managed heap of the two live sessions alone.
/// </summary>
internal static class Sizes
{
    public static void Print(TextWriter output, int messages, int count = 500)
    {
        var options = PairOptions.Default;
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        var held = new List<object>();
        int saveBytes = 0, datagramBytes = 0, datagrams = 0;
        for (int i = 0; i < count; i++)
        {
            var seeds = new WorldSeeds((ulong)i);
            var invitation = Invitation.Create(Card.Create("Alice"), options, seeds.Alice);
            var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, seeds.Bob);
            var first = bob.Send(Payload.Create(1, 32, seeds.Script)).Datagram;
            var alice = invitation.TryJoin(first, out _)!;
            invitation.Dispose();
            for (int m = 1; m < messages; m++)
            {
                var (from, to) = m % 2 == 1 ? (alice, bob) : (bob, alice);
                var d = from.Send(Payload.Create(m + 1, 32, seeds.Script)).Datagram;
                to.Receive(d);
                if (i == 0) { datagramBytes += d.Length; datagrams++; }
            }
            if (i == 0) saveBytes = alice.Save().Length + bob.Save().Length;
            held.Add(alice);
            held.Add(bob);
        }
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(held);
        held.Clear();

        // The trace a world keeps (events, no text) with its results, after its actors are gone.
        var template = SimScale.ChatWorld(messages, 50);
        using var system = SimulatorActorSystem.Create("sim-sizes");
        new World(template, system).RunAsync().GetAwaiter().GetResult();
        int worlds = Math.Max(1, count / 5);
        GC.Collect();
        long before2 = GC.GetTotalMemory(true);
        var results = new List<WorldResult>();
        for (int i = 0; i < worlds; i++) results.Add(new World(template with { Seed = (ulong)i }, system).RunAsync().GetAwaiter().GetResult());
        long after2 = GC.GetTotalMemory(true);
        double events = results.Average(r => r.Trace.Events.Count);
        GC.KeepAlive(results);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sizes: messages={messages} save_bytes_per_party={saveBytes / 2} datagram_bytes_avg={(datagrams > 0 ? datagramBytes / datagrams : 0)} " +
            $"two_live_sessions_kib={(after - before) / 1024.0 / count:F1} finished_world_result_kib={(after2 - before2) / 1024.0 / worlds:F1} " +
            $"trace_events={events:F0} (with the liveness phase)"));
    }
}
