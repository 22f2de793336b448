namespace Sim.Simulator.Agents;

/// <summary>
/// What the users do in a world's safety phase: a list of <see cref="ScriptOp"/>s run in order,
/// starting at virtual time 0; <see cref="ScriptOp.Wait"/> advances the time of the ops after it.
/// </summary>
public sealed record UserScript(IReadOnlyList<ScriptOp> Ops)
{
    public static readonly UserScript Empty = new([]);

    public static UserScript Of(params ScriptOp[] ops) => new(ops);

    /// <summary>Each op with the virtual time it runs at (waits included, at the time they start).</summary>
    public IEnumerable<(long AtMs, ScriptOp Op)> Timed()
    {
        long t = 0;
        foreach (var op in Ops)
        {
            yield return (t, op);
            if (op is ScriptOp.Wait w) t += Math.Max(0, w.DurationMs);
        }
    }

    /// <summary>The virtual time after the last op (the sum of the waits).</summary>
    public long DurationMs => Ops.OfType<ScriptOp.Wait>().Sum(w => Math.Max(0, w.DurationMs));

    public string Describe() => "[" + string.Join(" ", Ops.Select(o => o.Describe())) + "]";

    public override string ToString() => Describe();

    public bool Equals(UserScript? other) => other is not null && Ops.SequenceEqual(other.Ops);

    public override int GetHashCode() => Ops.Count;
}
