using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// passive-client-handling-commit.json: like passive-client-welcome.json, then one or more epochs,
/// each with proposals (PublicMessages from members: Add, Update, Remove, PreSharedKey,
/// GroupContextExtensions) and a Commit covering them by value or by reference, and the epoch
/// authenticator after it. Checks that the passive member follows every Commit (§12.4.2: list
/// validation, leaf validation, UpdatePath decryption, PSKs, confirmation tag) and agrees on each
/// epoch authenticator.
/// </summary>
public sealed class PassiveClientHandlingCommitVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void PassiveClientHandlingCommitJson(string provider) =>
        VectorFile.RunAll(output, provider, "passive-client-handling-commit.json", (c, _) => PassiveClient.Run(c));
}
