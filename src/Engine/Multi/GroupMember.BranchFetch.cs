namespace Sim.Engine.Multi;

/// <summary>
/// Retention (strategy 4): fetching a losing branch a merge imports but we never received. Being in that
/// branch's tree does not mean holding its state: its commit may have been lost on the way to us, and
/// once everyone moved onto the canonical branch no commit log serves it. So every member keeps the
/// commit bodies of the branches it held (public PublicMessage commits, RFC 9420 §6.2, no secret), and
/// a member whose merge PSK (§8.4) is missing asks the merge's sender for the commits leading to that
/// head; processed from the fork point it retained, they give the head's state, the PSK, and the merge,
/// instead of an external rejoin that loses what was sent meanwhile.
/// </summary>
public sealed partial class GroupMember
{
    private const int BodiesKept = 64;
    private const int BranchCommitsSent = 16;

    private readonly Dictionary<string, (ulong ParentEpoch, byte[] ParentTip, byte[] Body)> _bodies = [];
    private readonly Queue<(string Key, long SinceMs)> _bodyOrder = new();
    private readonly Dictionary<string, (byte[] Tip, string From)> _wantedHeads = [];

    /// <summary>
    /// Keeps the body of a commit we processed on any branch (retention), keyed by its hash, for the
    /// retention window (the fork point a requester processes it from is kept no longer) and at most 64.
    /// </summary>
    private void KeepBody(ulong parentEpoch, byte[] parentTip, byte[] hash, byte[] body)
    {
        if (!IsRetention || !_bodies.TryAdd(Convert.ToHexString(hash), (parentEpoch, parentTip, body))) return;
        _bodyOrder.Enqueue((Convert.ToHexString(hash), _now));
        while (_bodyOrder.Count > BodiesKept) _bodies.Remove(_bodyOrder.Dequeue().Key);
    }

    /// <summary>Every tick: bodies kept past the retention window are dropped.</summary>
    private void ForgetOldBodies()
    {
        while (_bodyOrder.TryPeek(out var oldest) && _now - oldest.SinceMs >= _options.RetentionMs) _bodies.Remove(_bodyOrder.Dequeue().Key);
    }

    /// <summary>The merge <paramref name="d"/> names heads whose PSK we could not compute: ask its sender for their commits.</summary>
    private void WantHeads(MultiDatagram d, IEnumerable<Sim.Engine.Messages.PreSharedKeyId> missing)
    {
        foreach (var id in missing)
            if (TryParseMergePskId(id.PskId, out _, out var tip)) _wantedHeads.TryAdd(Convert.ToHexString(tip), (tip, d.Sender));
        AskForHeads();
    }

    /// <summary>Every tick and on a miss: the heads still wanted (no held state has that tip) are asked for again, one request per sender per retry period.</summary>
    private void AskForHeads()
    {
        foreach (var (key, (tip, from)) in _wantedHeads.ToList())
        {
            if (_retained.Any(r => r.Chain.Tip.AsSpan().SequenceEqual(tip)) || _chain.Tip.AsSpan().SequenceEqual(tip)) { _wantedHeads.Remove(key); continue; }
            if (Ask("head/" + key)) Send(from, Datagram(MultiKind.CatchUp) with { Ids = [tip] });
        }
    }

    /// <summary>A catch-up naming heads (<see cref="MultiDatagram.Ids"/>): the commits leading to each, oldest first, from the bodies we kept.</summary>
    private void SendBranches(MultiDatagram d)
    {
        foreach (var tip in d.Ids.Take(4))
        {
            var path = new List<(ulong ParentEpoch, byte[] ParentTip, byte[] Body)>();
            string key = Convert.ToHexString(tip);
            while (path.Count < BranchCommitsSent && _bodies.TryGetValue(key, out var c))
            {
                path.Add(c);
                key = Convert.ToHexString(c.ParentTip);
            }
            path.Reverse();
            foreach (var (parentEpoch, parentTip, body) in path)
                Send(d.Sender, new MultiDatagram(MultiKind.Commit, Name, parentEpoch, parentTip) { Body = body });
        }
    }
}
