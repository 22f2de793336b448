namespace Sim.Scenarios.Cluster;

/// <summary>How a cluster run went: the rows each worker returned, the items run again after their worker was lost, time and coordinator CPU.</summary>
public sealed record ClusterStats(IReadOnlyList<(string Node, int Worlds)> WorldsByNode, int Reassigned)
{
    public int Worlds => WorldsByNode.Sum(n => n.Worlds);
    /// <summary>From joining the cluster to the last row.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>From the first worker's arrival to the last row: what the throughput is measured over.</summary>
    public TimeSpan Working { get; init; }
    /// <summary>CPU time of the coordinator's process over <see cref="Working"/>: handing out items, reading rows, writing them to the results folder.</summary>
    public TimeSpan CoordinatorCpu { get; init; }
    public double WorldsPerSecond => Working.TotalSeconds > 0 ? Worlds / Working.TotalSeconds : 0;
    public double CoordinatorCpuPerWorldMs => Worlds == 0 ? 0 : CoordinatorCpu.TotalMilliseconds / Worlds;
}

/// <summary>
/// One job between <see cref="ClusterFarm"/> and its <see cref="CoordinatorActor"/>: the row callback
/// (called on the actor's thread, one row at a time), progress lines, and the completion.
/// </summary>
public sealed class ClusterJob(Action<int, string> onRow, Action<string> say, TimeSpan workerWait, string seedText)
{
    private readonly TaskCompletionSource<ClusterStats> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ClusterStats> Completion => _done.Task;
    public TimeSpan WorkerWait { get; } = workerWait;
    public string SeedText { get; } = seedText;

    public void Say(string line) => say(line);

    /// <summary>Hands a row on; false (and the job failed) when the callback threw, e.g. the results folder is not writable.</summary>
    public bool Row(int index, string payload)
    {
        try
        {
            onRow(index, payload);
            return true;
        }
        catch (Exception e)
        {
            Fail(e);
            return false;
        }
    }

    public void Complete(ClusterStats stats) => _done.TrySetResult(stats);

    public void Fail(Exception e) => _done.TrySetException(e);

    public void Cancel() => _done.TrySetCanceled();
}
