using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// Facts several checkers derive from a trace the same way: who owns which epoch, which datagram
/// each Send produced, which delivered bytes were altered by the network, which Outcome answers
/// which Deliver, and the State events that close the liveness phase.
/// </summary>
internal static class TraceFacts
{
    public const string Alice = "alice";
    public const string Bob = "bob";
    public const string Inviter = "inviter";
    public const string Acceptor = "acceptor";
    public const string Delivered = "Delivered";
    public const string Duplicate = "Duplicate";
    public const string Expired = "Expired";
    public const string RejectedFork = "Rejected:Fork";

    public static string? PeerOf(string? party) => party switch { Alice => Bob, Bob => Alice, _ => null };

    /// <summary>The Send that produced each datagram id (the first one, if bytes ever repeat).</summary>
    public static Dictionary<string, TraceEvent> SendsByDatagram(IReadOnlyList<TraceEvent> trace)
    {
        var sends = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        foreach (var e in trace)
            if (e.Kind == TraceKind.Send && e.Datagram is { } id) sends.TryAdd(id, e);
        return sends;
    }

    /// <summary>The id of the bytes a Fault event says will be delivered: Detail "deliver=&lt;id&gt;", else the original id.</summary>
    public static string? NewId(TraceEvent fault) => DetailFields.Get(fault.Detail, "deliver") ?? fault.Datagram;

    /// <summary>Ids of bytes the network made or changed (corrupt, inject), each with its Fault event.</summary>
    public static Dictionary<string, TraceEvent> AlteredDatagrams(IReadOnlyList<TraceEvent> trace)
    {
        var altered = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        foreach (var e in trace)
            if (e.Kind == TraceKind.Fault && e.Fault is "corrupt" or "inject" && DetailFields.Get(e.Detail, "deliver") is { } id)
                altered.TryAdd(id, e);
        return altered;
    }

    /// <summary>
    /// Each Outcome paired with the Deliver it answers: the latest Deliver to the same party that no
    /// Outcome answered yet. A Deliver with no Outcome (the party was offline or down) is absent.
    /// </summary>
    public static List<(TraceEvent Deliver, TraceEvent Outcome)> Receipts(IReadOnlyList<TraceEvent> trace)
    {
        var pending = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        var receipts = new List<(TraceEvent, TraceEvent)>();
        foreach (var e in trace)
        {
            if (e.Party is not { } party) continue;
            if (e.Kind == TraceKind.Deliver) pending[party] = e;
            else if (e.Kind == TraceKind.Outcome && pending.Remove(party, out var deliver)) receipts.Add((deliver, e));
        }
        return receipts;
    }

    /// <summary>The Phase event that starts the liveness phase, or null.</summary>
    public static TraceEvent? LivenessStart(IReadOnlyList<TraceEvent> trace) =>
        trace.LastOrDefault(e => e.Kind == TraceKind.Phase && e.Detail is { } d && d.Trim().Equals("liveness", StringComparison.OrdinalIgnoreCase));

    /// <summary>Each party's last State event after the liveness phase started.</summary>
    public static Dictionary<string, TraceEvent> FinalStates(IReadOnlyList<TraceEvent> trace)
    {
        var states = new Dictionary<string, TraceEvent>(StringComparer.Ordinal);
        var start = LivenessStart(trace);
        if (start is null) return states;
        bool after = false;
        foreach (var e in trace)
        {
            if (ReferenceEquals(e, start)) after = true;
            else if (after && e.Kind == TraceKind.State && e.Party is { } p) states[p] = e;
        }
        return states;
    }

    /// <summary>Whether the trace records any fault at all: a network Fault or a party crash, restore or offline spell.</summary>
    public static bool AnyFault(IReadOnlyList<TraceEvent> trace) =>
        trace.Any(e => e.Kind is TraceKind.Fault or TraceKind.Crash or TraceKind.Restart or TraceKind.Restore or TraceKind.Offline);
}

/// <summary>
/// Epoch ownership (PAIRMLS.md "Steady state"): the acceptor owns the epochs with the parity of the
/// welcome epoch w, the inviter the other parity. Read from the Joined events.
/// </summary>
internal sealed class Ownership
{
    private readonly Dictionary<string, string> _roles = new(StringComparer.Ordinal);

    public ulong? WelcomeEpoch { get; private set; }

    /// <summary>The first Joined event whose welcome epoch disagrees with an earlier one, if any.</summary>
    public TraceEvent? Disagreement { get; private set; }

    public static Ownership Of(IReadOnlyList<TraceEvent> trace)
    {
        var o = new Ownership();
        foreach (var e in trace)
        {
            if (e.Kind != TraceKind.Joined || e.Party is not { } party) continue;
            if (DetailFields.Get(e.Detail, "role") is { } role) o._roles[party] = role.ToLowerInvariant();
            if (DetailFields.GetUInt64(e.Detail, "welcome_epoch") is { } w)
            {
                if (o.WelcomeEpoch is null) o.WelcomeEpoch = w;
                else if (o.WelcomeEpoch != w) o.Disagreement ??= e;
            }
        }
        return o;
    }

    /// <summary>The party's role from its Joined event, else the convention (alice invites, bob accepts).</summary>
    public string RoleOf(string party) =>
        _roles.TryGetValue(party, out var r) ? r : party == TraceFacts.Bob ? TraceFacts.Acceptor : TraceFacts.Inviter;

    /// <summary>The party that owns <paramref name="epoch"/>, or null when the welcome epoch is unknown.</summary>
    public string? OwnerOf(ulong epoch)
    {
        if (WelcomeEpoch is not { } w) return null;
        var role = epoch % 2 == w % 2 ? TraceFacts.Acceptor : TraceFacts.Inviter;
        foreach (var p in new[] { TraceFacts.Alice, TraceFacts.Bob })
            if (RoleOf(p) == role) return p;
        return null;
    }
}
