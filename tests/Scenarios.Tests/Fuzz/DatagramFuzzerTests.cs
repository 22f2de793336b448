using Sim.Engine.Pair;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Fuzz;
using Sim.Scenarios.Tests.Cli;

namespace Sim.Scenarios.Tests.Fuzz;

/// <summary>
/// The nightly fuzz, short: every suite, every Receive path, outer and insider mutations; and planted
/// receivers that throw, deliver what they should refuse, or change state on a rejection, each caught.
/// </summary>
public sealed class DatagramFuzzerTests
{
    private static readonly Lazy<IReadOnlyList<FuzzEntry>> Suite1 = new(() => FuzzCorpus.Build(1, 3));

    [Fact]
    public void TheShortRunOverEverySuiteFindsNothingAndTriesEveryPathAndMutation()
    {
        // Suite 1 long enough to draw every mutation on every path; the six others briefly (P-384, P-521 and X448 are slow).
        var result = new DatagramFuzzer(Suite1.Value, 3).Run(0, 400);
        Assert.Equal(0, result.ViolationCount);
        Assert.Equal([FuzzCorpus.JoinPath, FuzzCorpus.SessionPath], result.PerPath.Keys);
        foreach (var m in DatagramFuzzer.MutationsFor(Suite1.Value.First(e => e.Insider is not null)))
            Assert.True(result.PerMutation.ContainsKey(m), $"mutation {m} never tried");
        // The insider gets past the seal: refusals other than "no key opens it" are common.
        Assert.True(result.Outcomes.Where(kv => kv.Key != "Rejected:NotForThisSession").Sum(kv => kv.Value) > result.Tried / 10,
            string.Join(", ", result.Outcomes));
        for (ushort suite = 2; suite <= 7; suite++)
        {
            var other = new DatagramFuzzer(FuzzCorpus.Build(suite, 3), 3).Run(0, 20);
            Assert.Equal(0, other.ViolationCount);
            Assert.Equal(20, other.PerSuite[suite] + other.NotApplicable);
        }
    }

    [Fact]
    public void TheSameSeedTriesTheSameDatagrams()
    {
        var a = new DatagramFuzzer(Suite1.Value, 5).Run(0, 100);
        var b = new DatagramFuzzer(Suite1.Value, 5).Run(0, 100);
        Assert.Equal(a.Outcomes, b.Outcomes);
        Assert.Equal(a.PerMutation, b.PerMutation);
    }

    private sealed class Planted(Func<ReceiveOutcome> answer, bool changeOnReject = false, bool throws = false) : IFuzzReceiver
    {
        private int _state;

        public ReceiveOutcome Receive(ReadOnlySpan<byte> datagram)
        {
            if (throws) throw new IndexOutOfRangeException("planted");
            var outcome = answer();
            if (changeOnReject && outcome is Rejected) _state++;
            return outcome;
        }

        public byte[] Save() => BitConverter.GetBytes(_state);
    }

    private static FuzzResult RunPlanted(IFuzzReceiver receiver) =>
        new DatagramFuzzer(Suite1.Value.Select(e => e with { NewReceiver = () => receiver }).ToList(), 1).Run(0, 50);

    [Fact]
    public void AReceiverThatThrowsIsCaught()
    {
        var result = RunPlanted(new Planted(() => null!, throws: true));
        Assert.True(result.Tried > 0);
        Assert.Equal(result.Tried, result.Violations[FuzzResult.Exception]);
        Assert.Contains("threw IndexOutOfRangeException", result.FirstViolations[0].What);
    }

    [Fact]
    public void AReceiverThatDeliversAlteredBytesIsCaught()
    {
        var result = RunPlanted(new Planted(() => new Delivered([1, 2], 5, null!, [])));
        Assert.True(result.Violations[FuzzResult.AlteredDelivered] > 0);
        Assert.Contains("Delivered", result.FirstViolations[0].What);
    }

    [Fact]
    public void AReceiverWhoseRejectionChangesItsStateIsCaught()
    {
        var result = RunPlanted(new Planted(() => new Rejected(RejectReason.Malformed, "planted"), changeOnReject: true));
        Assert.True(result.Violations[FuzzResult.StateNotIdentical] > 0);
        // A receiver that refuses and changes nothing passes.
        Assert.Equal(0, RunPlanted(new Planted(() => new Rejected(RejectReason.Malformed, "planted"))).ViolationCount);
    }

    [Fact]
    public void TheCommandPrintsItsFiguresAndRefusesBadSuites()
    {
        var run = CliRun.Invoke("fuzz", "--datagrams", "60", "--suites", "1", "--seed", "2");
        Assert.Equal(ExitCodes.Held, run.Exit);
        Assert.Contains("datagrams/s", run.Output);
        Assert.Contains("violations: exceptions 0, altered Delivered 0, state not byte-identical 0", run.Output);
        Assert.Contains("no violation", run.Output);
        var bad = CliRun.Invoke("fuzz", "--suites", "1,8");
        Assert.Equal(ExitCodes.Usage, bad.Exit);
        Assert.Contains("'8' is not a cipher suite", bad.Error);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("fuzz", "--datagrams", "0").Exit);
    }
}
