namespace Sim.Scenarios.Tests.Cluster;

/// <summary>
/// Two `pairsim node --role worker --parallel 1` processes on 127.0.0.1 shared by the cluster tests
/// that only need a working cluster (the sweep, groups and compare reports), started on first use
/// (the seed on a free port chosen then, the other on port 0) and killed when the collection ends.
/// Each test's coordinator joins and leaves; the workers stay.
/// </summary>
public sealed class ClusterWorkers : IDisposable
{
    private readonly ClusterProcesses _nodes = new();
    private readonly Lazy<string> _seed;

    public ClusterWorkers()
    {
        _seed = new Lazy<string>(() =>
        {
            var seed = _nodes.Start("--role", "worker", "--port", $"{ClusterProcesses.FreePort()}", "--parallel", "1");
            _nodes.Start("--role", "worker", "--port", "0", "--seed-nodes", seed.Address, "--parallel", "1");
            return seed.Address;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The seed worker's address host:port (both workers are Up when this returns).</summary>
    public string Seed => _seed.Value;

    public void Dispose() => _nodes.Dispose();
}
