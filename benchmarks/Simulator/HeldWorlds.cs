using System.Diagnostics;
using System.Globalization;
using Sim.Simulator;

namespace Sim.Benchmarks.Simulator;

/// <summary>
/// Item 9c: <c>count</c> conversations alive in one process at once. Each world runs its safety phase
/// (joining and a few messages) in one shared actor system, then waits (paused, holding its actors,
/// sessions, disk, network memory and trace); when all wait, a full GC and the managed heap and working
/// set are measured against the same figures before any world existed. The worlds are then ended.
/// </summary>
internal sealed class HeldWorlds(int count, WorldOptions template)
{
    public void Measure(TextWriter output)
    {
        using var system = SimulatorActorSystem.Create("sim-memory");
        // Warm-up outside the measurement: JIT, actor system, suite tables.
        new World(template with { Seed = 1 }, system).RunAsync().GetAwaiter().GetResult();
        var (heap0, ws0) = Snapshot();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var running = new SemaphoreSlim(Environment.ProcessorCount);
        int paused = 0;
        var allPaused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var worlds = new Task[count];
        for (int i = 0; i < count; i++)
        {
            running.Wait();
            var world = new World(template with { Seed = 100_000 + (ulong)i }, system)
            {
                AfterSafetyPhase = async () =>
                {
                    running.Release();
                    if (Interlocked.Increment(ref paused) == count) allPaused.SetResult();
                    await release.Task.ConfigureAwait(false);
                    throw new OperationCanceledException("measured");
                },
            };
            worlds[i] = Task.Run(() => world.RunAsync());
            if ((i + 1) % Math.Max(1, count / 10) == 0) output.WriteLine($"  started {i + 1}/{count} {SimScale.Load()}");
        }
        allPaused.Task.GetAwaiter().GetResult();
        double seconds = clock.Elapsed.TotalSeconds;
        var (heap1, ws1) = Snapshot();
        release.SetResult();
        foreach (var t in worlds)
        {
            try { t.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { }
        }
        worlds = [];
        // Stopping the worlds' actors is asynchronous: wait until the heap stops shrinking (at most ~10 s).
        var (heap2, _) = Snapshot();
        for (int i = 0; i < 20; i++)
        {
            Thread.Sleep(500);
            var (h, _) = Snapshot();
            if (h >= heap2 - (1 << 20)) { heap2 = Math.Min(h, heap2); break; }
            heap2 = h;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: heap_after_worlds_ended_mb={heap2 / 1048576.0:F1} (what the shared actor system keeps)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: conversations={count} warmup_messages={template.UserScript.Ops.Count / 2} setup_s={seconds:F1} " +
            $"heap_before_mb={heap0 / 1048576.0:F1} heap_after_mb={heap1 / 1048576.0:F1} working_set_before_mb={ws0 / 1048576.0:F1} working_set_after_mb={ws1 / 1048576.0:F1} " +
            $"heap_kib_per_conversation={(heap1 - heap0) / 1024.0 / count:F1} working_set_kib_per_conversation={(ws1 - ws0) / 1024.0 / count:F1} (goal <= 64) {SimScale.Load()}"));
    }

    private static (long Heap, long WorkingSet) Snapshot()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        using var me = Process.GetCurrentProcess();
        me.Refresh();
        return (heap, me.WorkingSet64);
    }
}
