using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>Fork detection and canonical healing (GROUPS.md strategy 2) and the retained states it can use (strategy 4).</summary>
public sealed partial class GroupMember
{
    /// <summary>A state of an epoch we left, kept so a concurrent commit for it can still be processed; since when.</summary>
    private sealed record Retained(GroupState State, BranchChain Chain, long SinceMs);

    private readonly List<Retained> _retained = [];
    private readonly List<(ulong Epoch, byte[] Body)> _commitLog = [];
    private long _retainedLongestMs;
    private long? _joinAt;
    private string _joinFrom = "";
    private BranchChain? _best;
    private string _bestFrom = "";

    /// <summary>When the wait before an external rejoin is over: ask the peer with the best chain we know for a fresh GroupInfo.</summary>
    private void RejoinWhenDue()
    {
        if (_joinAt is not { } at || _now < at) return;
        string from = _bestFrom.Length > 0 ? _bestFrom : _joinFrom;
        if (Ask("rejoin/" + from)) Send(from, Datagram(MultiKind.CatchUp) with { Epoch = ulong.MaxValue });
    }

    /// <summary>
    /// Remembers the best chain seen (ours included) by the canonical-branch rule and who showed it. The
    /// rule is a total order and a chain keeps its standing as it grows, so this only ever improves.
    /// </summary>
    private void SeeChain(BranchChain theirs, string from)
    {
        if ((_best ?? _chain).Compare(theirs) is not (ChainRelation.Behind or ChainRelation.ForkTheyWin)) return;
        _best = theirs;
        _bestFrom = from;
    }

    /// <summary>True when <paramref name="theirs"/> is a strict prefix of the best chain we know, or loses to it.</summary>
    private bool BehindBest(BranchChain theirs) => _best is { } best && best.Compare(theirs) is ChainRelation.Ahead or ChainRelation.ForkWeWin;

    /// <summary>States of left epochs held now (fork-resilient retention's storage).</summary>
    public int RetainedStateCount => _retained.Count + KeptPskCount;

    /// <summary>The longest any retained state was kept, or is kept now (the forward-secrecy exposure of retention), ms.</summary>
    public long RetainedLongestMs => Math.Max(Math.Max(_retainedLongestMs, _retained.Count == 0 ? 0 : _now - _retained.Min(r => r.SinceMs)), PskExposureMs);

    /// <summary>Bytes of the states this member holds: the current one and every retained one (each saved as it would be stored).</summary>
    public long StateBytes() => (_group is null ? 0 : _group.Save().LongLength) + _retained.Sum(r => (long)r.State.Save().Length)
        + _sendGroups.Values.Sum(g => g.Save().LongLength) + _psks.Values.Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Bytes this member keeps only to serve others, beside its states: the commit bodies of its log (catch-ups)
    /// and, with retention, of every branch it held (branch fetch), each distinct commit once, and the plaintexts
    /// held for key-share (with their ids).
    /// </summary>
    public long ServedBytes()
    {
        var counted = new HashSet<string>(_bodies.Keys);
        long bytes = _bodies.Values.Sum(b => (long)b.Body.Length + b.ParentTip.Length);
        foreach (var (_, body) in _commitLog)
            if (counted.Add(Convert.ToHexString(_suite.Hash(body)))) bytes += body.Length;
        return bytes + _held.Sum(h => (long)h.Key.Length + h.Value.Plaintext.Length);
    }

    /// <summary>
    /// GROUPS.md PCS: a copy of every secret group state this member holds now (current, retained,
    /// every send group, the kept PSK exports), as an attacker who stole its storage would have it.
    /// </summary>
    public PcsAttacker Compromise(Sim.Engine.Crypto.IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var saved = new List<(byte[] State, byte[] Tip)>();
        if (_group is not null) saved.Add((_group.Save(), _chain.Tip));
        saved.AddRange(_retained.Select(r => (r.State.Save(), r.Chain.Tip)));
        saved.AddRange(_sendGroups.Values.Select(g => (g.Save(), Array.Empty<byte>())));
        var psks = _psks.ToDictionary(p => p.Key, p => p.Value.Value.ToArray());
        return new PcsAttacker(Name, _suite, saved, psks, _options.PastEpochKeys, random);
    }

