using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// passive-client-welcome.json: per case a cipher suite, external PSKs, a KeyPackage with its
/// signature, encryption and init private keys, a Welcome for it (ratchet tree in the GroupInfo
/// extension or given as ratchet_tree) and the initial epoch authenticator; no further epochs.
/// Checks the keys match the KeyPackage, the join (§12.4.3.1: GroupInfo signature, full tree
/// validation, path secret, key schedule with PSKs, confirmation tag) and the epoch authenticator.
/// </summary>
public sealed class PassiveClientWelcomeVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void PassiveClientWelcomeJson(string provider) => VectorFile.RunAll(output, provider, "passive-client-welcome.json", (c, _) => PassiveClient.Run(c));
}
