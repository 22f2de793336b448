using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- pair-alloc [suite] [--provider bouncycastle|libsodium|both] [--turns N]</c>:
/// what a PairMLS datagram costs that does not depend on the machine's load: bytes allocated
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, the count BenchmarkDotNet's MemoryDiagnoser
/// reports) and primitive operations (<c>CryptoCounters</c>), per datagram, for the scenarios of
/// <c>pair-floor</c> (steady, burst10, burst10-rest, mls-app). A datagram is Send (its
/// persist-before-send Save included) + Receive; the receiver's Save after a delivered datagram (what a
/// party also does) is shown apart. Averages over <c>--turns</c> epoch turns (default 200) after a
/// warm-up. <c>prims</c>: what the primitives alone allocate for the same operations
/// (<see cref="PrimitiveAllocation"/>: each run alone, Σ count × bytes), and <c>engine</c> the rest of
/// send+recv. No timing: it runs in seconds and gives the same figures at any load.
/// </summary>
internal static class PairAllocation
{
    public static int Run(string[] args)
    {
        ushort suiteId = 1;
        string providerArg = "both";
        int turns = 200;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--provider" when i + 1 < args.Length: providerArg = args[++i]; break;
                case "--turns" when i + 1 < args.Length && int.TryParse(args[i + 1], out var t) && t is >= 1 and <= 100_000: turns = t; i++; break;
                default:
                    if (i == 0 && ushort.TryParse(args[i], out var id) && id is >= 1 and <= 7) { suiteId = id; break; }
                    Console.Error.WriteLine($"pair-alloc: bad argument '{args[i]}' (usage: pair-alloc [suite 1-7] [--provider bouncycastle|libsodium|both] [--turns 1-100000])");
                    return 2;
            }
        }
        List<CryptoProvider> providers;
        try
        {
            providers = providerArg switch
            {
                "both" => [.. CryptoProvider.Available],
                _ => [CryptoProvider.Parse(providerArg)],
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"pair-alloc: --provider: {e.Message}");
            return 2;
        }
        foreach (var provider in providers)
            using (CryptoProvider.Use(provider))
            {
                var suite = CipherSuite.Get(suiteId);
                var primitives = PrimitiveAllocation.Measure(suite);
                Console.WriteLine($"PairMLS allocation and operations per datagram, suite {suite.Id} ({suite.Name}), provider {suite.Provider.Name}, 100-byte payload, {turns} turns (load-independent)");
                Console.WriteLine($"each primitive alone allocates: {primitives.Describe()}");
                Console.WriteLine($"{"scenario",-14} {"KB send+recv",12} {"send",7} {"recv",7} {"prims",7} {"engine",7} {"recv save",9} {"state B",8}  ops per datagram");
                foreach (var (name, burst, restOnly) in new[] { ("steady", 1, false), ("burst10", 10, false), ("burst10-rest", 10, true) })
                    MeasurePair(suiteId, name, burst, restOnly, burst == 1 ? turns : Math.Max(1, turns / 10), primitives);
                MeasureMlsApplication(suiteId, turns, primitives);
                Console.WriteLine();
            }
        return 0;
    }

    private static void MeasurePair(ushort suiteId, string name, int burst, bool restOnly, int turns, PrimitiveAllocation primitives)
    {
        var payload = new byte[100];
        var options = PairOptions.Default with { Suite = suiteId };
        var random = new DeterministicRandomSource(5, "pair-alloc");
        var invitation = Invitation.Create(Card.Create("Alice"), options, random.Derive("alice"));
        var bob = PairSession.Accept(invitation.Public, Card.Create("Bob"), null, options, random.Derive("bob"));
        var alice = invitation.TryJoin(bob.Send(payload).Datagram, out _)!;
        bob.Receive(alice.Send(payload).Datagram);

        long send = 0, receive = 0, save = 0, datagrams = 0;
        void Turn(bool measure)
        {
            foreach (var (from, to) in new[] { (alice, bob), (bob, alice) })
                for (int i = 0; i < burst; i++)
                {
                    bool counted = measure && (!restOnly || i > 0);
                    CryptoCounters.Enabled = counted;
                    long t0 = GC.GetAllocatedBytesForCurrentThread();
                    var sent = from.Send(payload);
                    long t1 = GC.GetAllocatedBytesForCurrentThread();
                    var outcome = to.Receive(sent.Datagram);
                    long t2 = GC.GetAllocatedBytesForCurrentThread();
                    CryptoCounters.Enabled = false;
                    if (outcome is not Delivered) throw new InvalidOperationException($"not delivered: {outcome}");
                    to.Save();
                    long t3 = GC.GetAllocatedBytesForCurrentThread();
                    if (!counted) continue;
                    send += t1 - t0;
                    receive += t2 - t1;
                    save += t3 - t2;
                    datagrams++;
                }
        }
        for (int i = 0; i < Math.Max(3, 40 / burst); i++) Turn(false);
        CryptoCounters.Reset();
        for (int i = 0; i < turns; i++) Turn(true);
        var (counts, bytes) = CryptoCounters.Snapshot();
        CryptoCounters.Reset();
        double d = datagrams;
        double prims = primitives.Total(counts, bytes) / d;
        Console.WriteLine($"{name,-14} {(send + receive) / d / 1024,12:F1} {send / d / 1024,7:F1} {receive / d / 1024,7:F1} {prims / 1024,7:F1} {((send + receive) / d - prims) / 1024,7:F1} {save / d / 1024,9:F1} {alice.Save().Length,8}  {Ops(counts, bytes, d)}");
    }

    /// <summary>The bare RFC 9420 application message of <c>pair-floor</c>'s mls-app (2 members, PrivateMessage, no save).</summary>
    private static void MeasureMlsApplication(ushort suiteId, int messages, PrimitiveAllocation primitives)
    {
        var members = GroupBenchmarks.GroupBuilder.Build(2, seed: 24, suiteId);
        var (sender, receiver) = (members[0], members[1]);
        var payload = new byte[100];
        for (int i = 0; i < 200; i++) receiver.Process(sender.EncryptApplication(payload));
        CryptoCounters.Reset();
        CryptoCounters.Enabled = true;
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < messages; i++) receiver.Process(sender.EncryptApplication(payload));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        CryptoCounters.Enabled = false;
        var (counts, bytes) = CryptoCounters.Snapshot();
        CryptoCounters.Reset();
        double prims = primitives.Total(counts, bytes) / messages;
        Console.WriteLine($"{"mls-app",-14} {allocated / (double)messages / 1024,12:F1} {"",7} {"",7} {prims / 1024,7:F1} {(allocated / (double)messages - prims) / 1024,7:F1} {"",9} {"",8}  {Ops(counts, bytes, messages)}");
    }

    private static string Ops(long[] counts, long[] bytes, double per) =>
        string.Join(", ", Enum.GetValues<CryptoOp>().Where(o => counts[(int)o] > 0)
            .Select(o => bytes[(int)o] > 0 ? $"{o} {counts[(int)o] / per:0.##} ({bytes[(int)o] / per:0} B)" : $"{o} {counts[(int)o] / per:0.##}"));
}
