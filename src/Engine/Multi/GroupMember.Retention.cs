using System.Buffers.Binary;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>
/// Fork-resilient retention (GROUPS.md strategy 4, after draft-kohbrok-mls-dmls and "Fork-Resilient
/// Continuous Group Key Agreement"), with plain RFC 9420 states. Members commit as in the
/// uncoordinated strategy, but:
/// <list type="bullet">
/// <item>every state a member leaves, and every state of another branch it learns, is kept for
/// <see cref="MultiOptions.RetentionMs"/> (then deleted, its secrets zeroed): a commit names its parent
/// by the datagram's head (epoch, tip), so a second commit for an epoch we left is processed from the
/// retained parent and gives a state of that branch;</item>
/// <item>every application message carries its epoch identifier in its MLS authenticated data (§6.3:
/// sent in the clear, bound by the AEAD): the hash of the commit that made its epoch, which names the
/// branch, so the receiver picks that branch's state (a message of a branch not held yet waits for
/// its commit);</item>
/// <item>the canonical branch is the uncoordinated rule's (lowest commit hash at the fork point); a
/// member whose branch loses moves onto the winner from the retained fork point and keeps its old
/// state to read late messages;</item>
/// <item>merge: a member of the canonical branch that holds the head of a losing branch commits, after
/// a seeded wait, an update that imports that head's epoch as an external PSK (§8.4, §12.1.4) whose
/// value is the head's MLS-Exporter output (§8.5), so the merged epoch depends on both branches. Every
/// member that held the losing head (its members, and those who processed its commits) computes the
/// same PSK; a member that cannot asks for a GroupInfo and rejoins by external commit (§12.4.3.2).</item>
/// </list>
/// </summary>
public sealed partial class GroupMember
{
    internal const string RetentionPskLabel = "pairsim retention merge";
    private const int RetainedCap = 64;
    private const int WaitingLimit = 256;

    /// <summary>
    /// A datagram of a branch we do not hold yet (or a merge commit whose imported branch we do not hold
    /// yet) waits this long for that branch's commit: half the retention window, at least 3 s. Then a
    /// message counts as unreadable (a key-share candidate) and a merge makes us rejoin by external commit.
    /// </summary>
    private long WaitMs => Math.Max(3_000, _options.RetentionMs / 2);

    /// <summary>The authenticated data (RFC 9420 §6) of a merge commit: a merge is never itself a branch to import.</summary>
    private static readonly byte[] MergeMark = "pairsim merge"u8.ToArray();

    private readonly List<(MultiDatagram D, long SinceMs)> _waiting = [];
    private readonly Dictionary<string, List<string>> _importsOf = [];
    private readonly HashSet<string> _merges = [];
    private readonly HashSet<string> _pskBlocked = [];
    private long? _waitSince;
    private long? _mergeAt;
    private bool _retrying;
    private int _retainedPeak;
    private int _secretsZeroed;

    private bool IsRetention => _options.Strategy == MultiStrategy.Retention;

    /// <summary>The most states this member held beside its current one at any time.</summary>
    public int RetainedPeak => _retainedPeak;

    /// <summary>Secret holders (epoch secrets, secret trees, private keys, PSKs) zeroed when their retained state was dropped (retention, and uncoordinated's <c>--retained</c>).</summary>
    public int SecretsZeroed => _secretsZeroed;

    /// <summary>
    /// Zeroes what a dropped state held and no state still held shares (<see cref="RetainedWipe"/>); nothing
    /// when the dropped state object itself is still held (current, or retained again), since it is not deleted.
    /// </summary>
    private void Wipe(GroupState dropped)
    {
        if (HeldStates().Any(s => ReferenceEquals(s, dropped))) return;
        _secretsZeroed += RetainedWipe.Zero(dropped, HeldStates());
    }

    /// <summary>The states held beside the current one (tests look at their secrets after the window).</summary>
    internal IReadOnlyList<GroupState> RetainedStatesForTests => [.. _retained.Select(r => r.State)];

