using Akka.Actor;

namespace Sim.Simulator;

/// <summary>How <see cref="WorldRunner"/> spreads worlds over the machine.</summary>
public sealed record WorldRunnerOptions
{
    /// <summary>Worlds running at once (default: one per core).</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>One actor system for all workers (default), or one per worker.</summary>
    public bool SharedActorSystem { get; init; } = true;
}

/// <summary>Progress of a <see cref="WorldRunner"/> run: called once per finished world, one call at a time.</summary>
public sealed record WorldProgress(int Completed, int Total, WorldResult Last);

/// <summary>
/// Runs many worlds in parallel (one per pair, each deterministic on its own: a world's trace does not
/// depend on what runs beside it). Results come back in the order of the options given.
/// </summary>
public static class WorldRunner
{
    /// <summary><paramref name="count"/> worlds like <paramref name="template"/> with seeds <paramref name="firstSeed"/>, +1, ...</summary>
    public static IReadOnlyList<WorldOptions> Seeds(WorldOptions template, ulong firstSeed, int count)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Enumerable.Range(0, count).Select(i => template with { Seed = firstSeed + (ulong)i }).ToList();
    }

    public static IReadOnlyList<WorldResult> Run(IReadOnlyList<WorldOptions> worlds, WorldRunnerOptions? options = null, Action<WorldProgress>? progress = null) =>
        RunAsync(worlds, options, progress).GetAwaiter().GetResult();

    /// <summary>Runs every world; the first failure cancels the rest and is rethrown (its message names the seed).</summary>
    public static async Task<IReadOnlyList<WorldResult>> RunAsync(IReadOnlyList<WorldOptions> worlds, WorldRunnerOptions? options = null,
        Action<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worlds);
        options ??= new WorldRunnerOptions();
        int workers = Math.Clamp(options.MaxParallelism, 1, Math.Max(1, worlds.Count));
        var results = new WorldResult[worlds.Count];
        int next = -1, completed = 0;
        var gate = new object();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ActorSystem? shared = options.SharedActorSystem ? SimulatorActorSystem.Create("pairsim-runner") : null;
        try
        {
            async Task Worker(int w)
            {
                var system = shared ?? SimulatorActorSystem.Create($"pairsim-worker-{w}");
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < worlds.Count)
                    {
                        cancel.Token.ThrowIfCancellationRequested();
                        var result = await new World(worlds[i], system).RunAsync(cancel.Token).ConfigureAwait(false);
                        results[i] = result;
                        if (progress is not null)
                        {
                            lock (gate) progress(new WorldProgress(++completed, worlds.Count, result));
                        }
                    }
                }
                catch
                {
                    await cancel.CancelAsync().ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    if (shared is null) await system.Terminate().ConfigureAwait(false);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => Worker(w)))).ConfigureAwait(false);
        }
        finally
        {
            if (shared is not null) await shared.Terminate().ConfigureAwait(false);
        }
        return results;
    }
}
