using System.Text.Json;
using Sim.Engine.Baselines;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Checks;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>Datagrams of one size in a world: how many carried a card edit and how many did not (for the size-threshold observer).</summary>
public sealed record SizeCount(int Size, int Edits, int Others);

/// <summary>
/// What one <see cref="CompareWorld"/> gave: the figures `pairsim compare` adds up into its tables,
/// computed from the world's own trace and datagrams right where it ran (the theft attack, the
/// observer's view of every datagram, the edit waits). Only <see cref="CpuMicros"/> depends on the
/// machine (<see cref="CpuShare"/>); every other field is the same wherever the world ran.
/// </summary>
public sealed record CompareRow(CompareWorld World, string TraceHash)
{
    // ---- chat: the thief of Alice's state (StateThief), delivery and cost
    public bool Healed { get; init; }
    /// <summary>False: Alice had saved no state by the theft (she had not joined yet), so nothing was stolen and the world says nothing about healing.</summary>
    public bool Stolen { get; init; } = true;
    public int? RoundTrips { get; init; }
    public double? HealSeconds { get; init; }
    public int EarlierPayloads { get; init; }
    public int EarlierOpened { get; init; }
    /// <summary>Bob's messages sent before the theft that Alice had not read yet (late or lost), and of those the ones the thief opened (<see cref="TheftReport.InFlightPayloads"/>).</summary>
    public int InFlightPayloads { get; init; }
    public int InFlightOpened { get; init; }
    /// <summary>The checkers of invariants the strategy claims (<see cref="Checkers.For"/>) that failed on the world's trace.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];
    /// <summary>User messages sent, and of those delivered at the peer.</summary>
    public int Sent { get; init; }
    public int Delivered { get; init; }
    /// <summary>
    /// Why messages were not delivered, counted over the arrivals of payload datagrams: refused for an epoch
    /// the receiver has not reached (the message overtook its commit, or its commit was lost: a baseline
    /// whose commit and message travel apart keeps no reorder buffer), and Expired (its keys are gone: R).
    /// </summary>
    public int EpochNotReached { get; init; }
    public int Expired { get; init; }
    public long Bytes { get; init; }
    public int Datagrams { get; init; }
    /// <summary>The process CPU while this world ran, its share (<see cref="CpuShare"/>), µs: the one figure that differs between runs.</summary>
    public double CpuMicros { get; init; }

    // ---- chat: what the network reads from the datagrams (DsView), counts out of Datagrams
    public int GroupIdVisible { get; init; }
    public int EpochVisible { get; init; }
    public int SenderLeafVisible { get; init; }
    public int KindVisible { get; init; }
    public IReadOnlyList<SizeCount> Sizes { get; init; } = [];
    /// <summary>What the delivery service saw (if the strategy has one): observations, with group id, with a readable kind.</summary>
    public int ServiceObserved { get; init; }
    public int ServiceGroupIdVisible { get; init; }
    public int ServiceKindVisible { get; init; }

    // ---- edit: Alice's card edits and how long each waited
    public int Edits { get; init; }
    public long? FirstEditWaitMs { get; init; }
    public long? SecondEditWaitMs { get; init; }

    // ---- parity: the observer named the acceptor
    public bool ObserverRight { get; init; }

