using Sim.Engine.Crypto;

namespace Sim.Engine.Tests.Support;

/// <summary>Theory data over the crypto providers that run on this machine (both, where libsodium loads).</summary>
public static class Providers
{
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var p in CryptoProvider.Available) data.Add(p.Name);
            return data;
        }
    }
}
