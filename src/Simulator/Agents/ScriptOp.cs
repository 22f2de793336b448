using System.Globalization;

namespace Sim.Simulator.Agents;

/// <summary>
/// One step of a <see cref="UserScript"/>: what a user (or the environment) does to a party. Ops run
/// in order at the script's current virtual time; only <see cref="Wait"/> advances that time. An op
/// that does not apply when it runs (sending before joining, restoring further back than the disk
/// holds, crashing a party that is down) is a no-op, so scripts shrink well.
/// </summary>
public abstract record ScriptOp
{
    private ScriptOp() { }

    /// <summary>The party sends a message of <paramref name="PayloadBytes"/> bytes (at least 8: the payload id).</summary>
    public sealed record Send(Party Party, int PayloadBytes = 32) : ScriptOp;

    /// <summary>The party edits its card (next version, new display name) and sends a message carrying the edit.</summary>
    public sealed record SendWithCardEdit(Party Party, int PayloadBytes = 32) : ScriptOp;

    /// <summary>The party rolls over to a new agent (with succession) and sends a message carrying it.</summary>
    public sealed record RollOverAgent(Party Party, int PayloadBytes = 32) : ScriptOp;

    /// <summary>The party loses the network for <paramref name="DurationMs"/>: what it sends or is delivered meanwhile is lost.</summary>
    public sealed record GoOffline(Party Party, long DurationMs) : ScriptOp;

    /// <summary>The party crashes (loses its memory) and restarts from its last saved state after <paramref name="DownMs"/>.</summary>
    public sealed record Crash(Party Party, long DownMs) : ScriptOp;

    /// <summary>
    /// The party's next Send (or next Receive that changes its state) crashes at <paramref name="Point"/>, inside
    /// it: the party actor fails, its supervisor restarts it and it reloads its last persisted state.
    /// </summary>
    public sealed record CrashAt(Party Party, CrashPoint Point) : ScriptOp;

    /// <summary>
    /// The party is rolled back to the state it saved <paramref name="Depth"/> saves (sends, deliveries) ago;
    /// newer saves are lost. This can make it commit twice for one epoch (a fork the checkers must catch).
    /// The depth counts from either end: 0 is the newest save, a negative depth counts from the oldest
    /// save the disk holds (-1 is the oldest); out of range is a no-op.
    /// </summary>
    public sealed record Restore(Party Party, int Depth) : ScriptOp;

    /// <summary>
    /// The party is rolled back to the newest save at least <paramref name="EpochsBack"/> epochs older than its newest
    /// save (0: the newest save; negative counts from the oldest epoch the disk holds, -1 being that epoch); newer saves
    /// are lost; out of range is a no-op.
    /// </summary>
    public sealed record RestoreEpoch(Party Party, int EpochsBack) : ScriptOp;

    /// <summary>
    /// The party sends <paramref name="Count"/> messages of <paramref name="PayloadBytes"/> bytes back to back, at
    /// one virtual instant: the way to a long epoch (more datagrams in one epoch than the maximum forward
    /// distance, RFC 9420 §9.2) without a script of thousands of ops.
    /// </summary>
    public sealed record Burst(Party Party, int Count, int PayloadBytes = 8) : ScriptOp;

    /// <summary>Virtual time passes.</summary>
    public sealed record Wait(long DurationMs) : ScriptOp;

    /// <summary>A compact, stable description for the options line, e.g. "send(bob,32)".</summary>
    public string Describe() => this switch
    {
        Send s => $"send({s.Party.Name()},{I(s.PayloadBytes)})",
        SendWithCardEdit s => $"edit({s.Party.Name()},{I(s.PayloadBytes)})",
        RollOverAgent s => $"rollover({s.Party.Name()},{I(s.PayloadBytes)})",
        GoOffline s => $"offline({s.Party.Name()},{I(s.DurationMs)})",
        Crash s => $"crash({s.Party.Name()},{I(s.DownMs)})",
        CrashAt s => $"crashat({s.Party.Name()},{s.Point.Name()})",
        Restore s => $"restore({s.Party.Name()},{I(s.Depth)})",
        RestoreEpoch s => $"restoreepoch({s.Party.Name()},{I(s.EpochsBack)})",
        Wait s => $"wait({I(s.DurationMs)})",
        Burst s => s.PayloadBytes == 8 ? $"burst({s.Party.Name()},{I(s.Count)})" : $"burst({s.Party.Name()},{I(s.Count)},{I(s.PayloadBytes)})",
        _ => throw new InvalidOperationException($"unknown op {GetType().Name}"),
    };

    public override string ToString() => Describe();

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
