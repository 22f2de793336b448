using System.Diagnostics;
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

/// <summary>
/// Progress of a <see cref="WorldRunner"/> run: called once per finished world, one call at a time.
/// <paramref name="Last"/> is the world that just finished, null if it failed (then <see cref="Failure"/> says how; RunMany only).
/// </summary>
public sealed record WorldProgress(int Completed, int Total, WorldResult? Last)
{
    public WorldFailure? Failure { get; init; }
}

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

    /// <summary>
    /// Issue "Simulator" item 7: <paramref name="count"/> worlds like <paramref name="template"/> (seeds
    /// <paramref name="firstSeed"/>, +1, ...) run to the end, <paramref name="parallelism"/> at a time
    /// (0: one per core) in one shared actor system. A failing world does not stop the others: it is
    /// listed with its seed. Keeps only counts and trace hashes (each world's trace is dropped when it
    /// ends); progress is called once per finished world, one call at a time.
    /// </summary>
    public static WorldRunSummary RunMany(WorldOptions template, ulong firstSeed, int count, int parallelism = 0,
        Action<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int workers = parallelism > 0 ? parallelism : Environment.ProcessorCount;
        var hashes = new string?[count];
        var failures = new List<WorldFailure>();
        var notConverged = new List<ulong>();
        long sent = 0, delivered = 0;
        int completed = 0;
        var gate = new object();
        var clock = Stopwatch.StartNew();
        Run(count, i => template with { Seed = firstSeed + (ulong)i }, workers, sharedSystem: true, stopOnFailure: false, (i, options, result, error) =>
        {
            if (result is not null)
            {
                hashes[i] = result.TraceHash;
                Interlocked.Add(ref sent, result.Counts.DatagramsSent);
                Interlocked.Add(ref delivered, result.Counts.DatagramsDelivered);
            }
            // Failures and non-convergence are rare: a lock there costs nothing on the common path.
            var failure = error is null ? null : new WorldFailure(options.Seed, error.Message);
            if (failure is not null) lock (gate) failures.Add(failure);
            else if (!result!.Converged) lock (gate) notConverged.Add(options.Seed);
            if (progress is not null) lock (gate) progress(new WorldProgress(++completed, count, result) { Failure = failure });
        }, cancellationToken).GetAwaiter().GetResult();
        clock.Stop();
        return new WorldRunSummary
        {
            Worlds = count,
            Parallelism = Math.Clamp(workers, 1, Math.Max(1, count)),
            FirstSeed = firstSeed,
            DatagramsSent = sent,
            DatagramsDelivered = delivered,
            WallSeconds = clock.Elapsed.TotalSeconds,
            Failures = [.. failures.OrderBy(f => f.Seed)],
            NotConverged = [.. notConverged.Order()],
            TraceHashes = hashes,
        };
    }

    public static IReadOnlyList<WorldResult> Run(IReadOnlyList<WorldOptions> worlds, WorldRunnerOptions? options = null, Action<WorldProgress>? progress = null) =>
        RunAsync(worlds, options, progress).GetAwaiter().GetResult();

    /// <summary>Runs every world; the first failure cancels the rest and is rethrown (its message names the seed).</summary>
    public static async Task<IReadOnlyList<WorldResult>> RunAsync(IReadOnlyList<WorldOptions> worlds, WorldRunnerOptions? options = null,
        Action<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worlds);
        options ??= new WorldRunnerOptions();
        var results = new WorldResult[worlds.Count];
        int completed = 0;
        var gate = new object();
        await Run(worlds.Count, i => worlds[i], options.MaxParallelism, options.SharedActorSystem, stopOnFailure: true, (i, _, result, _) =>
        {
            results[i] = result!;
            if (progress is not null) lock (gate) progress(new WorldProgress(++completed, worlds.Count, result!));
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// The workers: each takes the next index (one interlocked increment, no lock) and runs that world
    /// to the end before taking another. <paramref name="done"/> gets each world's result or exception.
    /// </summary>
    private static async Task Run(int count, Func<int, WorldOptions> optionsAt, int parallelism, bool sharedSystem, bool stopOnFailure,
        Action<int, WorldOptions, WorldResult?, Exception?> done, CancellationToken cancellationToken)
    {
        int workers = Math.Clamp(parallelism, 1, Math.Max(1, count));
        int next = -1;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ActorSystem? shared = sharedSystem ? SimulatorActorSystem.Create("pairsim-runner") : null;
        try
        {
            async Task Worker(int w)
            {
                var system = shared ?? SimulatorActorSystem.Create($"pairsim-worker-{w}");
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < count)
                    {
                        cancel.Token.ThrowIfCancellationRequested();
                        var options = optionsAt(i);
                        WorldResult result;
                        try
                        {
                            result = await new World(options, system).RunAsync(cancel.Token).ConfigureAwait(false);
                        }
                        catch (Exception e) when (!stopOnFailure && e is not OperationCanceledException)
                        {
                            done(i, options, null, e);
                            continue;
                        }
                        done(i, options, result, null);
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
    }
}
