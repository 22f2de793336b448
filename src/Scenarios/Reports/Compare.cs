using System.Diagnostics;
using Sim.Engine.Baselines;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>
/// `pairsim compare`: every strategy over the same seeds, users and faults (PAIRMLS.md "Baselines").
/// Three workloads: (1) a chat under drop rate p where an attacker copies Alice's saved state at
/// <see cref="CompareGrid.TheftMs"/> and tries every captured datagram with it (real decryption,
/// <see cref="StateThief"/>); (2) Alice edits her card twice while Bob is offline for d ms
/// (<see cref="EditWaits"/>); (3) tiny chats of the PairMLS variants for the parity observer.
/// Metadata is read from the datagrams themselves (<see cref="DsView"/>), at drop 0.
/// </summary>
public static class Compare
{
    public const long GapMs = 100;

    public static CompareResult Run(CompareGrid grid, Action<int, int>? progress = null, WorldRunnerOptions? runner = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.Validate();
        var clock = Stopwatch.StartNew();
        var strategies = grid.Strategies.Select(CompareStrategy.Named).ToList();
        int total = strategies.Count * grid.WorldsPerPoint * (grid.DropProbabilities.Count + grid.OfflineMs.Count) + 2 * grid.ParityWorlds;
        int done = 0;
        void Tick(int n) { done += n; progress?.Invoke(done, total); }

        var healing = new List<HealingCell>();
        var metadata = new List<MetadataRow>();
        var waiting = new List<WaitCell>();
        foreach (var s in strategies)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var options = grid.DropProbabilities.SelectMany(d => Enumerable.Range(0, grid.WorldsPerPoint).Select(i => ChatWorld(grid, s, d, grid.WorldSeed(i)))).ToList();
            var results = WorldRunner.Run(options, runner);
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Tick(results.Count);
            int messages = 0;
            foreach (var group in results.GroupBy(r => r.Options.FaultProfile.AliceToBob.DropProbability))
            {
                var cell = Healing(s, group.Key, group.ToList());
                messages += cell.Sent;
                healing.Add(cell);
            }
            metadata.Add(Metadata(s, results.Where(r => r.Options.FaultProfile.AliceToBob.DropProbability == grid.DropProbabilities.Min()).ToList(),
                messages == 0 ? 0 : cpuUsed.TotalMicroseconds / messages));

            var waits = WorldRunner.Run(grid.OfflineMs.SelectMany(o => Enumerable.Range(0, grid.WorldsPerPoint).Select(i => EditWorld(s, o, grid.WorldSeed(i)))).ToList(), runner);
            Tick(waits.Count);
            foreach (var group in waits.GroupBy(r => Offline(r)))
                waiting.Add(Waiting(s, group.Key, group.ToList()));
        }

