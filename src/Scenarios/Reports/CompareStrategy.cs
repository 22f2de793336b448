using Sim.Simulator.Agents;
using Sim.Simulator.Protocols;
using Sim.Simulator.Service;

namespace Sim.Scenarios.Reports;

/// <summary>
/// One strategy of `pairsim compare`: a protocol (<see cref="ProtocolCatalog"/>), the delivery service
/// (or relay) its datagrams cross, if any, and its retention window R. PAIRMLS.md "Baselines".
/// </summary>
public sealed record CompareStrategy(string Label, string Protocol, DeliveryServicePolicy? DeliveryService = null, int RetentionWindow = 2)
{
    /// <summary>The server (or, for PairMLS, the relay on its transport) withholds every commit of Alice's it can recognise.</summary>
    public static readonly DeliveryServicePolicy WithholdAliceCommits = new() { Malice = DsMalice.WithholdCommits, Victim = Party.Alice };

    /// <summary>The server holds each of Alice's commits for 400 ms before ordering it (longer than a turn of the chat).</summary>
    public static readonly DeliveryServicePolicy DelayAliceCommits = new() { Malice = DsMalice.DelayCommits, Victim = Party.Alice, DelayMs = 400 };

    /// <summary>The server drops everything of Alice's from the theft on (450 ms, the default --theft-ms).</summary>
    public static readonly DeliveryServicePolicy WithholdAllOfAlice = new() { Malice = DsMalice.WithholdAll, Victim = Party.Alice, FromMs = 450 };

    /// <summary>The server is unreachable for everyone from 600 to 1100 ms (datagrams to it are lost).</summary>
    public static readonly DeliveryServicePolicy UnreachableAWhile = new() { UnreachableFromMs = 600, UnreachableToMs = 1100 };

    /// <summary>Every preset, by label (the command's --strategies takes these labels, and pairmls-R&lt;n&gt; for any R: <see cref="WithRetention"/>).</summary>
    public static IReadOnlyList<CompareStrategy> Presets { get; } =
    [
        new("pairmls", PairMlsProtocol.DefaultName),
        new("pairmls-no-empty-commit", ProtocolCatalog.NoEmptyCommitName),
        new("pairmls-newest-header-key", ProtocolCatalog.NewestHeaderKeyName),
        new("pairmls-hostile-relay", PairMlsProtocol.DefaultName, WithholdAliceCommits),
        new("statickeys", StaticKeysProtocol.DefaultName),
        new("centralds-honest", MlsPairProtocol.CentralDsName, DeliveryServicePolicy.Honest),
        new("centralds-malicious", MlsPairProtocol.CentralDsName, WithholdAliceCommits),
        new("centralds-delaying", MlsPairProtocol.CentralDsName, DelayAliceCommits),
        new("centralds-withhold-all", MlsPairProtocol.CentralDsName, WithholdAllOfAlice),
        new("centralds-unreachable", MlsPairProtocol.CentralDsName, UnreachableAWhile),
        new("selfcommit", MlsPairProtocol.SelfCommitName),
    ];

    public static IReadOnlyList<string> Labels => Presets.Select(p => p.Label).ToList();

    /// <summary>The label prefix of PairMLS with another retention window R (`--r`): pairmls-R0, pairmls-R4, ...</summary>
    public const string RetentionPrefix = "pairmls-R";

    /// <summary>The largest R the R axis takes (PairOptions takes any; past a few epochs nothing more changes in a 16-message chat).</summary>
    public const int MaxRetention = 64;

    /// <summary>PairMLS with retention window <paramref name="r"/>, labelled pairmls-R&lt;r&gt;.</summary>
    public static CompareStrategy WithRetention(int r) =>
        r is < 0 or > MaxRetention ? throw new ArgumentException($"R = {r} is not in 0..{MaxRetention}") : new($"{RetentionPrefix}{r}", PairMlsProtocol.DefaultName, RetentionWindow: r);

    public static CompareStrategy Named(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (Presets.FirstOrDefault(p => p.Label == label) is { } preset) return preset;
        var digits = label.StartsWith(RetentionPrefix, StringComparison.Ordinal) ? label[RetentionPrefix.Length..] : null;
        if (digits is { Length: > 0 and <= 2 } && digits.All(char.IsAsciiDigit) && (digits.Length == 1 || digits[0] != '0'))
            return WithRetention(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture));
        throw new ArgumentException($"unknown strategy '{label}' (known: {string.Join(", ", Labels)}, {RetentionPrefix}<R> for R in 0..{MaxRetention})");
    }

    public IConversationProtocol Create(ushort suite) => ProtocolCatalog.Create(Protocol, suite, RetentionWindow);

    /// <summary>What the strategy is, in a few words, for the report.</summary>
    public string Description => Label switch
    {
        "pairmls" => "PairMLS (R = 2), peer to peer",
        "pairmls-no-empty-commit" => "PairMLS without the acceptor's random empty commit (w always 1)",
        "pairmls-newest-header-key" => "PairMLS sealing epoch k under the header key from k instead of k−1: the peer still in k−1 cannot open the datagram carrying the commit it needs",
        "pairmls-hostile-relay" => "PairMLS through a relay that withholds every commit of Alice's it can find",
        "statickeys" => "HPKE to the peer's long-term key + signatures, no updates",
        "centralds-honest" => "two-member RFC 9420 group, honest server orders commits",
        "centralds-malicious" => "the same, server withholds Alice's commits",
        "centralds-delaying" => "the same, server holds each of Alice's commits 400 ms before ordering it",
        "centralds-withhold-all" => "the same, server drops all of Alice's traffic from 450 ms on",
        "centralds-unreachable" => "the same, honest server unreachable from 600 to 1100 ms",
        "selfcommit" => "two-member RFC 9420 group, each party commits its own update into its own epochs",
        _ when Label.StartsWith(RetentionPrefix, StringComparison.Ordinal) => RetentionWindow == 0
            ? "PairMLS with R = 0 (no past epoch kept)"
            : $"PairMLS with R = {RetentionWindow} (past epochs whose application secrets are kept)",
        _ => Protocol,
    };
}
