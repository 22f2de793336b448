using System.Security.Cryptography;
using Sim.Engine.Group;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Pair;

/// <summary>
/// "Deleted means deleted" (DESIGN.md security hygiene; RFC 9420 §9.2 deletion schedule, §16.5
/// forward secrecy): when a session swaps in its next state, every secret the old state held that
/// the new one no longer holds is zeroed in memory, not only dropped: the application secrets and
/// sender-data secret of an epoch that left the retention window R, the secret trees and ratchet
/// secrets replaced by newer copies, the epoch secrets of an epoch that ended, the private keys of
/// update proposals that were not taken, header keys older than H, the invitation's init key.
/// States are values that share what did not change, so "no longer held" is decided by reference
/// reachability from the new state; saved bytes and loaded states own their own copies and are
/// never touched. Only the session's own swap calls this: a rejected datagram's candidate state is
/// simply dropped (nothing it made is shared with the kept state except what that state holds).
/// </summary>
internal static class SecretRetirement
{
    /// <summary>Zeroes what <paramref name="old"/> holds and <paramref name="next"/> does not; returns how many holders were zeroed.</summary>
    public static int Retire(PairState old, PairState next)
    {
        // One set per thread, cleared after use (it holds only references, and keeps its capacity):
        // a state holds ~70 holders (H header keys), so a fresh set per swap would be ~5 KB of garbage.
        var seen = t_seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (var holder in Holders(next)) seen.Add(holder);
            int zeroed = 0;
            foreach (var holder in Holders(old))
            {
                if (!seen.Add(holder)) continue;
                Zero(holder);
                zeroed++;
            }
            return zeroed;
        }
        finally { seen.Clear(); }
    }

    [ThreadStatic] private static HashSet<object>? t_seen;

    /// <summary>Every object of a state that holds secret bytes.</summary>
    internal static IEnumerable<object> Holders(PairState s)
    {
        var g = s.Group;
        yield return g.Secrets;
        yield return g.SecretTree;
        yield return g.Private;
        yield return g.SignaturePrivateKey;
        foreach (var past in g.PastEpochs)
        {
            yield return past.SenderDataSecret;
            yield return past.SecretTree;
        }
        foreach (var psk in g.ResumptionPsks) yield return psk.Psk;
        foreach (var p in g.Proposals)
        {
            if (p.Own is not { } own) continue;
            yield return own.LeafPrivateKey;
            if (own.SignaturePrivateKey is { } key) yield return key;
        }
        foreach (var key in s.HeaderKeys.Values) yield return key;
        if (s.PendingAgentPrivateKey is { } agent) yield return agent;
        if (s.InvitationInitPrivateKey is { } init) yield return init;
    }

    private static void Zero(object holder)
    {
        switch (holder)
        {
            case Secret secret: secret.Clear(); break;
            case EpochSecrets secrets: secrets.Clear(); break;
            case SecretTree tree: tree.Clear(); break;
            case TreeKemPrivate priv: priv.Clear(); break;
            case byte[] bytes: CryptographicOperations.ZeroMemory(bytes); break;
            default: throw new InvalidOperationException($"no way to zero a {holder.GetType().Name}");
        }
    }
}
