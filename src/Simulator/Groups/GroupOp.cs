namespace Sim.Simulator.Groups;

/// <summary>What a user does in a group world.</summary>
public enum GroupOpKind
{
    /// <summary>Send an application message of <see cref="GroupOp.PayloadBytes"/>.</summary>
    Send,
    /// <summary>Commit a fresh leaf (PCS).</summary>
    Update,
    /// <summary>Add <see cref="GroupOp.Target"/>.</summary>
    Add,
    /// <summary>Remove <see cref="GroupOp.Target"/>.</summary>
    Remove,
    /// <summary>Go offline for <see cref="GroupOp.DurationMs"/>: receive nothing, send nothing.</summary>
    Offline,
}

/// <summary>One user action at a virtual time.</summary>
public sealed record GroupOp(long AtMs, string Member, GroupOpKind Kind)
{
    public string? Target { get; init; }
    public long DurationMs { get; init; }
    public int PayloadBytes { get; init; } = 32;

    public override string ToString() => Kind switch
    {
        GroupOpKind.Send => $"{AtMs}:{Member}:send:{PayloadBytes}",
        GroupOpKind.Offline => $"{AtMs}:{Member}:offline:{DurationMs}",
        GroupOpKind.Update => $"{AtMs}:{Member}:update",
        _ => $"{AtMs}:{Member}:{Kind.ToString().ToLowerInvariant()}:{Target}",
    };
}
