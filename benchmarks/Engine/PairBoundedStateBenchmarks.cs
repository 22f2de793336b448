using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// PAIRMLS.md "State stays bounded" (issue 16, item 4): Send + Save (persist-before-send, inside
/// <see cref="PairSession.Send"/>) of the <see cref="Position"/>-th datagram of one epoch, suite 1,
/// 100-byte payload. Position 1 is the datagram that commits into the epoch and makes its update
/// proposal; from position 2 on the epoch's proposal is stapled again, so 2 and 5,000 must cost the
/// same. A session zeroes the secrets its old state held once it moves on, so one state cannot
/// serve two Position-th sends: before each iteration <see cref="LoadSessions"/> loads
/// <see cref="Sessions"/> independent sessions from the bytes saved before the Position-th datagram
/// (outside the measurement), and the benchmark sends once on each of them, so every measured
/// operation is exactly one Position-th Send + Save and nothing else (no Load to subtract).
/// Run with more iterations than <c>--job short</c> gives, e.g.
/// <c>--filter '*PairBoundedStateBenchmarks*' --warmupCount 3 --iterationCount 20</c>.
/// The saved-state sizes after 10 and 5,000 sends are printed by the <c>pair-state-size</c> command
/// (and checked by a test).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class PairBoundedStateBenchmarks
{
    private const int Sessions = 256;
    private readonly byte[] _payload = new byte[100];
    private readonly PairSession[] _sessions = new PairSession[Sessions];
    private byte[] _saved = null!;
    private PairOptions _options = null!;

    [Params(1, 2, 10, 5000)]
    public int Position { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (alice, bob) = PairBenchmarkConversation.Start("pair-bounded", _payload);
        // Bob received Alice's datagram: the current epoch is Alice's, so Bob's next Send commits.
        for (int i = 1; i < Position; i++) bob.Send(_payload);
        _saved = bob.Save();
        _options = bob.Options;
        GC.KeepAlive(alice);
    }

    [IterationSetup]
    public void LoadSessions()
    {
        for (int i = 0; i < Sessions; i++)
            _sessions[i] = PairSession.Load(_saved, _options, new DeterministicRandomSource((ulong)(9 + i), "pair-bounded-send"));
    }

    [Benchmark(OperationsPerInvoke = Sessions)]
    public SendResult SendAndSave()
    {
        SendResult last = default!;
        for (int i = 0; i < Sessions; i++) last = _sessions[i].Send(_payload);
        return last;
    }
}