    internal GroupState? CurrentStateForTests => _group?.State;

    /// <summary>Retention: the authenticated data of an application message we send, its epoch identifier (empty otherwise).</summary>
    private byte[]? ApplicationEpochId => IsRetention ? _chain.Tip : null;

    private int FindRetained(ulong epoch, ReadOnlySpan<byte> tip)
    {
        for (int i = 0; i < _retained.Count; i++)
            if (_retained[i].State.Epoch == epoch && _retained[i].Chain.Tip.AsSpan().SequenceEqual(tip)) return i;
        return -1;
    }

    private void Hold(Retained r)
    {
        _retained.Add(r);
        while (_retained.Count > RetainedCap) Forget(0);
        _retainedPeak = Math.Max(_retainedPeak, _retained.Count);
    }

    // ------------------------------------------------------------------ application messages on any branch held

    private void OnRetentionApplication(MultiDatagram d)
    {
        string id = MessageRef(d.Body);
        if (ParseMls(d.Body) is not { PrivateMessage: { } pm } message) { Reject(d, "malformed"); return; }
        if (!IsMember) { Reject(d, "not a member"); return; }
        if (_delivered.Contains(id)) { Reject(d, "duplicate"); return; }
        byte[] epochId = pm.AuthenticatedData;
        bool current = pm.Epoch == _group!.Epoch && epochId.AsSpan().SequenceEqual(_chain.Tip);
        int at = current ? -1 : FindRetained(pm.Epoch, epochId);
        bool onChain = _chain.CommitFor(pm.Epoch) is { } ours && ours.AsSpan().SequenceEqual(epochId);
        if (!current && at < 0 && !onChain) { Wait(d); return; } // its branch's commit has not reached us (yet)
        var group = at < 0 ? _group : MlsGroup.FromState(_retained[at].State, _random.Derive($"branch-read/{id}"));
        try
        {
            if (group.Process(message) is not ApplicationMessage app || app.Data.Length < 8) { Reject(d, "not application data"); return; }
            string sender = group.Tree.TryGetLeaf(app.SenderLeaf) is { } leaf ? NameOf(leaf) : $"leaf{app.SenderLeaf}";
            if (at >= 0) Replace(at, group.State);
            _delivered.Add(id);
            _unreadable.Remove(id);
            Hold(id, sender, app.Data, group);
            _seen.Add(new MemberObservation.Delivered(id, sender, BinaryPrimitives.ReadInt64BigEndian(app.Data), app.Epoch, ViaKeyShare: false) { EpochId = epochId });
        }
        catch (ProcessMessageException e)
        {
            if (!_unreadable.ContainsKey(id)) _unreadable[id] = (d.Sender, 0);
            Reject(d, e.ReasonName);
        }
    }

    /// <summary>A retained state read a message (its ratchet moved on): the new state replaces it, the old one's spent secrets are zeroed.</summary>
    private void Replace(int at, GroupState next)
    {
        var old = _retained[at].State;
        _retained[at] = _retained[at] with { State = next };
        Wipe(old);
    }

    private IEnumerable<GroupState> HeldStates() => _retained.Select(r => r.State).Prepend(_group?.State).OfType<GroupState>();

    private void Wait(MultiDatagram d)
    {
        string id = MessageRef(d.Body);
        if (_waiting.Any(w => MessageRef(w.D.Body) == id)) return;
        if (_waiting.Count >= WaitingLimit) { Unreadable(_waiting[0].D); _waiting.RemoveAt(0); }
        _waiting.Add((d, _waitSince ?? _now));
    }

