using Sim.Scenarios.Generators;
using Sim.Simulator.Trace;
using Xunit.Abstractions;

namespace Sim.Scenarios.Tests.Properties;

/// <summary>
/// PAIRMLS.md "Creating a conversation", step 2: the acceptor first commits an empty commit with probability 1/2
/// (its own randomness), so that the parity of the Welcome epoch w does not tell who invited whom. Judged from the
/// worlds' Joined events (the w both parties joined in): over eight fixed seeds w takes both parities; without the
/// coin (or with it ignored) every w has the same one. Each world is judged by every checker too.
/// </summary>
public sealed class AcceptParityTests(ITestOutputHelper output)
{
    [Fact]
    public void TheWelcomeEpochsParityVariesWithTheAcceptorsCoin()
    {
        var welcomes = new List<ulong>();
        for (int seed = 1; seed <= 8; seed++)
        {
            var (result, trace, _) = JudgedWorld.Run(Scenario.Parse($"seed={seed} r=2 suite=1 send(bob,8) wait(50) send(alice,8) wait(50)"), output);
            Assert.True(result.Converged);
            var joined = trace.Events.OfType<JoinedEvent>().ToList();
            Assert.Equal(2, joined.Count);
            Assert.Single(joined.Select(j => j.WelcomeEpoch).Distinct());
            welcomes.Add(joined[0].WelcomeEpoch);
        }
        output.WriteLine("w: " + string.Join(", ", welcomes));
        Assert.Contains(welcomes, w => w % 2 == 0);
        Assert.Contains(welcomes, w => w % 2 == 1);
    }
}
