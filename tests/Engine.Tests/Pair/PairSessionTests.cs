using Sim.Engine.Pair;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>End-to-end conversations: invitation, acceptance, join, steady-state exchange.</summary>
public sealed class PairSessionTests
{
    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    [InlineData((ushort)4)]
    [InlineData((ushort)5)]
    [InlineData((ushort)6)]
    [InlineData((ushort)7)]
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