    private void Retain()
    {
        if (_group is null) return;
        if (IsRetention) { Hold(new Retained(_group.State, _chain, _now)); return; } // bounded by time (RetentionTick)
        if (_options.RetainedStates <= 0) return;
        _retained.Add(new Retained(_group.State, _chain, _now));
        _retainedPeak = Math.Max(_retainedPeak, _retained.Count);
        while (_retained.Count > _options.RetainedStates) Forget(0);
    }

    /// <summary>A retained state leaves (over the count or the window): deleted means deleted, its secrets are zeroed (<see cref="RetainedWipe"/>).</summary>
    private void Forget(int index)
    {
        _retainedLongestMs = Math.Max(_retainedLongestMs, _now - _retained[index].SinceMs);
        var dropped = _retained[index].State;
        _retained.RemoveAt(index);
        Wipe(dropped);
    }

    /// <summary>Drops every retained state <paramref name="match"/> selects, each zeroed once the states still held are known (call after the new current state is in place).</summary>
    private void ForgetAll(Predicate<Retained> match)
    {
        for (int i = _retained.Count - 1; i >= 0; i--)
            if (match(_retained[i])) Forget(i);
    }

    private void LogCommit(ulong newEpoch, byte[] body)
    {
        _commitLog.RemoveAll(c => c.Epoch >= newEpoch);
        _commitLog.Add((newEpoch, body));
        while (_commitLog.Count > _options.CommitLog) _commitLog.RemoveAt(0);
    }

    /// <summary>Every datagram carries its sender's head; one that does not fit our chain asks for the sender's whole chain.</summary>
    private void NoteHead(MultiDatagram d)
    {
        if (!IsMember || d.Epoch == 0 || d.Sender == Name) return;
        if (d.Epoch <= _chain.Epoch && _chain.CommitFor(d.Epoch) is { } ours && ours.AsSpan().SequenceEqual(d.Tip)) return;
        if (Ask("chain/" + d.Sender)) Send(d.Sender, Datagram(MultiKind.ChainRequest));
    }

    private void OnChainReply(MultiDatagram d)
    {
        if (!IsMember) return;
        var theirs = new BranchChain(d.Chain);
        SeeChain(theirs, d.Sender);
        switch (_chain.Compare(theirs))
        {
            case ChainRelation.Behind:
                if (Ask("catchup/" + d.Sender)) Send(d.Sender, Datagram(MultiKind.CatchUp));
                break;
            case ChainRelation.ForkWeWin:
                // The loser asks for our GroupInfo when it is ready to rejoin (sending it unasked to every
                // loser from every winner costs a ratchet tree per pair and per retry).
                _seen.Add(new MemberObservation.ForkDetected(_chain.ForkPoint(theirs) + 1, "chain", d.Sender));
                // Retention: learn the losing branch's commits from the retained fork point, to read its messages and merge it.
                if (IsRetention && _retained.Any(r => r.Chain.Epoch == _chain.ForkPoint(theirs) && _chain.ForkPoint(r.Chain) == r.Chain.Epoch) && Ask("branch/" + d.Sender))
                    Send(d.Sender, Datagram(MultiKind.CatchUp) with { Epoch = _chain.ForkPoint(theirs) });
                break;
            case ChainRelation.ForkTheyWin:
                ulong fork = _chain.ForkPoint(theirs);
                _seen.Add(new MemberObservation.ForkDetected(fork + 1, "chain", d.Sender));
                // With the fork point's state retained, their commits suffice; otherwise ask for a GroupInfo.
                bool retained = _retained.Any(r => r.State.Epoch == fork && r.Chain.Epoch == fork);
                if (retained) { if (Ask("catchup/" + d.Sender)) Send(d.Sender, Datagram(MultiKind.CatchUp) with { Epoch = fork }); break; }
                if (_joinAt is not null) break; // already waiting to rejoin: it asks for a fresh GroupInfo then
                // One GroupInfo (a whole ratchet tree) at a time, from the best chain we know, not one from every winner that answers.
                if (Ask("groupinfo")) Send(_bestFrom, Datagram(MultiKind.CatchUp) with { Epoch = ulong.MaxValue });
                break;
        }
    }