    /// <summary>A state was added or our epoch changed: the datagrams waiting for a branch are tried again, in arrival order.</summary>
    private void RetryWaiting()
    {
        if (_retrying || _waiting.Count == 0) return;
        _retrying = true;
        try
        {
            for (int round = 0; round < 16 && _waiting.Count > 0; round++)
            {
                int before = _waiting.Count;
                var list = _waiting.ToList();
                _waiting.Clear();
                foreach (var (d, since) in list)
                {
                    _waitSince = since;
                    if (d.Kind == MultiKind.Commit) OnCommit(d);
                    else OnRetentionApplication(d);
                }
                _waitSince = null;
                if (_waiting.Count >= before) break;
            }
        }
        finally
        {
            _retrying = false;
            _waitSince = null;
        }
    }

    // ------------------------------------------------------------------ commits on any branch held

    /// <summary>
    /// A commit whose parent (the datagram's epoch and tip) is not our current state: processed from
    /// the retained parent into a state of that branch, which we hold, or move onto when it is
    /// canonical. False when the usual path takes it (its parent is our current state, it is ahead of
    /// us, or its parent is a left epoch of ours no longer retained).
    /// </summary>
    private bool OnRetentionCommit(MultiDatagram d, MlsMessage message, ulong e, byte[] hash)
    {
        NoteImports(message, hash);
        if (_retained.Any(r => r.Chain.Tip.AsSpan().SequenceEqual(hash))) { Reject(d, "duplicate"); return true; }
        if (e == _group!.Epoch && d.Tip.AsSpan().SequenceEqual(_chain.Tip)) return false;
        int at = FindRetained(e, d.Tip);
        if (at < 0)
        {
            if (e > _group.Epoch || _chain.CommitFor(e) is { } ours && ours.AsSpan().SequenceEqual(d.Tip)) return false;
            Wait(d); // its parent is a state of another branch we have not learned yet
            return true;
        }
        var parent = _retained[at];
        var branch = MlsGroup.FromState(parent.State, _random.Derive($"branch/{e}/{MessageRef(hash)}"));
        StagedCommit staged;
        try
        {
            if (branch.Process(message) is not StagedCommit s) { Reject(d, "not a commit"); return true; }
            staged = s;
        }
        catch (ProcessMessageException ex)
        {
            Reject(d, ex.ReasonName);
            MergeUnreadable(d);
            return true;
        }
        var theirs = parent.Chain.Extend(hash);
        if (staged.Removed)
        {
            // The canonical branch's Commit, verified on the state we kept, removes us (RFC 9420 §12.1.3): we
            // leave, as OnOldCommit does, instead of waiting on a dead branch (churn at N = 8: m07 waited 8 s).
            if (_chain.Compare(theirs) == ChainRelation.ForkTheyWin) LeaveRemoved(d, theirs);
            else Reject(d, "removed on that branch");
            return true;
        }
        if (staged.Committer.SenderType == SenderType.NewMemberCommit && !IsResyncAgainst(staged, parent.State)) { Reject(d, "external join without resync"); return true; }
        branch.Merge(staged);
        string committer = NameOf(branch.Tree.TryGetLeaf(staged.CommitterLeaf) ?? branch.State.OwnLeaf);
        var relation = _chain.Compare(theirs);
        if (relation is ChainRelation.ForkTheyWin or ChainRelation.ForkWeWin)
            _seen.Add(new MemberObservation.ForkDetected(_chain.ForkPoint(theirs) + 1, "commits", d.Sender));
        if (relation == ChainRelation.ForkTheyWin) MoveOnto(branch, theirs, d.Body, hash, committer);
        else
        {
            KeepBody(e, d.Tip, hash, d.Body);
            Hold(new Retained(branch.State, theirs, _now));
            _seen.Add(new MemberObservation.BranchHeld(branch.Epoch, hash, _suite.Hash(branch.EpochAuthenticator), committer, [.. branch.Tree.Leaves.Select(l => NameOf(l.Leaf))]));
        }
        RetryWaiting();
        return true;
    }