        var parity = new List<ParityRow>();
        if (grid.ParityWorlds > 0)
        {
            foreach (var label in new[] { "pairmls", "pairmls-no-empty-commit" })
            {
                var s = CompareStrategy.Named(label);
                var worlds = WorldRunner.Run(Enumerable.Range(0, grid.ParityWorlds).Select(i => new WorldOptions
                {
                    Seed = grid.WorldSeed(10_000 + i),
                    Protocol = s.Protocol,
                    UserScript = UserScript.Chat(2, GapMs),
                    SettleMs = 200,
                    LivenessRoundTrips = 1,
                    KeepTraceText = false,
                }).ToList(), runner);
                Tick(worlds.Count);
                parity.Add(new ParityRow(label, worlds.Count, worlds.Count(ObserverNamesTheAcceptor)));
            }
        }
        return new CompareResult(grid, healing, waiting, metadata, parity) { Elapsed = clock.Elapsed, LoadAverage = LoadAverage() };
    }

    // ------------------------------------------------------------------ workloads

    /// <summary>The chat of workload 1: turns of <see cref="GapMs"/>, Alice edits her card at message 6 and Bob at 9; drop p on both links.</summary>
    public static WorldOptions ChatWorld(CompareGrid grid, CompareStrategy s, double drop, ulong seed)
    {
        var ops = new List<ScriptOp>();
        for (int i = 0; i < grid.Messages; i++)
        {
            var who = i % 2 == 0 ? Party.Bob : Party.Alice;
            ops.Add(i == 6 ? new ScriptOp.SendWithCardEdit(Party.Bob) : i == 9 ? new ScriptOp.SendWithCardEdit(Party.Alice) : new ScriptOp.Send(who));
            ops.Add(new ScriptOp.Wait(GapMs));
        }
        var link = new LinkFaults { DropProbability = drop, DelayMinMs = 10, DelayMeanMs = 15 };
        return new WorldOptions
        {
            Seed = seed,
            Protocol = s.Protocol,
            RetentionWindow = s.RetentionWindow,
            DeliveryService = s.DeliveryService,
            FaultProfile = FaultProfile.Symmetric(link),
            UserScript = new UserScript(ops),
            SettleMs = 500,
            KeepDatagrams = true,
            KeepTraceText = false,
            Captures = [new StateCapture(Party.Alice, grid.TheftMs)],
        };
    }

    /// <summary>Workload 2: a few messages, Bob goes offline for <paramref name="offlineMs"/>, Alice edits her card twice, then both talk again.</summary>
    public static WorldOptions EditWorld(CompareStrategy s, long offlineMs, ulong seed) => new()
    {
        Seed = seed,
        Protocol = s.Protocol,
        RetentionWindow = s.RetentionWindow,
        // The strategy's own server: a malicious one keeps withholding, and what that does to the edits is measured too.
        DeliveryService = s.DeliveryService,
        UserScript = UserScript.Of(
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(GapMs),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(GapMs),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(GapMs),
            new ScriptOp.GoOffline(Party.Bob, offlineMs),
            new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(GapMs),
            new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(Math.Max(GapMs, offlineMs)),
            new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(2 * GapMs),
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(3 * GapMs)),
        SettleMs = 500,
        KeepTraceText = false,
    };

    private static long Offline(WorldResult r) => r.Options.UserScript.Ops.OfType<ScriptOp.GoOffline>().Single().DurationMs;

    // ------------------------------------------------------------------ figures

    private static HealingCell Healing(CompareStrategy s, double drop, IReadOnlyList<WorldResult> worlds)
    {
        var protocol = s.Create(worlds[0].Options.Suite);
        var thefts = worlds.Select(w => StateThief.Attack(protocol, w.Captures.Single(), w.Datagrams, w.Trace.Events, w.Options.Seed)).ToList();
        var healed = thefts.Where(t => t.Healed).ToList();
        int sent = 0, delivered = 0;
        long bytes = 0, datagrams = 0;
        foreach (var w in worlds)
        {
            var ids = w.Trace.Events.OfType<SendEvent>().Where(e => e.PayloadId is not null).Select(e => e.PayloadId!.Value).ToHashSet();
            sent += ids.Count;
            delivered += w.Trace.Events.OfType<OutcomeEvent>().Where(e => e.Result == OutcomeEvent.Delivered && e.PayloadId is { } p && ids.Contains(p)).Select(e => e.PayloadId).Distinct().Count();
            bytes += w.Datagrams.Sum(d => (long)d.Bytes.Length);
            datagrams += w.Datagrams.Count;
        }
        return new HealingCell(s.Label, drop, worlds.Count)
        {
            Healed = healed.Count,
            RoundTripsMedian = Median(healed.Select(t => (double)t.RoundTrips!.Value)),
            HealSecondsMedian = Median(healed.Select(t => t.HealSeconds!.Value)),
            EarlierPayloads = thefts.Sum(t => t.EarlierPayloads),
            EarlierOpened = thefts.Sum(t => t.EarlierOpened),
            Sent = sent,
            Delivered = delivered,
            BytesPerMessage = sent == 0 ? 0 : (double)bytes / sent,
            DatagramsPerMessage = sent == 0 ? 0 : (double)datagrams / sent,
        };
    }

    private static WaitCell Waiting(CompareStrategy s, long offlineMs, IReadOnlyList<WorldResult> worlds)
    {
        var waits = worlds.Select(w => EditWaits.Of(w.Trace.Events).Where(x => x.Party == Party.Alice).ToList()).ToList();
        return new WaitCell(s.Label, offlineMs, worlds.Count)
        {
            FirstEditWaitMsMedian = Median(waits.Where(x => x.Count > 0 && x[0].WaitMs is not null).Select(x => (double)x[0].WaitMs!.Value)),
            SecondEditWaitMsMedian = Median(waits.Where(x => x.Count > 1 && x[1].WaitMs is not null).Select(x => (double)x[1].WaitMs!.Value)),
            SecondNeverLeft = waits.Count(x => x.Count < 2 || x[1].WaitMs is null),
        };
    }

    private static MetadataRow Metadata(CompareStrategy s, IReadOnlyList<WorldResult> worlds, double cpuMicros)
    {
        var views = worlds.SelectMany(w => w.Datagrams).Select(d => DsView.Of(d.Bytes)).ToList();
        double Share(Func<DsView, bool> f) => views.Count == 0 ? 0 : (double)views.Count(f) / views.Count;
        // Card edits by size: every datagram a party sent, labelled by its own Send event (it names the card version it asks for).
        var labelled = worlds.SelectMany(w =>
        {
            var edit = w.Trace.Events.OfType<SendEvent>().Where(e => e.CardVersion is not null || e.CardEdit)
                .Select(e => e.Datagram).ToHashSet();
            return w.Datagrams.Select(d => (Size: d.Bytes.Length, Edit: edit.Contains(d.Id)));
        }).ToList();
        var (accuracy, baseRate) = BestThreshold(labelled);
        var service = worlds.SelectMany(w => w.ServiceObservations).ToList();
        return new MetadataRow(s.Label, views.Count)
        {
            GroupIdVisible = Share(v => v.GroupId is not null),
            EpochVisible = Share(v => v.Epoch is not null),
            SenderLeafVisible = Share(v => v.SenderLeaf is not null),
            KindVisible = Share(v => v.Kind != DsKind.Opaque),
            EditBySizeAccuracy = accuracy,
            EditBaseRate = baseRate,
            HasService = service.Count > 0,
            ServiceGroupIdVisible = service.Count == 0 ? 0 : (double)service.Count(o => o.View.GroupId is not null) / service.Count,
            ServiceKindVisible = service.Count == 0 ? 0 : (double)service.Count(o => o.View.Kind != DsKind.Opaque) / service.Count,
            CpuMicrosPerMessage = cpuMicros,
        };
    }

    /// <summary>The best accuracy of any rule "size ≥ θ means edit" (or its opposite), and the majority base rate.</summary>
    internal static (double Accuracy, double BaseRate) BestThreshold(IReadOnlyList<(int Size, bool Edit)> items)
    {
        if (items.Count == 0) return (0, 0);
        int edits = items.Count(i => i.Edit);
        double baseRate = Math.Max(edits, items.Count - edits) / (double)items.Count;
        double best = baseRate;
        foreach (int theta in items.Select(i => i.Size).Distinct())
        {
            int right = items.Count(i => (i.Size >= theta) == i.Edit);
            best = Math.Max(best, Math.Max(right, items.Count - right) / (double)items.Count);
        }
        return (best, baseRate);
    }

    /// <summary>
    /// The parity observer: an insider who reads the epoch of datagrams (a holder of header keys, or any
    /// member later) guesses that the party sending in odd epochs is the acceptor. Its guess is right when
    /// the acceptor's first message (in w) is in an odd epoch.
    /// </summary>
    private static bool ObserverNamesTheAcceptor(WorldResult r) =>
        r.Trace.Events.FirstOrDefault(e => e.Kind == TraceKind.Send && e.Party == Party.Bob.Name())?.Epoch is { } w && w % 2 == 1;

    internal static double? Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        if (v.Count == 0) return null;
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
