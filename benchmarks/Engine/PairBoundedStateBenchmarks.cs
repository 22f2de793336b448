using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// PAIRMLS.md "State stays bounded" (issue 16, item 4): Send + Save (persist-before-send, inside
/// <see cref="PairSession.Send"/>) of the <see cref="Position"/>-th datagram of one epoch, suite 1,
/// 100-byte payload. Position 1 is the datagram that commits into the epoch and makes its update
/// proposal; from position 2 on the epoch's proposal is stapled again, so 2 and 5,000 must cost the
/// same. Each invocation loads the session saved before the Position-th datagram and sends it, so
/// every invocation really is the Position-th datagram (a session zeroes the secrets its old state
/// held once it moves on, so one loaded state cannot serve two sends); <see cref="Load"/> alone is
/// the baseline to subtract. The saved-state sizes after 10 and 5,000 sends are printed by the
/// <c>pair-state-size</c> command (and checked by a test).
/// </summary>
[MemoryDiagnoser]
public class PairBoundedStateBenchmarks
{
    private readonly byte[] _payload = new byte[100];
    private byte[] _saved = null!;
    private PairOptions _options = null!;
    private DeterministicRandomSource _random = null!;

    [Params(1, 2, 5000)]
    public int Position { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (alice, bob) = PairBenchmarkConversation.Start("pair-bounded", _payload);
        // Bob received Alice's datagram: the current epoch is Alice's, so Bob's next Send commits.
        for (int i = 1; i < Position; i++) bob.Send(_payload);
        _saved = bob.Save();
        _options = bob.Options;
        _random = new DeterministicRandomSource(9, "pair-bounded-send");
        GC.KeepAlive(alice);
    }

    [Benchmark(Baseline = true)]
    public PairSession Load() => PairSession.Load(_saved, _options, _random);

    [Benchmark]
    public SendResult LoadThenSendAndSave() => PairSession.Load(_saved, _options, _random).Send(_payload);
}