    /// <summary>The branch we just processed beats ours: it becomes our state; ours is kept (retained) to read its late messages.</summary>
    private void MoveOnto(MlsGroup branch, BranchChain theirs, byte[] body, byte[] hash, string committer)
    {
        ulong from = Epoch, fork = _chain.ForkPoint(theirs);
        Retain();
        _group = branch;
        _chain = theirs.UpTo(branch.Epoch - 1);
        _pending = null;
        _joinAt = null;
        // The commit log must stay one run of our chain's commits (catch-ups replay it): keep the shared prefix.
        _commitLog.RemoveAll(c => c.Epoch > fork);
        if (branch.Epoch != fork + 1) _commitLog.Clear();
        _seen.Add(new MemberObservation.Rejoined(from, branch.Epoch, "retained"));
        Entered(body, hash, "switch", committer);
    }

    // ------------------------------------------------------------------ the retention window and the merge

    /// <summary>Every tick: states held past the window are deleted (zeroed); waiting datagrams that never found their branch become unreadable; merges are made when due.</summary>
    private void RetentionTick()
    {
        for (int i = _retained.Count - 1; i >= 0; i--)
            if (_now - _retained[i].SinceMs >= _options.RetentionMs) Forget(i);
        for (int i = _waiting.Count - 1; i >= 0; i--)
            if (_now - _waiting[i].SinceMs >= WaitMs)
            {
                var (d, _) = _waiting[i];
                _waiting.RemoveAt(i);
                if (!_pskBlocked.Remove(MessageRef(d.Body))) Unreadable(d);
                else
                {
                    _wantedHeads.Clear(); // the branch never came: rejoin by external commit
                    if (Ask("merge-rejoin/" + d.Sender)) Send(d.Sender, Datagram(MultiKind.CatchUp) with { Epoch = ulong.MaxValue });
                }
            }
        ForgetOldBodies();
        AskForHeads();
        if (!IsMember || _pending is not null) return;
        var heads = UnmergedHeads();
        if (heads.Count == 0) { _mergeAt = null; return; }
        // Members of the canonical branch that hold a losing head wait in leaf order (one spread step per
        // leaf, plus a seeded part of a step), so the first of them merges and the others see its commit first.
        long step = Math.Max(1, _options.JoinSpreadMsPerMember);
        _mergeAt ??= _now + _group!.OwnLeafIndex * step + (long)_random.NextUInt64((ulong)Math.Max(1, step / 2));
        if (_now < _mergeAt) return;
        _mergeAt = null;
        CommitMerge(heads);
    }

    /// <summary>
    /// The heads of losing branches we hold (no held state extends them) that are not merges themselves,
    /// that no commit of our chain imported yet, and whose members include every member of our epoch:
    /// every member must compute the PSK to process the merge (RFC 9420 §8.4), and one who was never in
    /// that branch cannot (that branch is then left unmerged, as in the uncoordinated strategy).
    /// </summary>
    private List<Retained> UnmergedHeads()
    {
        var imported = _chain.Commits.SelectMany(c => _importsOf.TryGetValue(Convert.ToHexString(c), out var tips) ? tips : []).ToHashSet();
        var members = Members;
        return [.. _retained.Where(r => _chain.Compare(r.Chain) == ChainRelation.ForkWeWin
            && members.All(m => r.State.Tree.Leaves.Any(l => NameOf(l.Leaf) == m))
            && !_merges.Contains(Convert.ToHexString(r.Chain.Tip)) && !imported.Contains(Convert.ToHexString(r.Chain.Tip))
            && !_retained.Any(o => o.Chain.Epoch > r.Chain.Epoch && o.Chain.ForkPoint(r.Chain) == r.Chain.Epoch))];
    }