    /// <summary>A catch-up: the commits after the asked epoch from our log, or our GroupInfo when the log does not reach back.</summary>
    private void OnCatchUp(MultiDatagram d)
    {
        if (!IsMember) return;
        if (IsRetention && d.Ids.Count > 0) { SendBranches(d); return; }
        ulong from = d.Epoch;
        bool logged = from < _chain.Epoch && _commitLog.Count > 0 && _commitLog[0].Epoch <= from + 1 && _commitLog[^1].Epoch == _chain.Epoch;
        if (!logged || from == ulong.MaxValue) { SendGroupInfo(d.Sender); return; }
        foreach (var (epoch, body) in _commitLog.Where(c => c.Epoch > from))
            Send(d.Sender, new MultiDatagram(MultiKind.Commit, Name, epoch - 1, _chain.CommitFor(epoch - 1) ?? []) { Body = body });
    }

    private void SendGroupInfo(string to) =>
        Send(to, Datagram(MultiKind.GroupInfoReply) with { Body = Tls.Serialize(MlsMessage.From(_group!.GroupInfo(withRatchetTree: true))), Chain = _chain.Commits });

    /// <summary>A second valid commit for an epoch we left: a fork seen from the commits themselves; the rule may move us onto it.</summary>
    private void OnOldCommit(MultiDatagram d, MlsMessage message, ulong epoch, byte[] hash)
    {
        if (_options.Strategy == MultiStrategy.Sequenced) { Reject(d, "old epoch"); return; }
        int at = _retained.FindIndex(r => r.State.Epoch == epoch && r.Chain.Epoch == epoch && r.Chain.Tip.AsSpan().SequenceEqual(_chain.CommitFor(epoch) ?? []));
        if (at < 0) { Reject(d, "old epoch, state not retained"); return; }
        var old = _retained[at];
        var fork = MlsGroup.FromState(old.State, _random.Derive($"fork/{epoch}/{MessageRef(hash)}"));
        StagedCommit staged;
        try
        {
            if (fork.Process(message) is not StagedCommit s) { Reject(d, "not a commit"); return; }
            staged = s;
        }
        catch (ProcessMessageException e) { Reject(d, e.ReasonName); return; }
        var theirs = old.Chain.Extend(hash);
        _seen.Add(new MemberObservation.ForkDetected(epoch + 1, "commits", d.Sender));
        if (_chain.Compare(theirs) != ChainRelation.ForkTheyWin) return;
        // The canonical branch's Commit, verified on the state we kept, removes us (RFC 9420 §12.1.3): we leave.
        if (staged.Removed) { LeaveRemoved(d, theirs); return; }
        if (staged.Committer.SenderType == SenderType.NewMemberCommit && !IsResyncAgainst(staged, old.State)) return;
        ulong from = Epoch;
        fork.Merge(staged);
        SwitchTo(fork, theirs.UpTo(epoch), "retained", from);
        ForgetAll(r => r.State.Epoch >= epoch);
        Entered(d.Body, hash, "switch", d.Sender);
    }

    private static bool IsResyncAgainst(StagedCommit staged, GroupState before)
    {
        var joiner = staged.NewState.Tree.GetLeaf(staged.CommitterLeaf)!;
        return staged.Proposals.Any(p => p.Proposal is RemoveProposal r && before.Tree.TryGetLeaf(r.Removed) is { } old
            && old.Credential.Identity is { } a && joiner.Credential.Identity is { } b && a.AsSpan().SequenceEqual(b));
    }

