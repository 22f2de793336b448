using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Sim.Scenarios.Cluster;

namespace Sim.Scenarios.Cli;

/// <summary>
/// The options of `pairsim node` and of `--cluster` on the commands that can farm their worlds out:
/// node addresses, port, host, role. Each is checked while parsing: a bad value is exit 64 naming it.
/// </summary>
public static class ClusterOptions
{
    /// <summary>A comma list of node addresses host:port.</summary>
    public static Option<IReadOnlyList<SeedNode>?> Nodes(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "host:port,...",
        CustomParser = r =>
        {
            try { return SeedNode.ParseList(r.Tokens.Select(t => t.Value)); }
            catch (FormatException e) { r.AddError($"{name}: {e.Message}"); return null; }
        },
    };

    /// <summary>A TCP port 0..65535 (0: any free port, printed when the node is up).</summary>
    public static Option<int> Port(string name, int defaultPort) => new(name)
    {
        Description = $"TCP port to listen on (0: any free port; default {defaultPort.ToString(CultureInfo.InvariantCulture)})",
        HelpName = "P",
        DefaultValueFactory = _ => defaultPort,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(' ', r.Tokens.Select(t => t.Value));
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535) return port;
            r.AddError($"{name}: '{text}' is not a TCP port (0..65535)");
            return 0;
        },
    };

    /// <summary>The host name or IP address other members reach this one at.</summary>
    public static Option<string> Host(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "HOST",
        DefaultValueFactory = _ => "127.0.0.1",
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (IPAddress.TryParse(text, out _) || Uri.CheckHostName(text) == UriHostNameType.Dns) return text;
            r.AddError($"{name}: '{text}' is not a host name or IP address");
            return "";
        },
    };

    /// <summary>--role coordinator|worker.</summary>
    public static Option<string> Role() => new("--role")
    {
        Description = "worker: runs the worlds the coordinators hand out; coordinator: runs none (a standing member whose address stays a seed while sweeps come and go)",
        HelpName = string.Join('|', ClusterNode.Roles),
        DefaultValueFactory = _ => ClusterNode.Worker,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(' ', r.Tokens.Select(t => t.Value));
            if (ClusterNode.Roles.Contains(text)) return text;
            r.AddError($"--role: '{text}' is not a role (give {string.Join(" or ", ClusterNode.Roles)})");
            return "";
        },
    };

    /// <summary>--cluster NODES on sweep (and --cluster-host for the coordinator's own address).</summary>
    public static Option<IReadOnlyList<SeedNode>?> Cluster() =>
        Nodes("--cluster", "Run the worlds on a pairsim cluster instead of here: the seed nodes' addresses (pairsim node); this process joins as the coordinator, hands out the worlds and writes the same results and report");

    public static Option<string> ClusterHost() =>
        Host("--cluster-host", "With --cluster: this machine's address as the workers reach it (default 127.0.0.1: workers on this machine only)");
}
