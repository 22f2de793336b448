using System.Diagnostics;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- pair-floor [suite] [--provider bouncycastle|libsodium|both] [--instrument FILE]</c>:
/// a PairMLS conversation's time per datagram (send + receive) against its crypto floor, measured in one run.
/// <list type="bullet">
/// <item><b>steady</b>: one datagram each way per epoch turn (every datagram staples a fresh commit with path).</item>
/// <item><b>burst10</b>: ten datagrams each way per epoch turn (the first commits, the other nine are in an owned epoch);
/// <b>burst10-rest</b> is the nine alone.</item>
/// <item><b>mls-app</b>: for comparison, a bare RFC 9420 application message between 2 members.</item>
/// </list>
/// The counted pass (CryptoCounters on) gives each scenario's primitive operations per datagram; each
/// primitive is then timed alone (size-dependent ones as a + b·bytes from two sizes; signatures with the
/// parsed key kept, as the engine signs), and the floor is Σ count × cost. The timed passes run with
/// counting off. Every time is the fastest of several batches (scenarios and primitives alike), which is
/// what survives best on a shared machine. Persist-before-send (Send's <see cref="PairSession.Save"/>) is
/// no crypto primitive: its share is timed separately and shown. <c>--provider both</c> measures each
/// provider in turn in the same process and prints the speed-up; <c>--instrument</c> compares with the
/// floors of the independent cryptofloor instrument (its <c>--json</c> output, see benchmarks/floor-vs-instrument.sh).
/// </summary>
internal static class PairFloor
{
    private const int Batches = 9;

