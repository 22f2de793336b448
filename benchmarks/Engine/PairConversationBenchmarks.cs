using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// A steady PairMLS conversation in suite 1 with a 100-byte payload, per datagram (send + receive,
/// Send's persist-before-send Save included), the two shapes:
/// <list type="bullet">
/// <item><see cref="SteadyTurn"/>: one datagram each way per epoch turn, so every datagram staples a
/// fresh commit with an UpdatePath (2 datagrams per invocation).</item>
/// <item><see cref="Burst10Turn"/>: ten datagrams each way per epoch turn, the first committing and the
/// other nine in an owned epoch (20 datagrams per invocation).</item>
/// </list>
/// The conversation runs on across invocations (its state does not grow: R past epochs, the
/// proposals of one epoch). The crypto floor of the same scenarios: the <c>pair-floor</c> command;
/// the same allocation without BenchmarkDotNet: <c>pair-alloc</c>. Each crypto provider is a parameter
/// (the sessions keep the provider they were made with).
/// </summary>
[MemoryDiagnoser]
public class PairConversationBenchmarks
{
    private readonly byte[] _payload = new byte[100];
    private PairSession _alice = null!, _bob = null!;

    [Params(CryptoProvider.BouncyCastleName, CryptoProvider.SodiumName)]
    public string Provider { get; set; } = CryptoProvider.SodiumName;

    [GlobalSetup]
    public void Setup()
    {
        using (CryptoProvider.Use(CryptoProvider.Parse(Provider)))
            (_alice, _bob) = PairBenchmarkConversation.Start("pair-conversation-benchmark", _payload);
        // Past the header-key horizon (H = 64 epochs), so the state, and what Send's save allocates, is at its
        // steady size from the first invocation on, however short the job (as in pair-alloc).
        for (int i = 0; i < 40; i++) Turn(1);
    }

    private void Turn(int burst)
    {
        for (int i = 0; i < burst; i++)
            if (_bob.Receive(_alice.Send(_payload).Datagram) is not Delivered) throw new InvalidOperationException("not delivered");
        for (int i = 0; i < burst; i++)
            if (_alice.Receive(_bob.Send(_payload).Datagram) is not Delivered) throw new InvalidOperationException("not delivered");
    }

    [Benchmark(OperationsPerInvoke = 2)]
    public void SteadyTurn() => Turn(1);

    [Benchmark(OperationsPerInvoke = 20)]
    public void Burst10Turn() => Turn(10);
}
