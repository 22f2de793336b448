using System.Globalization;
using Akka.Actor;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// A cluster member's address as typed on the command line: <c>host:port</c> (or Akka's full form
/// <c>akka.tcp://pairsim@host:port</c>). Every pairsim node's actor system is called
/// <see cref="SystemName"/>, so host and port say it all.
/// </summary>
public sealed record SeedNode(string Host, int Port)
{
    public const string SystemName = "pairsim";
    public const string Protocol = "akka.tcp";

    public Address ToAddress() => new(Protocol, SystemName, Host, Port);

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses one address; a bad one throws <see cref="FormatException"/> naming it.</summary>
    public static SeedNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var prefix = $"{Protocol}://{SystemName}@";
        if (s.StartsWith(prefix, StringComparison.Ordinal)) s = s[prefix.Length..];
        else if (s.Contains("://", StringComparison.Ordinal))
            throw new FormatException($"'{text}' is not a pairsim node address (give host:port or {prefix}host:port)");
        int colon = s.LastIndexOf(':');
        if (colon <= 0 || colon == s.Length - 1) throw new FormatException($"'{text}' is not a node address host:port");
        var host = s[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1]; // [::1]:4053
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            throw new FormatException($"'{text}': '{host}' is not a host name or IP address");
        if (!int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new FormatException($"'{text}': '{s[(colon + 1)..]}' is not a port (1..65535)");
        return new SeedNode(host, port);
    }

    /// <summary>A comma list of addresses (at least one).</summary>
    public static IReadOnlyList<SeedNode> ParseList(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var list = tokens.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(Parse).ToList();
        if (list.Count == 0) throw new FormatException("give at least one node address host:port");
        return list;
    }
}