    public static int Run(string[] args)
    {
        ushort suiteId = 1;
        string providerArg = "default";
        string? instrument = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--provider" when i + 1 < args.Length: providerArg = args[++i]; break;
                case "--instrument" when i + 1 < args.Length: instrument = args[++i]; break;
                default:
                    if (i == 0 && ushort.TryParse(args[i], out var id) && id is >= 1 and <= 7) { suiteId = id; break; }
                    Console.Error.WriteLine($"pair-floor: bad argument '{args[i]}' (usage: pair-floor [suite 1-7] [--provider bouncycastle|libsodium|both] [--instrument FILE])");
                    return 2;
            }
        }
        List<CryptoProvider> providers;
        try
        {
            providers = providerArg switch
            {
                "default" => [CryptoProvider.Default],
                "both" => [.. CryptoProvider.Available],
                _ => [CryptoProvider.Parse(providerArg)],
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"pair-floor: --provider: {e.Message}");
            return 2;
        }
        InstrumentFloors? floors = null;
        if (instrument is not null)
        {
            try { floors = InstrumentFloors.Load(instrument); }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"pair-floor: --instrument {instrument}: {e.Message}");
                return 2;
            }
        }

        var steady = new Dictionary<string, double>();
        foreach (var provider in providers)
            using (CryptoProvider.Use(provider))
            {
                var results = RunOne(suiteId);
                steady[provider.Name] = results[0].Measured;
                if (floors is not null && suiteId == 1 && provider == CryptoProvider.BouncyCastle) floors.Compare(results.Select(r => (r.Name, r.Measured)).ToList());
                Console.WriteLine();
            }
        if (steady.Count == 2)
            Console.WriteLine($"steady datagram, suite {suiteId}: {CryptoProvider.BouncyCastleName} {steady[CryptoProvider.BouncyCastleName]:F0} µs, " +
                $"{CryptoProvider.SodiumName} {steady[CryptoProvider.SodiumName]:F0} µs: {steady[CryptoProvider.BouncyCastleName] / steady[CryptoProvider.SodiumName]:F2}x faster with {CryptoProvider.SodiumName} (same run)");
        if (floors is not null && suiteId == 1 && !providers.Contains(CryptoProvider.BouncyCastle))
            Console.WriteLine("(the instrument measures BouncyCastle: run with --provider bouncycastle or both to compare)");
        return 0;
    }

    private static List<Result> RunOne(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        Console.WriteLine($"PairMLS crypto floor, suite {suite.Id} ({suite.Name}), 100-byte payload; fastest of {Batches} batches each; load {LoadAverage()}");
        Console.WriteLine($"provider {suite.Provider.Name}: {suite.Implementations}");
        // The scenarios run first (JIT warm for the crypto code too), then each primitive is timed alone.
        var results = new[] { Scenario.Steady, Scenario.Burst10, Scenario.Burst10Rest }.Select(s => Measure(s, suiteId)).ToList();
        results.Add(MeasureMlsApplication(suiteId));
        var costs = PrimitiveCosts.Measure(suite);
        Console.WriteLine();
        Console.WriteLine("primitive costs (µs): " + string.Join(", ", Enum.GetValues<CryptoOp>().Where(o => o != CryptoOp.HpkeSetup)
            .Select(o => costs.PerByte[(int)o] == 0 ? $"{o} {costs.Fixed[(int)o]:F1}" : $"{o} {costs.Fixed[(int)o]:F1}+{costs.PerByte[(int)o] * 1000:F2}/KB")));
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-14} {"µs/datagram",12} {"KB",6} {"save µs",8} {"floor µs",9} {"ratio",6} {"ratio w/o save",15}  ops per datagram (count, bytes)");
        foreach (var r in results) r.Print(costs);
        Console.WriteLine($"load after: {LoadAverage()}");
        return results;
    }

    internal static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private sealed record Result(Scenario Scenario, double Measured, double Save, double Kilobytes, double[] Counts, double[] Bytes)
    {
        public double Floor(PrimitiveCosts costs) =>
            Enum.GetValues<CryptoOp>().Where(o => o != CryptoOp.HpkeSetup)
                .Sum(o => Counts[(int)o] * costs.Fixed[(int)o] + Bytes[(int)o] * costs.PerByte[(int)o]);

        public string Name => Scenario switch
        {
            Scenario.Steady => "steady", Scenario.Burst10 => "burst10", Scenario.Burst10Rest => "burst10-rest", _ => "mls-app",
        };

        public void Print(PrimitiveCosts costs)
        {
            double floor = Floor(costs);
            var ops = Enum.GetValues<CryptoOp>().Where(o => Counts[(int)o] > 0)
                .Select(o => Bytes[(int)o] > 0 ? $"{o} {Counts[(int)o]:0.##} ({Bytes[(int)o]:0} B)" : $"{o} {Counts[(int)o]:0.##}");
            Console.WriteLine($"{Name,-14} {Measured,12:F0} {Kilobytes,6:F0} {Save,8:F0} {floor,9:F0} {Measured / floor,6:F2} {(Measured - Save) / floor,15:F2}  {string.Join(", ", ops)}");
        }
    }

    private enum Scenario { Steady, Burst10, Burst10Rest, MlsApplication }

    /// <summary>
    /// For comparison with other MLS implementations' "application message" figures: a bare RFC 9420
    /// application message (100 bytes, PrivateMessage) of a 2-member group, protected by one member
    /// and processed by the other; no PairMLS framing, proposal or seal. No save.
    /// </summary>
    private static Result MeasureMlsApplication(ushort suiteId)
    {
        var members = GroupBenchmarks.GroupBuilder.Build(2, seed: 24, suiteId);
        var (sender, receiver) = (members[0], members[1]);
        var payload = new byte[100];
        void One() => receiver.Process(sender.EncryptApplication(payload));
        for (int i = 0; i < 200; i++) One();
        var (counts, bytes) = Count(() => { for (int i = 0; i < 100; i++) One(); });
        var perMessage = new List<double>();
        for (int b = 0; b < Batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 200; i++) One();
            perMessage.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / 200);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        One();
        double kilobytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0;
        return new Result(Scenario.MlsApplication, perMessage.Min(), 0, kilobytes,
            counts.Select(x => x / 100.0).ToArray(), bytes.Select(x => x / 100.0).ToArray());
    }

    private sealed class Conversation
    {
        public readonly byte[] Payload = new byte[100];
        public readonly PairSession Alice, Bob;

        public Conversation(ushort suite)
        {
            var options = PairOptions.Default with { Suite = suite };
            var random = new DeterministicRandomSource(5, "pair-floor");
            var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
            Bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));
            Alice = invitation.TryJoin(Bob.Send(Payload).Datagram, out _)!;
            Bob.Receive(Alice.Send(Payload).Datagram);
        }

        /// <summary>One epoch turn: <paramref name="burst"/> datagrams A→B, then as many B→A. Returns ticks spent on datagrams 2..burst.</summary>
        public long Turn(int burst, bool measureRest)
        {
            long rest = 0;
            foreach (var (from, to) in new[] { (Alice, Bob), (Bob, Alice) })
                for (int i = 0; i < burst; i++)
                {
                    long t0 = measureRest ? Stopwatch.GetTimestamp() : 0;
                    var outcome = to.Receive(from.Send(Payload).Datagram);
                    if (outcome is not Delivered) throw new InvalidOperationException($"not delivered: {outcome}");
                    if (measureRest && i > 0) rest += Stopwatch.GetTimestamp() - t0;
                }
            return rest;
        }
    }

    private static Result Measure(Scenario scenario, ushort suiteId)
    {
        int burst = scenario == Scenario.Steady ? 1 : 10;
        var c = new Conversation(suiteId);
        for (int i = 0; i < 20 / burst + 3; i++) c.Turn(burst, false);

        // Counted pass.
        int countedTurns = scenario == Scenario.Steady ? 20 : 4;
        var (counts, bytes) = Count(() =>
        {
            if (scenario != Scenario.Burst10Rest) { for (int i = 0; i < countedTurns; i++) c.Turn(burst, false); return; }
            // Only datagrams 2..10 of each burst.
            for (int i = 0; i < countedTurns; i++)
                foreach (var (from, to) in new[] { (c.Alice, c.Bob), (c.Bob, c.Alice) })
                    for (int j = 0; j < burst; j++)
                    {
                        CryptoCounters.Enabled = j > 0;
                        to.Receive(from.Send(c.Payload).Datagram);
                    }
        });
        int countedDatagrams = countedTurns * 2 * (scenario == Scenario.Burst10Rest ? burst - 1 : burst);

        // Timed passes.
        int timedTurns = scenario == Scenario.Steady ? 40 : 6;
        var perDatagram = new List<double>();
        for (int b = 0; b < Batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            long rest = 0;
            for (int i = 0; i < timedTurns; i++) rest += c.Turn(burst, scenario == Scenario.Burst10Rest);
            long ticks = scenario == Scenario.Burst10Rest ? rest : Stopwatch.GetTimestamp() - start;
            int datagrams = timedTurns * 2 * (scenario == Scenario.Burst10Rest ? burst - 1 : burst);
            perDatagram.Add(ticks * 1e6 / Stopwatch.Frequency / datagrams);
        }
        double measured = perDatagram.Min();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        c.Turn(burst, false);
        double kilobytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / (2 * burst);

        // Persist-before-send: one Save per datagram, on the states the scenario produces.
        var saves = new List<double>();
        for (int b = 0; b < Batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 20; i++) { c.Alice.Save(); c.Bob.Save(); }
            saves.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / 40);
        }
        double save = saves.Min();

        return new Result(scenario, measured, save, kilobytes, counts.Select(x => (double)x / countedDatagrams).ToArray(),
            bytes.Select(x => (double)x / countedDatagrams).ToArray());
    }

    private static (long[] Counts, long[] Bytes) Count(Action action)
    {
        CryptoCounters.Reset();
        CryptoCounters.Enabled = true;
        try { action(); }
        finally { CryptoCounters.Enabled = false; }
        var result = CryptoCounters.Snapshot();
        CryptoCounters.Reset();
        return result;
    }

    /// <summary>Each counted primitive timed alone: cost = Fixed + PerByte × bytes (µs).</summary>
    internal sealed class PrimitiveCosts
    {
        public double[] Fixed { get; } = new double[CryptoCounters.OpCount];
        public double[] PerByte { get; } = new double[CryptoCounters.OpCount];

        public static PrimitiveCosts Measure(CipherSuite suite)
        {
            var costs = new PrimitiveCosts();
            PrimitiveProbe.Measure(suite, "primitives", Time, costs.Fixed, costs.PerByte);
            return costs;
        }

        /// <summary>The fastest batch's µs per call (batches of about 20 ms): the least disturbed run on a shared machine.</summary>
        private static double Time(Action f)
        {
            long w0 = Stopwatch.GetTimestamp();
            while (Stopwatch.GetTimestamp() - w0 < Stopwatch.Frequency / 5) f();
            long t0 = Stopwatch.GetTimestamp();
            int calibrate = 0;
            while (Stopwatch.GetTimestamp() - t0 < Stopwatch.Frequency / 100) { f(); calibrate++; }
            int n = Math.Max(10, calibrate * 2);
            var xs = new List<double>();
            for (int b = 0; b < Batches; b++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < n; i++) f();
                xs.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / n);
            }
            return xs.Min();
        }
    }
}
