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

    /// <summary>Every preset, by label (the command's --strategies takes these labels).</summary>
    public static IReadOnlyList<CompareStrategy> Presets { get; } =
    [
        new("pairmls", PairMlsProtocol.DefaultName),
        new("pairmls-R0", PairMlsProtocol.DefaultName, RetentionWindow: 0),
        new("pairmls-no-empty-commit", ProtocolCatalog.NoEmptyCommitName),
        new("pairmls-hostile-relay", PairMlsProtocol.DefaultName, WithholdAliceCommits),
        new("statickeys", StaticKeysProtocol.DefaultName),
        new("centralds-honest", MlsPairProtocol.CentralDsName, DeliveryServicePolicy.Honest),
        new("centralds-malicious", MlsPairProtocol.CentralDsName, WithholdAliceCommits),
        new("selfcommit", MlsPairProtocol.SelfCommitName),
    ];

    public static IReadOnlyList<string> Labels => Presets.Select(p => p.Label).ToList();

    public static CompareStrategy Named(string label) =>
        Presets.FirstOrDefault(p => p.Label == label) ?? throw new ArgumentException($"unknown strategy '{label}' (known: {string.Join(", ", Labels)})");

    public IConversationProtocol Create(ushort suite) => ProtocolCatalog.Create(Protocol, suite, RetentionWindow);

    /// <summary>What the strategy is, in a few words, for the report.</summary>
    public string Description => Label switch
    {
        "pairmls" => "PairMLS (R = 2), peer to peer",
        "pairmls-R0" => "PairMLS with R = 0 (no past epoch kept)",
        "pairmls-no-empty-commit" => "PairMLS without the acceptor's random empty commit (w always 1)",
        "pairmls-hostile-relay" => "PairMLS through a relay that withholds every commit of Alice's it can find",
        "statickeys" => "HPKE to the peer's long-term key + signatures, no updates",
        "centralds-honest" => "two-member RFC 9420 group, honest server orders commits",
        "centralds-malicious" => "the same, server withholds Alice's commits",
        "selfcommit" => "two-member RFC 9420 group, each party commits its own update into its own epochs",
        _ => Protocol,
    };
}
