using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Generators;

/// <summary>
/// One world to run: (seed, fault profile, user script) and the options that matter (retention
/// window R, cipher suite), plus, for the FS/PCS property, the moment an attacker copies a party's
/// saved state. <see cref="Format"/> gives one line of text and <see cref="Parse"/> reads it back
/// exactly, so a failure prints the one command that replays it:
/// <c>pairsim replay --scenario "&lt;text&gt;"</c> (grammar: <see cref="ScenarioText"/>).
/// </summary>
public sealed record Scenario(ulong Seed, FaultProfile Faults, IReadOnlyList<ScriptOp> Script)
{
    /// <summary>R (PAIRMLS.md "Receiving"): past epochs whose application secrets each party keeps.</summary>
    public int RetentionWindow { get; init; } = 2;

    /// <summary>The MLS cipher suite (RFC 9420 §17.1, 1..7).</summary>
    public ushort Suite { get; init; } = 1;

    /// <summary>Quiet time after the script's last op before the faults stop and the liveness phase starts (virtual ms; WorldOptions.SettleMs).</summary>
    public long SettleMs { get; init; } = DefaultSettleMs;

    /// <summary>The settle time a scenario has unless its text says settle=N (the world's default).</summary>
    public static readonly long DefaultSettleMs = new WorldOptions().SettleMs;

    /// <summary>FS/PCS: when the attacker copies whose saved state; null: no attacker.</summary>
    public StateCapture? Capture { get; init; }

    public static Scenario Calm(ulong seed, params ScriptOp[] script) => new(seed, FaultProfile.None, script);

    /// <summary>
    /// The world this scenario describes (with the capture and the datagram bytes the FS/PCS attacker
    /// needs, if any). Always the same options for the same scenario: the Options line is part of the
    /// trace hash, so `check`, `run` and `replay` agree on it.
    /// </summary>
    public WorldOptions ToWorldOptions() => new()
    {
        Seed = Seed,
        Suite = Suite,
        RetentionWindow = RetentionWindow,
        SettleMs = SettleMs,
        FaultProfile = Faults,
        UserScript = new UserScript(Script),
        KeepTraceText = true,
        Captures = Capture is { } c ? [c] : [],
        KeepDatagrams = Capture is not null,
    };

    /// <summary>True when the script rolls a party back (<see cref="ScriptOp.Restore"/>): forks are then expected.</summary>
    public bool HasRestore => Script.Any(o => o is ScriptOp.Restore or ScriptOp.RestoreEpoch);

    /// <summary>The one-line text form (<see cref="ScenarioText"/>).</summary>
    public string Format() => ScenarioText.Format(this);

    /// <summary>Reads <see cref="Format"/>'s text back; <see cref="FormatException"/> (naming the token) if it is not a scenario.</summary>
    public static Scenario Parse(string text) => ScenarioText.Parse(text);

    public override string ToString() => Format();

    // Structural equality: the lists compare element by element (a record alone would compare them by reference).
    public bool Equals(Scenario? other) =>
        other is not null && Seed == other.Seed && RetentionWindow == other.RetentionWindow && Suite == other.Suite && SettleMs == other.SettleMs
        && Capture == other.Capture && SameFaults(Faults, other.Faults) && Script.SequenceEqual(other.Script);

    public override int GetHashCode() => HashCode.Combine(Seed, RetentionWindow, Suite, Script.Count, Faults.Windows.Count, Faults.Partitions.Count);

    internal static bool SameFaults(FaultProfile a, FaultProfile b) =>
        a.AliceToBob == b.AliceToBob && a.BobToAlice == b.BobToAlice
        && a.Windows.SequenceEqual(b.Windows) && a.Partitions.SequenceEqual(b.Partitions);
}