    /// <summary>Moves onto another branch: <paramref name="chain"/> leads to the epoch before <paramref name="group"/>'s (its commit is entered next).</summary>
    private void SwitchTo(MlsGroup group, BranchChain chain, string how, ulong fromEpoch)
    {
        _group = group;
        _chain = chain;
        _pending = null;
        _joinAt = null;
        if (how != "retained") _commitLog.Clear();
        _seen.Add(new MemberObservation.Rejoined(fromEpoch, group.Epoch, how));
    }

    /// <summary>A GroupInfo of a branch that beats ours (or of ours, ahead of us): rejoin it with an external commit (RFC 9420 §12.4.3.2).</summary>
    private void OnGroupInfo(MultiDatagram d)
    {
        if (ParseMls(d.Body) is not { GroupInfo: { } info }) { Reject(d, "malformed"); return; }
        var theirs = new BranchChain(d.Chain);
        if (theirs.Epoch != info.GroupContext.Epoch) { Reject(d, "chain does not lead to the GroupInfo's epoch"); return; }
        SeeChain(theirs, d.Sender);
        var relation = _group is null ? ChainRelation.Behind : _chain.Compare(theirs);
        if (IsMember && relation is not (ChainRelation.Behind or ChainRelation.ForkTheyWin)) { _joinAt = null; return; }
        if (_group is { IsRemoved: true } && relation == ChainRelation.Behind) return; // removed on this branch: stay out
        // Policy: an external commit only as a resync of a leaf of ours in that tree; others wait for a re-add.
        uint? old = null;
        int wireLeaves = 0;
        RatchetTreeWire? wire = null;
        if (info.Extensions.FirstOrDefault(x => x.ExtensionType == Extension.RatchetTree) is { } ext
            && Tls.TryDeserialize(ext.ExtensionData, out wire) && wire is not null)
            for (int i = 0; i < wire.Nodes.Count; i += 2)
                if (wire.Nodes[i]?.Leaf is { } leaf)
                {
                    wireLeaves++;
                    if (NameOf(leaf) == Name) old = (uint)(i / 2);
                }
        if (old is null)
        {
            if (RemovedBy(info, wire, theirs)) { LeaveRemoved(d, theirs); return; }
            Reject(d, "no leaf of ours to resync");
            return;
        }
        // A GroupInfo of a peer that lags behind the best chain we know would make our external commit fork
        // that chain at an old epoch, and under the lowest-hash rule overturn every epoch since half the
        // time (a 64-member heal cascaded for 50 virtual s that way): join only at the best tip we know.
        if (BehindBest(theirs))
        {
            Reject(d, "group info behind the best chain known");
            if (_joinAt is not null) _joinFrom = _bestFrom;
            return;
        }
        // Losers of one fork would all commit externally at once and fork again: each waits a seeded
        // share of a spread that grows with the group, then asks for a fresh GroupInfo and joins with it.
        if (_joinAt is not { } joinAt)
        {
            _joinAt = _now + (long)_random.NextUInt64((ulong)Math.Max(1, _options.JoinSpreadMsPerMember * Math.Max(1, info.GroupContext.Epoch > 0 ? wireLeaves : 1)));
            _joinFrom = d.Sender;
            return;
        }
        if (_now < joinAt) { _joinFrom = d.Sender; return; }
        _joinAt = null;
        MlsGroup group;
        MlsMessage commit;
        try { (group, commit) = MlsGroup.JoinExternal(info, null, _signature, _credential, _random.Derive($"external/{info.GroupContext.Epoch}/{_now}"), _groupOptions, resyncRemove: old); }
        catch (ExternalJoinException e) { Reject(d, e.ReasonName); return; }
        byte[] body = Tls.Serialize(commit);
        byte[] hash = _suite.Hash(body);
        ulong from = Epoch;
        bool joining = _group is null; // a joiner whose Welcome was lost resyncs its unused leaf
        if (IsRetention) Retain(); // the old branch stays readable for the window
        DropFuture();
        SwitchTo(group, theirs, "external", from);
        if (joining) _memberSince = group.Epoch;
        if (!IsRetention) ForgetAll(_ => true);
        var announce = new MultiDatagram(MultiKind.Commit, Name, theirs.Epoch, theirs.Tip) { Body = body };
        foreach (var m in Members.Where(m => m != Name)) Send(m, announce);
        Entered(body, hash, "external", Name);
    }

