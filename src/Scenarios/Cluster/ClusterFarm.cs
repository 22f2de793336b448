using System.Diagnostics;
using Akka.Actor;

namespace Sim.Scenarios.Cluster;

/// <summary>Where a coordinator joins: the seed nodes, and the address workers reach it at.</summary>
public sealed record ClusterTarget(IReadOnlyList<SeedNode> Seeds)
{
    /// <summary>The host name or IP the workers connect back to (across machines: this machine's address on their network).</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>The coordinator's TCP port; 0 = any free port.</summary>
    public int Port { get; init; }
    /// <summary>How long the coordinator waits with no worker at all before it gives up.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromSeconds(60);

    public string SeedText => string.Join(',', Seeds);
}

/// <summary>
/// Runs a job's items on a cluster: joins it as a member of role coordinator, lets a
/// <see cref="CoordinatorActor"/> hand the items to the workers, hands each row to the caller as it
/// comes, and leaves the cluster when every item has its row (or on failure or cancellation).
/// </summary>
public static class ClusterFarm
{
    public static async Task<ClusterStats> RunAsync(ClusterTarget target, string kind, IReadOnlyList<string> payloads, Action<int, string> onRow,
        Action<string>? say = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(onRow);
        var clock = Stopwatch.StartNew();
        var job = new ClusterJob(onRow, say ?? (_ => { }), target.WorkerWait, target.SeedText);
        var items = payloads.Select((p, i) => new WorkItem(i, kind, p)).ToList();
        var system = ClusterNode.Start(target.Host, target.Port, ClusterNode.Coordinator, target.Seeds);
        try
        {
            await using var registration = cancel.Register(job.Cancel);
            system.ActorOf(CoordinatorActor.Props(items, job), "coordinator");
            var stats = await job.Completion.ConfigureAwait(false);
            return stats with { Elapsed = clock.Elapsed };
        }
        finally
        {
            await Leave(system).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves the cluster (so the workers see a member go, not a crash) and stops the actor system, within a few seconds.</summary>
    internal static async Task Leave(ActorSystem system)
    {
        var shutdown = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await Task.WhenAny(shutdown, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        if (!system.WhenTerminated.IsCompleted) await Task.WhenAny(system.Terminate(), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }
}
