using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Multi;

/// <summary>
/// "Deleted means deleted" for retained group states (DESIGN.md security hygiene, RFC 9420 §9.2
/// deletion schedule): when a member drops a state it kept (the retention window ended, or a newer
/// copy replaced it after reading a message), every secret that state holds and no state still held
/// holds is zeroed in memory: epoch secrets, the secret tree, the tree's private keys, the past
/// epochs' sender-data secrets and secret trees, resumption PSKs, own proposals' leaf keys. States
/// are values that share what did not change, so "still held" is decided by reference
/// reachability from the states kept. The signature key is the member's identity, not an epoch's
/// secret, and is never touched.
/// </summary>
internal static class RetainedWipe
{
    /// <summary>Zeroes what <paramref name="dropped"/> holds and none of <paramref name="kept"/> holds; returns how many holders were zeroed.</summary>
    public static int Zero(GroupState dropped, IEnumerable<GroupState> kept)
    {
        var live = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var s in kept)
            if (!ReferenceEquals(s, dropped)) foreach (var h in Holders(s)) live.Add(h);
        int zeroed = 0;
        foreach (var h in Holders(dropped))
        {
            if (!live.Add(h)) continue;
            switch (h)
            {
                case Secret secret: secret.Clear(); break;
                case EpochSecrets secrets: secrets.Clear(); break;
                case SecretTree tree: tree.Clear(); break;
                case TreeKemPrivate priv: priv.Clear(); break;
                default: throw new InvalidOperationException($"no way to zero a {h.GetType().Name}");
            }
            zeroed++;
        }
        return zeroed;
    }

    /// <summary>Every object of a state that holds an epoch's secret bytes.</summary>
    internal static IEnumerable<object> Holders(GroupState s)
    {
        yield return s.Secrets;
        yield return s.SecretTree;
        yield return s.Private;
        foreach (var past in s.PastEpochs)
        {
            yield return past.SenderDataSecret;
            yield return past.SecretTree;
        }
        foreach (var psk in s.ResumptionPsks) yield return psk.Psk;
        foreach (var p in s.Proposals)
            if (p.Own is { } own) yield return own.LeafPrivateKey;
    }
}
