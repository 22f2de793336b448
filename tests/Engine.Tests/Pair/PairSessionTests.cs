using Sim.Engine.Tests.Support;
using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>End-to-end conversations: invitation, acceptance, join, steady-state exchange.</summary>
public sealed class PairSessionTests
{
    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void ConversationConvergesOnEverySuite(ushort suite)
    {
        var kit = new PairTestKit(seed: suite, suite: suite).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "hi Bob");
        Exchange(b, a, "hi Alice");
        Exchange(a, b, "how are you");
        AssertConverged(a, b);
        Assert.Equal(b.WelcomeEpoch + 3, a.Epoch);
    }
}
