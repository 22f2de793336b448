using System.Diagnostics;
using Akka.Actor;
using Sim.Engine.Baselines;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Reports;

/// <summary>
/// Runs a comparison's worlds somewhere other than this process (a cluster): gets every world in grid
/// order and calls <c>done(i, row)</c> once per world, one call at a time, as they finish.
/// </summary>
public delegate Task CompareWorlds(IReadOnlyList<CompareWorld> worlds, Action<int, CompareRow> done, CancellationToken cancel);

/// <summary>
/// `pairsim compare`: every strategy over the same seeds, users and faults (PAIRMLS.md "Baselines").
/// Three workloads: (1) a chat under drop rate p where an attacker copies Alice's saved state at
/// <see cref="CompareGrid.TheftMs"/> and tries every captured datagram with it (real decryption,
/// <see cref="StateThief"/>); (2) Alice edits her card twice while Bob is offline for d ms
/// (<see cref="EditWaits"/>); (3) tiny chats of the PairMLS variants for the parity observer.
/// Metadata is read from the datagrams themselves (<see cref="DsView"/>), at drop 0.
/// Each world (<see cref="CompareWorld"/>) gives one <see cref="CompareRow"/> where it ran, here or
/// on a cluster worker; the tables are added up from the rows alone (<see cref="Aggregate"/>), so a
/// local run and a cluster run give the same report but for the CPU figures.
/// </summary>
public static class Compare
{
    public const long GapMs = 100;

    /// <summary>Runs the grid here, <paramref name="runner"/>'s parallelism worlds at once.</summary>
    /// <param name="progress">(done, total) after each world.</param>
    /// <param name="onRow">Each world's row as it finishes, one call at a time (the results folder appends it).</param>
    public static CompareResult Run(CompareGrid grid, Action<int, int>? progress = null, WorldRunnerOptions? runner = null, Action<CompareRow>? onRow = null, CancellationToken cancel = default) =>
        Run(grid, Local(runner ?? new WorldRunnerOptions()), progress, onRow, cancel);

    /// <summary>The same comparison with its worlds run by <paramref name="farm"/> (e.g. a cluster); the result is the one a local run gives.</summary>
    public static CompareResult Run(CompareGrid grid, CompareWorlds farm, Action<int, int>? progress = null, Action<CompareRow>? onRow = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(farm);
        grid.Validate();
        var clock = Stopwatch.StartNew();
        var worlds = CompareWorld.Of(grid);
        var rows = new CompareRow?[worlds.Count];
        int done = 0;
        farm(worlds, (i, row) =>
        {
            if (row.World != worlds[i]) throw new InvalidOperationException($"compare world {i} came back as another world ({row.World.ToJson()})");
            if (rows[i] is not null) return;
            rows[i] = row;
            onRow?.Invoke(row);
            progress?.Invoke(++done, worlds.Count);
        }, cancel).GetAwaiter().GetResult();
        var missing = Array.FindIndex(rows, r => r is null);
        if (missing >= 0) throw new InvalidOperationException($"compare world {missing} has no row");
        return Aggregate(grid, [.. rows.Select(r => r!)]) with { Elapsed = clock.Elapsed, LoadAverage = LoadAverage() };
    }

    /// <summary>Runs one world in <paramref name="system"/> and makes its row (its CPU share measured by <see cref="CpuShare.Process"/>).</summary>
    public static async Task<CompareRow> RunWorldAsync(CompareWorld world, ActorSystem system, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        var options = world.ToWorldOptions();
        long token = CpuShare.Process.Start();
        WorldResult result;
        double cpu;
        try { result = await new World(options, system).RunAsync(cancel).ConfigureAwait(false); }
        finally { cpu = CpuShare.Process.Stop(token); }
        return CompareRow.Of(world, result, cpu);
    }

