using BenchmarkDotNet.Attributes;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// PairMLS sessions in suite 1 with a 100-byte payload (PAIRMLS.md "Steady state"):
/// <list type="bullet">
/// <item><see cref="SendAndReceiveInOwnEpoch"/>: a datagram in an epoch the sender already committed
/// (update proposal + application message + header seal; the receiver processes proposal and message).</item>
/// <item><see cref="RoundTripWithCommits"/>: A sends and B receives, then B sends and A receives; each
/// send commits into the sender's next epoch (UpdatePath) before proposing and encrypting.</item>
/// </list>
/// Each Send also saves the whole session (persist-before-send), which is included.
/// Measured with --job short on the 2-core dev machine: 1.56 ms (162 KB) for a datagram in an own
/// epoch, 8.2 ms (563 KB) for a round trip with two commits. [IterationSetup] runs one invocation per
/// iteration, right after a fresh setup, so these are cold figures (BenchmarkDotNet warns that such
/// sub-100 ms iterations are unreliable); warm per-datagram figures: <see cref="PairConversationBenchmarks"/>
/// and the pair-floor command.
/// </summary>
[MemoryDiagnoser]
public class PairSessionBenchmarks
{
    private readonly byte[] _payload = new byte[100];
    private PairSession _alice = null!, _bob = null!;

    [IterationSetup]
    public void Setup()
    {
        (_alice, _bob) = PairBenchmarkConversation.Start("pair-benchmark", _payload);
    }

    [Benchmark]
    public object SendAndReceiveInOwnEpoch() => _bob.Receive(_alice.Send(_payload).Datagram);

    [Benchmark]
    public object RoundTripWithCommits()
    {
        _alice.Receive(_bob.Send(_payload).Datagram);
        return _bob.Receive(_alice.Send(_payload).Datagram);
    }
}
