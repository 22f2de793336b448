using System.CommandLine;
using Akka.Actor;
using Sim.Scenarios.Cluster;
using Sim.Simulator;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim node`: one member of a pairsim cluster (Akka.Cluster over TCP) until Ctrl-C. A worker runs
/// the worlds that a coordinator (`pairsim sweep --cluster …`) hands out, <c>--parallel</c> at once; a
/// coordinator node runs none and keeps a seed address alive. The first node is started without
/// --seed-nodes (it forms the cluster); the others name it. Exit 0 once stopped by Ctrl-C, 74 when the
/// node could not start or was removed from the cluster.
/// </summary>
public static class NodeCommand
{
    public static Command Build()
    {
        var role = ClusterOptions.Role();
        var port = ClusterOptions.Port("--port", 4053);
        var host = ClusterOptions.Host("--host", "The host name or IP address the other members reach this node at (default 127.0.0.1: this machine only)");
        var seeds = ClusterOptions.Nodes("--seed-nodes", "Members to join, host:port,... (default: none, this node forms a new cluster)");
        var parallel = new Option<int>("--parallel") { Description = "Worlds a worker runs at once", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
        var command = new Command("node", "Start a pairsim cluster member (Akka.Cluster) that runs the worlds of `pairsim sweep --cluster`, until Ctrl-C.")
        {
            role, port, host, seeds, parallel,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var io = CliIo.For(parse, json: false);
            return await Run(io, parse.GetValue(role)!, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(seeds) ?? [], parse.GetValue(parallel), cancel).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> Run(CliIo io, string role, string host, int port, IReadOnlyList<SeedNode> seeds, int parallel, CancellationToken cancel)
    {
        ActorSystem system;
        try { system = ClusterNode.Start(host, port, role, seeds); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw CliError.InputOutput($"node {host}:{port} could not start: {(e.InnerException ?? e).Message}", e);
        }
        var simulator = role == ClusterNode.Worker ? SimulatorActorSystem.Create("pairsim-node") : null;
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var self = cluster.SelfAddress;
            if (simulator is not null) system.ActorOf(WorkerActor.Props(parallel, simulator), WorkerActor.Name);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            var joining = seeds.Count == 0 ? "a new cluster" : string.Join(',', seeds);
            io.Output.WriteLine($"node {self.Host}:{self.Port}: joining {joining} as {role}");
            using var stop = new CancellationTokenSource();
            await using var onCancel = cancel.Register(stop.Cancel);
            // SIGTERM (kill PID, a service manager): leave the cluster cleanly, as on Ctrl-C.
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            var first = await Task.WhenAny(up.Task, system.WhenTerminated, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
            if (first == up.Task)
            {
                io.Output.WriteLine($"node {self.Host}:{self.Port} up: role {role}" + (simulator is null ? "" : $", {parallel} worlds at once") +
                                    $"; coordinators join with: pairsim sweep --cluster {self.Host}:{self.Port}");
                io.Output.Flush();
                await Task.WhenAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
            }
            if (system.WhenTerminated.IsCompleted && !stop.IsCancellationRequested)
                throw CliError.InputOutput($"node {self.Host}:{self.Port} was removed from the cluster (downed as unreachable, or its seed nodes refused it)");
            io.Output.WriteLine($"node {self.Host}:{self.Port}: leaving the cluster");
            return ExitCodes.Held;
        }
        finally
        {
            await ClusterFarm.Leave(system).ConfigureAwait(false);
            if (simulator is not null) await simulator.Terminate().ConfigureAwait(false);
        }
    }
}
