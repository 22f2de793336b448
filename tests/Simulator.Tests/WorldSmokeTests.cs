using Xunit.Abstractions;

namespace Sim.Simulator.Tests;

public sealed class WorldSmokeTests(WorldFixture fixture, ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    [Fact]
    public void CleanChatConverges()
    {
        var r = fixture.Run(new WorldOptions { Seed = 1, UserScript = WorldKit.Chat() });
        output.WriteLine(r.ToString());
        output.WriteLine(r.Trace.ToJsonLines());
        Assert.True(r.Converged);
    }
}
