using System.Globalization;
using Akka.Actor;
using Akka.Configuration;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// Starts one cluster member's actor system (Akka.Cluster over Akka.Remote's TCP transport) and
/// joins it to the cluster. Roles: <see cref="Worker"/> runs worlds, <see cref="Coordinator"/> runs
/// none (a sweep process joins with it to hand out work; `pairsim node --role coordinator` is a
/// standing member that keeps a seed address alive while sweeps come and go).
/// </summary>
public static class ClusterNode
{
    public const string Worker = "worker";
    public const string Coordinator = "coordinator";
    public static readonly IReadOnlyList<string> Roles = [Coordinator, Worker];

    /// <summary>
    /// Failure detection: a member silent this long is unreachable. The coordinator then hands its
    /// unfinished worlds to others and downs it (no node downs anything else: see <see cref="Config"/>).
    /// Generous, because on a loaded machine a busy worker's heartbeats come late.
    /// </summary>
    public static readonly TimeSpan AcceptableHeartbeatPause = TimeSpan.FromSeconds(6);

    /// <summary>
    /// The node's configuration: quiet logging (the CLI prints its own lines), our serializer for
    /// <see cref="IClusterMessage"/>, no automatic downing (the coordinator downs a worker it gave up
    /// on; a split-brain resolver could down the coordinator itself in a two-member cluster).
    /// </summary>
    public static Config Config(string host, int port, string role) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = {{LogLevel}}
          stdout-loglevel = {{LogLevel}}
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
          actor {
            provider = cluster
            serializers { pairsim = "{{typeof(ClusterSerializer).AssemblyQualifiedName}}" }
            serialization-bindings { "{{typeof(IClusterMessage).AssemblyQualifiedName}}" = pairsim }
          }
          remote {
            log-remote-lifecycle-events = off
            dot-netty.tcp {
              hostname = "{{host}}"
              port = {{port.ToString(CultureInfo.InvariantCulture)}}
            }
          }
          cluster {
            roles = ["{{role}}"]
            log-info = off
            downing-provider-class = ""
            failure-detector.acceptable-heartbeat-pause = {{(int)AcceptableHeartbeatPause.TotalSeconds}}s
            run-coordinated-shutdown-when-down = on
          }
          coordinated-shutdown.exit-clr = off
        }
        """);

    /// <summary>Akka's own log level: ERROR unless the environment variable PAIRSIM_CLUSTER_LOG names another (DEBUG, INFO, WARNING) to see what the cluster does.</summary>
    public static string LogLevel => Environment.GetEnvironmentVariable("PAIRSIM_CLUSTER_LOG") is { } v && v.ToUpperInvariant() is "DEBUG" or "INFO" or "WARNING" or "ERROR" or "OFF" ? v.ToUpperInvariant() : "ERROR";

    /// <summary>Starts the member and asks to join: the seed nodes, or (none given) itself, which forms a new cluster.</summary>
    public static ActorSystem Start(string host, int port, string role, IReadOnlyList<SeedNode> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var system = ActorSystem.Create(SeedNode.SystemName, Config(host, port, role));
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);
        else cluster.JoinSeedNodes(seeds.Select(s => s.ToAddress()));
        return system;
    }
}
