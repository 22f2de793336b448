namespace Sim.Simulator.Trace;

/// <summary>
/// Epoch ownership (PAIRMLS.md "Steady state"): the acceptor owns the epochs with the parity of the
/// welcome epoch w, the inviter the other parity. Read from the Joined events.
/// </summary>
public sealed class EpochOwnership
{
    private readonly Dictionary<string, string> _roles = new(StringComparer.Ordinal);

    public ulong? WelcomeEpoch { get; private set; }

    /// <summary>The first Joined event whose welcome epoch disagrees with an earlier one, if any.</summary>
    public JoinedEvent? Disagreement { get; private set; }

    public static EpochOwnership Of(IEnumerable<TraceEvent> trace)
    {
        var o = new EpochOwnership();
        foreach (var e in trace)
        {
            if (e is not JoinedEvent { Party: { } party } j) continue;
            o._roles[party] = j.Role;
            if (o.WelcomeEpoch is null) o.WelcomeEpoch = j.WelcomeEpoch;
            else if (o.WelcomeEpoch != j.WelcomeEpoch) o.Disagreement ??= j;
        }
        return o;
    }

    /// <summary>The party's role from its Joined event, else the convention (alice invites, bob accepts).</summary>
    public string RoleOf(string party) =>
        _roles.TryGetValue(party, out var r) ? r : party == TraceQuery.Bob ? JoinedEvent.Acceptor : JoinedEvent.Inviter;

    /// <summary>The party that owns <paramref name="epoch"/>, or null when the welcome epoch is unknown.</summary>
    public string? OwnerOf(ulong epoch)
    {
        if (WelcomeEpoch is not { } w) return null;
        var role = epoch % 2 == w % 2 ? JoinedEvent.Acceptor : JoinedEvent.Inviter;
        foreach (var p in new[] { TraceQuery.Alice, TraceQuery.Bob })
            if (RoleOf(p) == role) return p;
        return null;
    }
}
