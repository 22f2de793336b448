using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// PAIRMLS.md "Old datagrams are recognised" (issue 16, item 2): the cost of a datagram that no held
/// header key opens (another session's, suite 1): the receiver tries every held header key, newest
/// first, before it says NotForThisSession. <see cref="Epochs"/> exchanges fill the header-key
/// horizon: 2 epochs (a fresh conversation) against 70 (H = 64 keys plus the next epoch's, the
/// default). Receive of a rejected datagram changes nothing, so every invocation costs the same.
/// </summary>
[MemoryDiagnoser]
public class PairTrialDecryptionBenchmarks
{
    private readonly byte[] _payload = new byte[100];
    private PairSession _receiver = null!;
    private byte[] _foreign = null!;

    [Params(2, 70)]
    public int Epochs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (alice, bob) = PairBenchmarkConversation.Start("pair-trial", _payload);
        for (int i = 0; i < Epochs; i++)
            if (i % 2 == 0) alice.Receive(bob.Send(_payload).Datagram);
            else bob.Receive(alice.Send(_payload).Datagram);
        _receiver = alice;
        var (_, otherBob) = PairBenchmarkConversation.Start("pair-trial-foreign", _payload);
        _foreign = otherBob.Send(_payload).Datagram;
        if (_receiver.Receive(_foreign) is not Rejected { Reason: RejectReason.NotForThisSession })
            throw new InvalidOperationException("the foreign datagram must be NotForThisSession");
        Console.WriteLine($"// header keys held: {_receiver.HeldEpochs.Count}");
    }

    [Benchmark]
    public ReceiveOutcome ForeignDatagram() => _receiver.Receive(_foreign);
}