    /// <summary>
    /// True when <paramref name="info"/>, of a branch that beats ours or continues it, shows that branch removed us:
    /// we were a member at the last epoch both chains share (so the branch held our leaf), its tree has no leaf of
    /// ours, and the GroupInfo is signed (RFC 9420 §12.4.3) by a verified identity with the signature key the
    /// roster holds for it, so no outsider can evict us with a forged one. The Commit that removed us (§12.1.3)
    /// was lost or was on the other side of the fork; without this we would wait for ever on a dead branch.
    /// </summary>
    private bool RemovedBy(GroupInfo info, RatchetTreeWire? wire, BranchChain theirs)
    {
        if (IsSendGroups || !IsMember || wire is null || _chain.ForkPoint(theirs) < _memberSince) return false;
        int at = checked((int)info.Signer * 2);
        if (at >= wire.Nodes.Count || wire.Nodes[at]?.Leaf is not { } signer) return false;
        return IsVerified(signer) && GroupInfoSignature.Verify(_suite, info, signer.SignatureKey);
    }

    /// <summary>We were removed on the branch that beats ours: we leave (no group; a later Welcome may re-add us).</summary>
    private void LeaveRemoved(MultiDatagram d, BranchChain theirs)
    {
        _seen.Add(new MemberObservation.EpochEntered(theirs.Epoch, theirs.Tip, [], "removed", d.Sender, []));
        _group = null;
        _chain = BranchChain.Genesis;
        _pending = null;
        _joinAt = null;
        _commitLog.Clear();
        DropFuture();
    }

    /// <summary>A Welcome for us (RFC 9420 §12.4.3.1), taken when we have no group or its chain beats ours.</summary>
    private void OnWelcome(MultiDatagram d)
    {
        if (d.Target.Length > 0 && d.Target != Name) return;
        if (ParseMls(d.Body) is not { Welcome: { } welcome }) { Reject(d, "malformed"); return; }
        var theirs = new BranchChain(d.Chain);
        if (IsMember && _chain.Compare(theirs) is not (ChainRelation.Behind or ChainRelation.ForkTheyWin)) { Reject(d, "welcome to a branch that does not beat ours"); return; }
        MlsGroup? group;
        try { group = JoinWelcome(welcome); }
        catch (WelcomeException e) { Reject(d, e.ReasonName); return; }
        if (group is null) { Reject(d, "welcome not for us"); return; }
        if (group.Epoch != theirs.Epoch) { Reject(d, "chain does not lead to the Welcome's epoch"); return; }
        ulong from = Epoch;
        bool was = _group is not null;
        if (IsRetention) Retain();
        _group = group;
        if (!IsRetention) ForgetAll(_ => true);
        _chain = theirs;
        _memberSince = group.Epoch;
        _pending = null;
        _joinAt = null;
        _commitLog.Clear();
        if (was) _seen.Add(new MemberObservation.Rejoined(from, theirs.Epoch, "welcome"));
        _seen.Add(new MemberObservation.EpochEntered(group.Epoch, theirs.Tip, _suite.Hash(group.EpochAuthenticator), "welcome", d.Sender, Members));
        ReplayFuture();
    }
}