    /// <summary>This process as the farm: the worlds in one actor system, <paramref name="runner"/>'s parallelism at once.</summary>
    private static CompareWorlds Local(WorldRunnerOptions runner) => async (worlds, done, cancel) =>
    {
        var system = SimulatorActorSystem.Create("pairsim-compare");
        var gate = new Lock();
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, runner.MaxParallelism), CancellationToken = cancel };
            await Parallel.ForEachAsync(Enumerable.Range(0, worlds.Count), parallel, async (i, ct) =>
            {
                CompareRow row;
                try { row = await RunWorldAsync(worlds[i], system, ct).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { throw new InvalidOperationException($"compare world {worlds[i].ToJson()} failed: {e.Message}", e); }
                lock (gate) done(i, row);
            }).ConfigureAwait(false);
        }
        finally { await system.Terminate().ConfigureAwait(false); }
    };

    /// <summary>
    /// The tables from the rows (in <see cref="CompareWorld.Of"/>'s order): per strategy a healing cell
    /// per fault profile and drop rate, a metadata row (first profile, lowest drop rate) and a waiting cell per offline time, then
    /// a parity row per PairMLS variant.
    /// </summary>
    public static CompareResult Aggregate(CompareGrid grid, IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(rows);
        var healing = new List<HealingCell>();
        var metadata = new List<MetadataRow>();
        var waiting = new List<WaitCell>();
        foreach (var label in grid.Compared)
        {
            var chats = rows.Where(r => r.World.Workload == CompareWorld.Chat && r.World.Strategy == label).ToList();
            foreach (var group in chats.GroupBy(r => (r.World.Faults, r.World.Drop)))
                healing.Add(Healing(label, group.Key.Faults, group.Key.Drop, group.ToList()));
            int messages = chats.Sum(r => r.Sent);
            metadata.Add(Metadata(label, chats.Where(r => r.World.Faults == grid.Faults[0] && r.World.Drop == grid.DropProbabilities.Min()).ToList(),
                messages == 0 ? 0 : chats.Sum(r => r.CpuMicros) / messages));
            foreach (var group in rows.Where(r => r.World.Workload == CompareWorld.Edit && r.World.Strategy == label).GroupBy(r => r.World.OfflineMs))
                waiting.Add(Waiting(label, group.Key, group.ToList()));
        }
        var parity = new List<ParityRow>();
        if (grid.ParityWorlds > 0)
            foreach (var label in CompareWorld.ParityVariants)
            {
                var worlds = rows.Where(r => r.World.Workload == CompareWorld.Parity && r.World.Strategy == label).ToList();
                parity.Add(new ParityRow(label, worlds.Count, worlds.Count(r => r.ObserverRight)));
            }
        return new CompareResult(grid, healing, waiting, metadata, parity);
    }

    // ------------------------------------------------------------------ workloads

    /// <summary>The chat of workload 1: turns of <see cref="GapMs"/>, Alice edits her card at message 6 and Bob at 9; drop p and the fault profile on both links.</summary>
    public static WorldOptions ChatWorld(CompareStrategy s, string faults, double drop, ulong seed, int messages, long theftMs)
    {
        ArgumentNullException.ThrowIfNull(s);
        var ops = new List<ScriptOp>();
        for (int i = 0; i < messages; i++)
        {
            var who = i % 2 == 0 ? Party.Bob : Party.Alice;
            ops.Add(i == 6 ? new ScriptOp.SendWithCardEdit(Party.Bob) : i == 9 ? new ScriptOp.SendWithCardEdit(Party.Alice) : new ScriptOp.Send(who));
            ops.Add(new ScriptOp.Wait(GapMs));
        }
        return new WorldOptions
        {
            Seed = seed,
            Protocol = s.Protocol,
            RetentionWindow = s.RetentionWindow,
            DeliveryService = s.DeliveryService,
            FaultProfile = CompareFaults.Profile(faults, drop),
            UserScript = new UserScript(ops),
            SettleMs = 500,
            KeepDatagrams = true,
            KeepTraceText = false,
            Captures = [new StateCapture(Party.Alice, theftMs)],
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

    // ------------------------------------------------------------------ figures

    private static HealingCell Healing(string label, string faults, double drop, IReadOnlyList<CompareRow> worlds)
    {
        var healed = worlds.Where(t => t.Healed).ToList();
        int sent = worlds.Sum(w => w.Sent);
        long bytes = worlds.Sum(w => w.Bytes), datagrams = worlds.Sum(w => (long)w.Datagrams);
        return new HealingCell(label, drop, worlds.Count)
        {
            Faults = faults,
            NothingStolen = worlds.Count(w => !w.Stolen),
            Violated = worlds.Count(w => w.Violations.Count > 0),
            ViolatedInvariants = worlds.SelectMany(w => w.Violations).Distinct().Order(StringComparer.Ordinal).ToList(),
            Healed = healed.Count,
            RoundTripsMedian = Median(healed.Select(t => (double)t.RoundTrips!.Value)),
            HealSecondsMedian = Median(healed.Select(t => t.HealSeconds!.Value)),
            EarlierPayloads = worlds.Sum(t => t.EarlierPayloads),
            EarlierOpened = worlds.Sum(t => t.EarlierOpened),
            InFlightPayloads = worlds.Sum(t => t.InFlightPayloads),
            InFlightOpened = worlds.Sum(t => t.InFlightOpened),
            Sent = sent,
            Delivered = worlds.Sum(w => w.Delivered),
            EpochNotReached = worlds.Sum(w => w.EpochNotReached),
            Expired = worlds.Sum(w => w.Expired),
            BytesPerMessage = sent == 0 ? 0 : (double)bytes / sent,
            DatagramsPerMessage = sent == 0 ? 0 : (double)datagrams / sent,
        };
    }

    private static WaitCell Waiting(string label, long offlineMs, IReadOnlyList<CompareRow> worlds) => new(label, offlineMs, worlds.Count)
    {
        FirstEditWaitMsMedian = Median(worlds.Where(x => x.Edits > 0 && x.FirstEditWaitMs is not null).Select(x => (double)x.FirstEditWaitMs!.Value)),
        SecondEditWaitMsMedian = Median(worlds.Where(x => x.Edits > 1 && x.SecondEditWaitMs is not null).Select(x => (double)x.SecondEditWaitMs!.Value)),
        SecondNeverLeft = worlds.Count(x => x.Edits < 2 || x.SecondEditWaitMs is null),
    };

    private static MetadataRow Metadata(string label, IReadOnlyList<CompareRow> worlds, double cpuMicros)
    {
        int views = worlds.Sum(w => w.Datagrams);
        double Share(Func<CompareRow, int> count) => views == 0 ? 0 : (double)worlds.Sum(count) / views;
        var labelled = worlds.SelectMany(w => w.Sizes).SelectMany(c => Enumerable.Repeat((c.Size, true), c.Edits).Concat(Enumerable.Repeat((c.Size, false), c.Others))).ToList();
        var (accuracy, baseRate) = BestThreshold(labelled);
        int service = worlds.Sum(w => w.ServiceObserved);
        return new MetadataRow(label, views)
        {
            GroupIdVisible = Share(w => w.GroupIdVisible),
            EpochVisible = Share(w => w.EpochVisible),
            SenderLeafVisible = Share(w => w.SenderLeafVisible),
            KindVisible = Share(w => w.KindVisible),
            EditBySizeAccuracy = accuracy,
            EditBaseRate = baseRate,
            HasService = service > 0,
            ServiceGroupIdVisible = service == 0 ? 0 : (double)worlds.Sum(w => w.ServiceGroupIdVisible) / service,
            ServiceKindVisible = service == 0 ? 0 : (double)worlds.Sum(w => w.ServiceKindVisible) / service,
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
