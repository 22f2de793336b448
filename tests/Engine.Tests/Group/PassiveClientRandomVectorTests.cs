using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// passive-client-random.json: one suite-1 case, a Welcome then 200 epochs of random Adds, Updates,
/// Removes and Commits by various members, each with the epoch authenticator. Checks that the
/// passive member follows all 200 epochs and agrees on every epoch authenticator.
/// </summary>
public sealed class PassiveClientRandomVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void PassiveClientRandomJson(string provider) => VectorFile.RunAll(output, provider, "passive-client-random.json", (c, _) => PassiveClient.Run(c));
}
