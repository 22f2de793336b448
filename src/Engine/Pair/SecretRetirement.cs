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
        // One set and one list per thread, cleared after use (they hold only references, and keep their capacity).
        var seen = t_seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        var holders = t_holders ??= [];
        try
        {
            AddHolders(next, headerKeys: false, holders);
            foreach (var holder in holders) seen.Add(holder);
            holders.Clear();
            AddHolders(old, headerKeys: false, holders);
            int zeroed = 0;
            foreach (var holder in holders)
            {
                if (!seen.Add(holder)) continue;
                Zero(holder);
                zeroed++;
            }
            // The H header keys (most of the holders) by epoch instead of through the set: a key the
            // next state keeps is under the same epoch (or the map is the same one); only the rest is
            // looked for anywhere else in the next state before it is zeroed.
            if (!ReferenceEquals(old.HeaderKeys, next.HeaderKeys))
                foreach (var (epoch, key) in old.HeaderKeys)
                {
                    if (next.HeaderKeys.TryGetValue(epoch, out var kept) && ReferenceEquals(kept, key)) continue;
                    if (!seen.Add(key) || HoldsHeaderKey(next, key)) continue;
                    Zero(key);
                    zeroed++;
                }
            return zeroed;
        }
        finally
        {
            seen.Clear();
            holders.Clear();
        }
    }

    [ThreadStatic] private static HashSet<object>? t_seen;
    [ThreadStatic] private static List<object>? t_holders;

    private static bool HoldsHeaderKey(PairState s, byte[] key)
    {
        foreach (var (_, held) in s.HeaderKeys)
            if (ReferenceEquals(held, key)) return true;
        return false;
    }

    /// <summary>Every object of a state that holds secret bytes.</summary>
    internal static IEnumerable<object> Holders(PairState s)
    {
        var holders = new List<object>();
        AddHolders(s, headerKeys: true, holders);
        return holders;
    }

    /// <summary>Adds every holder of secret bytes in <paramref name="s"/> to <paramref name="into"/> (no iterator object per call: this runs twice per datagram).</summary>
    private static void AddHolders(PairState s, bool headerKeys, List<object> into)
    {
        var g = s.Group;
        into.Add(g.Secrets);
        into.Add(g.SecretTree);
        into.Add(g.Private);
        into.Add(g.SignaturePrivateKey);
        foreach (var past in g.PastEpochs)
        {
            into.Add(past.SenderDataSecret);
            into.Add(past.SecretTree);
        }
        foreach (var psk in g.ResumptionPsks) into.Add(psk.Psk);
        foreach (var p in g.Proposals)
        {
            if (p.Own is not { } own) continue;
            into.Add(own.LeafPrivateKey);
            if (own.SignaturePrivateKey is { } key) into.Add(key);
        }
        if (headerKeys)
            foreach (var (_, key) in s.HeaderKeys) into.Add(key);
        if (s.PendingAgentPrivateKey is { } agent) into.Add(agent);
        if (s.InvitationInitPrivateKey is { } init) into.Add(init);
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
