namespace Sim.Simulator.Trace;

/// <summary>
/// The trace's JSON Lines schema version, written in the first (options) line as "schema". Version
/// 2: one record per event kind with typed fields (no key=value Detail text); version 1 traces
/// (before that) are refused by the reader with an error that says so.
/// </summary>
public static class TraceSchema
{
    public const int Version = 2;
}