    /// <summary>Our merge commit: an update (with a path) carrying one external-PSK proposal per losing head, marked as a merge.</summary>
    private void CommitMerge(List<Retained> heads)
    {
        var proposals = heads.Select(h => (Proposal)new PreSharedKeyProposal(PreSharedKeyId.External(MergePskId(h.State.Epoch, h.Chain.Tip), _random.NextBytes(_suite.HashLength)))).ToList();
        var recipients = Members.Where(m => m != Name).ToList();
        var head = Datagram(MultiKind.Commit);
        CommitResult result;
        try { result = _group!.Commit(new CommitOptions { InlineProposals = proposals, ForcePath = true, AuthenticatedData = MergeMark }); }
        catch (CreateCommitException) { return; } // a head's PSK could not be computed: retry at the next tick
        byte[] body = Tls.Serialize(result.Commit);
        byte[] hash = _suite.Hash(body);
        Retain();
        _group.MergeCommit(result);
        foreach (var r in recipients) Send(r, head with { Body = body });
        _merges.Add(Convert.ToHexString(hash));
        _importsOf[Convert.ToHexString(hash)] = [.. heads.Select(h => Convert.ToHexString(h.Chain.Tip))];
        _seen.Add(new MemberObservation.Merged(_group.Epoch, [.. heads.Select(h => h.Chain.Tip)]));
        Entered(body, hash, "own", Name);
    }

    /// <summary>Remembers which losing heads a commit imports (a merge), read from its PSK proposals.</summary>
    private void NoteImports(MlsMessage message, byte[] hash)
    {
        if (message.PublicMessage?.Content is not { Commit: { } commit } content) return;
        if (content.AuthenticatedData.AsSpan().SequenceEqual(MergeMark)) _merges.Add(Convert.ToHexString(hash));
        var tips = commit.Proposals.Select(p => p.Proposal is PreSharedKeyProposal psk && TryParseMergePskId(psk.Psk.PskId, out _, out var tip) ? Convert.ToHexString(tip) : null)
            .OfType<string>().ToList();
        if (tips.Count > 0) _importsOf[Convert.ToHexString(hash)] = tips;
    }

    /// <summary>
    /// A merge commit we could not process because we do not hold a branch it imports: it waits for
    /// that branch's commits (retried whenever we learn a state); past <see cref="WaitMs"/> we ask its
    /// sender for a GroupInfo and rejoin by external commit (RFC 9420 §12.4.3.2).
    /// </summary>
    private void MergeUnreadable(MultiDatagram d)
    {
        if (_pskMissing.Count == 0) return;
        WantHeads(d, _pskMissing);
        _pskMissing.Clear();
        _pskBlocked.Add(MessageRef(d.Body));
        Wait(d);
    }

    private static byte[] MergePskId(ulong epoch, byte[] tip)
    {
        var w = new TlsWriter();
        w.WriteUtf8(RetentionPskLabel);
        w.WriteUInt64(epoch);
        w.WriteOpaque(tip);
        return w.ToArray();
    }

    internal static bool TryParseMergePskId(byte[]? id, out ulong epoch, out byte[] tip)
    {
        epoch = 0;
        tip = [];
        if (id is null) return false;
        try
        {
            var r = new TlsReader(id);
            if (r.ReadUtf8() != RetentionPskLabel) return false;
            epoch = r.ReadUInt64();
            tip = r.ReadOpaque();
            r.EnsureEnd();
            return true;
        }
        catch (MlsDecodeException) { return false; }
    }

    /// <summary>The PSK a merge names: the MLS-Exporter output (RFC 9420 §8.5) of the losing head we hold, or null.</summary>
    private byte[]? ResolveMergePsk(PreSharedKeyId id)
    {
        if (id.PskType != PskType.External || !TryParseMergePskId(id.PskId, out ulong epoch, out var tip)) return null;
        int at = FindRetained(epoch, tip);
        if (at >= 0) return _retained[at].State.Secrets.MlsExporter(RetentionPskLabel, [], _suite.HashLength);
        return _group is { } g && g.Epoch == epoch && _chain.Tip.AsSpan().SequenceEqual(tip) ? g.Export(RetentionPskLabel, [], _suite.HashLength) : null;
    }
}
