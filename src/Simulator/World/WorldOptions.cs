using System.Globalization;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Simulator;

/// <summary>
/// Everything that decides a world (TigerBeetle VOPR style: units in the names, one root seed). The
/// same options give the same trace, byte for byte. <see cref="Describe"/> is the first trace event
/// and the one line that reproduces the world.
/// </summary>
public sealed record WorldOptions
{
    /// <summary>The root seed: every key, delay, fault decision and payload derives from it (<see cref="WorldSeeds"/>).</summary>
    public ulong Seed { get; init; }

    /// <summary>The MLS cipher suite of the conversation (RFC 9420 §17.1, 1..7).</summary>
    public ushort Suite { get; init; } = 1;

    /// <summary>R: past epochs whose application secrets each party keeps (PAIRMLS.md "Receiving").</summary>
    public int RetentionWindow { get; init; } = 2;

    /// <summary>
    /// The conversation protocol both parties run (<see cref="Protocols.ProtocolCatalog"/>): PairMLS unless
    /// set.
    /// </summary>
    public string Protocol { get; init; } = Protocols.PairMlsProtocol.DefaultName;

    /// <summary>
    /// The delivery service between the parties: null for a protocol without one (PairMLS goes peer to
    /// peer), an honest one for "centralds" unless set. Set for PairMLS, it is a relay that forwards its
    /// sealed datagrams (the same adversary placed on PairMLS's transport).
    /// </summary>
    public Service.DeliveryServicePolicy? DeliveryService { get; init; }

    /// <summary>The network's faults during the safety phase (the liveness phase has none).</summary>
    public FaultProfile FaultProfile { get; init; } = FaultProfile.None;

    /// <summary>What the users do during the safety phase.</summary>
    public UserScript UserScript { get; init; } = UserScript.Empty;

    /// <summary>When the safety phase ends; null: the script's duration plus <see cref="SettleMs"/>. Script ops after it do not run.</summary>
    public long? SafetyPhaseEndMs { get; init; }

    /// <summary>Time after the script's last op before the safety phase ends (when <see cref="SafetyPhaseEndMs"/> is null).</summary>
    public long SettleMs { get; init; } = 2_000;

    /// <summary>Liveness: round trips (each party's message Delivered at the other) that end the phase.</summary>
    public int LivenessRoundTrips { get; init; } = 2;

    /// <summary>Liveness: at most this many sends (both parties together), however the round trips went.</summary>
    public int LivenessMaxSends { get; init; } = 16;

    /// <summary>Liveness: at most this much virtual time.</summary>
    public long LivenessBudgetMs { get; init; } = 60_000;

    /// <summary>Size of the payloads the liveness phase sends (the script names its own).</summary>
    public int PayloadSizeBytes { get; init; } = 32;

    /// <summary>
    /// Saved states a party's disk keeps (how deep a <see cref="ScriptOp.Restore"/> can go). Only the bytes of
    /// the saves the script's restores can reach are held in memory (<see cref="PartyConfig.DiskReach"/>).
    /// </summary>
    public int DiskHistory { get; init; } = 32;

    /// <summary>Datagrams per link the network remembers for replays (held only when the fault profile can replay).</summary>
    public int NetworkMemory { get; init; } = 32;

    /// <summary>
    /// Keep the trace's JSON Lines text (for --trace files). The trace is held as its JSON Lines bytes
    /// either way (<see cref="Trace.TraceLog"/>), so the text is always available; the option stays
    /// because it is part of the options line (and so of the trace hash).
    /// </summary>
    public bool KeepTraceText { get; init; } = true;

    /// <summary>
    /// Copies of a party's saved state to take during the run (<see cref="WorldResult.Captures"/>).
    /// Observation only: nothing in the world changes and no trace event is written, but like every
    /// option they are named in <see cref="Describe"/> (so the Options event, and the trace hash, say so).
    /// </summary>
    public IReadOnlyList<StateCapture> Captures { get; init; } = [];

    /// <summary>Keep the bytes of every datagram the parties send (<see cref="WorldResult.Datagrams"/>). Observation only, like <see cref="Captures"/>.</summary>
    public bool KeepDatagrams { get; init; }

    /// <summary>When the safety phase ends.</summary>
    public long EffectiveSafetyPhaseEndMs => SafetyPhaseEndMs ?? UserScript.DurationMs + SettleMs;

    /// <summary>Every option on one line, starting with SEED= (the Options trace event).</summary>
    public string Describe() => string.Join(" ", Fields());

    private IEnumerable<string> Fields()
    {
        yield return $"SEED={I(Seed)}";
        yield return $"protocol={Protocol}";
        yield return $"delivery_service={{{DeliveryService?.Describe() ?? "none"}}}";
        foreach (var f in Rest()) yield return f;
    }

    private IEnumerable<string> Rest() => [
        $"suite={I(Suite)}",
        $"retention_window={I(RetentionWindow)}",
        $"safety_phase_end_ms={I(EffectiveSafetyPhaseEndMs)}{(SafetyPhaseEndMs is null ? "(derived)" : "")}",
        $"settle_ms={I(SettleMs)}",
        $"liveness_round_trips={I(LivenessRoundTrips)}",
        $"liveness_max_sends={I(LivenessMaxSends)}",
        $"liveness_budget_ms={I(LivenessBudgetMs)}",
        $"payload_size_bytes={I(PayloadSizeBytes)}",
        $"disk_history={I(DiskHistory)}",
        $"network_memory={I(NetworkMemory)}",
        $"keep_trace_text={(KeepTraceText ? "true" : "false")}",
        $"captures=[{string.Join(" ", Captures.Select(c => $"{c.Party.Name()}@{I(c.AtMs)}"))}]",
        $"keep_datagrams={(KeepDatagrams ? "true" : "false")}",
        $"faults={{{FaultProfile.Describe()}}}",
        $"script={UserScript.Describe()}"];

    public override string ToString() => Describe();

    private static string I<T>(T v) where T : IFormattable => v.ToString(null, CultureInfo.InvariantCulture);
}
