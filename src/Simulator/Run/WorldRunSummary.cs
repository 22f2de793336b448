using System.Globalization;

namespace Sim.Simulator;

/// <summary>A world that threw (a bug: bad input is an outcome): its seed replays it.</summary>
public sealed record WorldFailure(ulong Seed, string Message);

/// <summary>
/// What <see cref="WorldRunner.RunMany"/> did: the worlds run, datagrams the parties sent and the
/// network delivered (all worlds together), wall-clock time, the failures with their seeds, the seeds
/// of worlds that did not converge, and each world's trace hash (index i: seed firstSeed + i; null if
/// that world failed). Only counts and hashes are kept, so a batch of any size runs in bounded memory.
/// </summary>
public sealed record WorldRunSummary
{
    public int Worlds { get; init; }
    public int Parallelism { get; init; }
    public ulong FirstSeed { get; init; }
    public long DatagramsSent { get; init; }
    public long DatagramsDelivered { get; init; }
    /// <summary>Wall-clock seconds for the whole batch (measurement only: no world reads a clock).</summary>
    public double WallSeconds { get; init; }
    public IReadOnlyList<WorldFailure> Failures { get; init; } = [];
    public IReadOnlyList<ulong> NotConverged { get; init; } = [];
    public IReadOnlyList<string?> TraceHashes { get; init; } = [];

    /// <summary>Datagrams sent per wall-clock second.</summary>
    public double DatagramsPerSecond => WallSeconds > 0 ? DatagramsSent / WallSeconds : 0;

    public bool AllPassed => Failures.Count == 0 && NotConverged.Count == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"worlds={Worlds} parallelism={Parallelism} sent={DatagramsSent} delivered={DatagramsDelivered} wall_s={WallSeconds:F2} " +
        $"datagrams_per_s={DatagramsPerSecond:F0} failures={Failures.Count} not_converged={NotConverged.Count}");
}
