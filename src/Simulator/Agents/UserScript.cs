namespace Sim.Simulator.Agents;

/// <summary>
/// What the users do in a world's safety phase: a list of <see cref="ScriptOp"/>s run in order,
/// starting at virtual time 0; <see cref="ScriptOp.Wait"/> advances the time of the ops after it.
/// </summary>
public sealed record UserScript(IReadOnlyList<ScriptOp> Ops)
{
    public static readonly UserScript Empty = new([]);

    public static UserScript Of(params ScriptOp[] ops) => new(ops);

    /// <summary>
    /// A plain chat of <paramref name="messages"/> messages: Bob writes first (his datagrams carry the
    /// Welcome Alice joins from), then they take turns, with <paramref name="gapMs"/> of virtual time
    /// after each message. An even count gives messages/2 each way.
    /// </summary>
    public static UserScript Chat(int messages, long gapMs = 50, int payloadBytes = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messages);
        ArgumentOutOfRangeException.ThrowIfNegative(gapMs);
        var ops = new List<ScriptOp>(2 * messages);
        for (int i = 0; i < messages; i++)
        {
            ops.Add(new ScriptOp.Send(i % 2 == 0 ? Party.Bob : Party.Alice, payloadBytes));
            ops.Add(new ScriptOp.Wait(gapMs));
        }
        return new UserScript(ops);
    }

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