    /// <summary>The row of a finished world (<paramref name="cpuMicros"/>: its CPU share).</summary>
    public static CompareRow Of(CompareWorld world, WorldResult result, double cpuMicros)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(result);
        var row = new CompareRow(world, result.TraceHash) { CpuMicros = cpuMicros };
        return world.Workload switch
        {
            CompareWorld.Chat => OfChat(row, world.Preset(), result),
            CompareWorld.Edit => OfEdit(row, result),
            CompareWorld.Parity => row with { ObserverRight = ObserverNamesTheAcceptor(result) },
            _ => throw new InvalidOperationException($"unknown workload '{world.Workload}'"),
        };
    }

    private static CompareRow OfChat(CompareRow row, CompareStrategy s, WorldResult w)
    {
        var theft = StateThief.Attack(s.Create(w.Options.Suite), w.Captures.Single(), w.Datagrams, w.Trace.Events, w.Options.Seed);
        var ids = w.Trace.Events.OfType<SendEvent>().Where(e => e.PayloadId is not null).Select(e => e.PayloadId!.Value).ToHashSet();
        var outcomes = w.Trace.Events.OfType<OutcomeEvent>().Where(e => e.PayloadId is { } p && ids.Contains(p)).ToList();
        int delivered = outcomes.Where(e => e.Result == OutcomeEvent.Delivered).Select(e => e.PayloadId).Distinct().Count();
        // A refusal names no payload (nothing was opened): its datagram does, as its sender handed it to the network.
        var carriesPayload = w.Datagrams.Where(d => d.PayloadId != 0).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var arrivals = w.Trace.Events.OfType<OutcomeEvent>().Where(e => e.Datagram is { } id && carriesPayload.Contains(id)).ToList();
        var views = w.Datagrams.Select(d => DsView.Of(d.Bytes)).ToList();
        // Card edits by size: every datagram a party sent, labelled by its own Send event (it names the card version it asks for).
        var edit = w.Trace.Events.OfType<SendEvent>().Where(e => e.CardVersion is not null || e.CardEdit).Select(e => e.Datagram).ToHashSet();
        var sizes = w.Datagrams.GroupBy(d => d.Bytes.Length).OrderBy(g => g.Key)
            .Select(g => new SizeCount(g.Key, g.Count(d => edit.Contains(d.Id)), g.Count(d => !edit.Contains(d.Id)))).ToList();
        var service = w.ServiceObservations;
        return row with
        {
            Healed = theft.Healed,
            Stolen = theft.Stolen,
            RoundTrips = theft.RoundTrips,
            HealSeconds = theft.HealSeconds,
            EarlierPayloads = theft.EarlierPayloads,
            EarlierOpened = theft.EarlierOpened,
            InFlightPayloads = theft.InFlightPayloads,
            InFlightOpened = theft.InFlightOpened,
            // Decryptability is stated for R ≥ 1 (PAIRMLS.md "Receiving"): at R = 0 what crosses a commit is Expired by design.
            Violations = [.. Checkers.Run(w.Trace.Events).Where(v => !v.Passed && !(v.Name == "Decryptability" && s.RetentionWindow == 0)).Select(v => v.Name)],
            Sent = ids.Count,
            Delivered = delivered,
            EpochNotReached = arrivals.Count(e => e.Result == OutcomeEvent.Rejected && e.Reason == nameof(Engine.Pair.RejectReason.UnknownEpoch)),
            Expired = arrivals.Count(e => e.Result == OutcomeEvent.Expired),
            Bytes = w.Datagrams.Sum(d => (long)d.Bytes.Length),
            Datagrams = w.Datagrams.Count,
            GroupIdVisible = views.Count(v => v.GroupId is not null),
            EpochVisible = views.Count(v => v.Epoch is not null),
            SenderLeafVisible = views.Count(v => v.SenderLeaf is not null),
            KindVisible = views.Count(v => v.Kind != DsKind.Opaque),
            Sizes = sizes,
            ServiceObserved = service.Count,
            ServiceGroupIdVisible = service.Count(o => o.View.GroupId is not null),
            ServiceKindVisible = service.Count(o => o.View.Kind != DsKind.Opaque),
        };
    }

    private static CompareRow OfEdit(CompareRow row, WorldResult w)
    {
        var waits = EditWaits.Of(w.Trace.Events).Where(x => x.Party == Party.Alice).ToList();
        return row with
        {
            Edits = waits.Count,
            FirstEditWaitMs = waits.Count > 0 ? waits[0].WaitMs : null,
            SecondEditWaitMs = waits.Count > 1 ? waits[1].WaitMs : null,
        };
    }

    /// <summary>
    /// The parity observer: an insider who reads the epoch of datagrams (a holder of header keys, or any
    /// member later) guesses that the party sending in odd epochs is the acceptor. Its guess is right when
    /// the acceptor's first message (in w) is in an odd epoch.
    /// </summary>
    private static bool ObserverNamesTheAcceptor(WorldResult r) =>
        r.Trace.Events.FirstOrDefault(e => e.Kind == TraceKind.Send && e.Party == Party.Bob.Name())?.Epoch is { } w && w % 2 == 1;

    /// <summary>The row as one JSON line (snake_case, as in worlds.jsonl and between cluster members).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, CompareWorld.Json);

    /// <summary>Reads <see cref="ToJson"/>'s text; anything else is a <see cref="FormatException"/>.</summary>
    public static CompareRow FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var row = JsonSerializer.Deserialize<CompareRow>(json, CompareWorld.Json) ?? throw new FormatException("a compare row is null");
            row.World.Validate();
            return row;
        }
        catch (JsonException e) { throw new FormatException($"not a compare row: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"not a compare row: {e.Message}", e); }
    }

    /// <summary>The same figures (everything but <see cref="CpuMicros"/>, which depends on the machine).</summary>
    public bool SameFigures(CompareRow other) =>
        other is not null && (this with { CpuMicros = 0, Sizes = NoSizes, Violations = NoNames }) == (other with { CpuMicros = 0, Sizes = NoSizes, Violations = NoNames })
        && Sizes.SequenceEqual(other.Sizes) && Violations.SequenceEqual(other.Violations);

    private static readonly SizeCount[] NoSizes = [];
    private static readonly string[] NoNames = [];
}
