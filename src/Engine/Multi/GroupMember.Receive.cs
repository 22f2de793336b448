using System.Buffers.Binary;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>Receiving: every datagram is decoded, checked and applied here, or rejected with a reason (state unchanged).</summary>
public sealed partial class GroupMember
{
    private const int FutureLimit = 256;

    /// <summary>A datagram arrived (from the network: arbitrary bytes). Bad input is a <see cref="MemberObservation.Rejected"/>, never an exception.</summary>
    public MemberStep Receive(ReadOnlySpan<byte> bytes, long nowMs)
    {
        Begin(nowMs);
        if (!MultiDatagram.TryParse(bytes, out var d) || d is null)
        {
            _seen.Add(new MemberObservation.Rejected(MessageRef(bytes), 0, "malformed"));
            return End();
        }
        Handle(d);
        return End();
    }

    private void Handle(MultiDatagram d)
    {
        if (IsSendGroups) { HandleSend(d); return; }
        if (d.Sender == Name && d.Kind != MultiKind.Commit) return; // our own datagram relayed back
        if (!IsMember) HeardAsOutsider(d);
        if (_options.Strategy is MultiStrategy.Uncoordinated or MultiStrategy.Retention && d.Kind != MultiKind.DsHead) NoteHead(d);
        switch (d.Kind)
        {
            case MultiKind.Application: OnApplication(d); break;
            case MultiKind.Commit: OnCommit(d); break;
            case MultiKind.Head: break;
            case MultiKind.ChainRequest: Send(d.Sender, Datagram(MultiKind.ChainReply) with { Chain = _chain.Commits }); break;
            case MultiKind.ChainReply: OnChainReply(d); break;
            case MultiKind.CatchUp: OnCatchUp(d); break;
            case MultiKind.GroupInfoReply: OnGroupInfo(d); break;
            case MultiKind.Welcome: OnWelcome(d); break;
            case MultiKind.KeyPackageRequest: OnKeyPackageRequest(d); break;
            case MultiKind.KeyPackageReply: OnKeyPackageReply(d); break;
            case MultiKind.KeyShareRequest: OnKeyShareRequest(d); break;
            case MultiKind.KeyShare: OnKeyShare(d); break;
            case MultiKind.DsHead: OnDsHead(d); break;
            default: Reject(d, "unknown kind"); break;
        }
    }

    private void Reject(MultiDatagram d, string reason) => _seen.Add(new MemberObservation.Rejected(MessageRef(d.Body), d.Kind, reason));

    private static MlsMessage? ParseMls(byte[] body) => Tls.TryDeserialize<MlsMessage>(body, out var m) ? m : null;

    // ------------------------------------------------------------------ application messages (RFC 9420 §15)

    private void OnApplication(MultiDatagram d)
    {
        if (IsRetention) { OnRetentionApplication(d); return; }
        string id = MessageRef(d.Body);
        if (ParseMls(d.Body) is not { PrivateMessage: { } pm } message) { Reject(d, "malformed"); return; }
        if (!IsMember) { Reject(d, "not a member"); return; }
        if (_delivered.Contains(id)) { Reject(d, "duplicate"); return; }
        if (pm.Epoch > _group!.Epoch)
        {
            Buffer(d);
            if (_options.Strategy == MultiStrategy.Sequenced && Ask("ds/catchup")) Send(Sequencer.Name, Datagram(MultiKind.CatchUp));
            return;
        }
        try
        {
            if (_group.Process(message) is not ApplicationMessage app || app.Data.Length < 8) { Reject(d, "not application data"); return; }
            string sender = _group.Tree.TryGetLeaf(app.SenderLeaf) is { } leaf ? NameOf(leaf) : $"leaf{app.SenderLeaf}";
            long messageId = BinaryPrimitives.ReadInt64BigEndian(app.Data);
            _delivered.Add(id);
            _unreadable.Remove(id);
            Hold(id, sender, app.Data, _group!);
            _seen.Add(new MemberObservation.Delivered(id, sender, messageId, app.Epoch, ViaKeyShare: false));
        }
        catch (ProcessMessageException e)
        {
            // Another branch's keys (or an epoch whose keys are gone): key-share may recover it later.
            if (!_unreadable.ContainsKey(id)) _unreadable[id] = (d.Sender, 0);
            Reject(d, e.ReasonName);
        }
    }

    // ------------------------------------------------------------------ commits (RFC 9420 §12.4.2)

    private void OnCommit(MultiDatagram d)
    {
        if (ParseMls(d.Body) is not { PublicMessage: { } pub } message || pub.Content.ContentType != ContentType.Commit) { Reject(d, "malformed"); return; }
        byte[] hash = _suite.Hash(d.Body);
        if (!IsMember)
        {
            if (d.Extra.Length > 0) OnWelcome(d with { Body = d.Extra, Chain = d.Chain });
            else Reject(d, "not a member");
            return;
        }
        ulong e = pub.Content.Epoch;
        if (_chain.CommitFor(e + 1) is { } have && have.AsSpan().SequenceEqual(hash)) { Reject(d, "duplicate"); return; }
        if (IsRetention && OnRetentionCommit(d, message, e, hash)) return;
        if (e > _group!.Epoch)
        {
            Buffer(d);
            if (_options.Strategy == MultiStrategy.Sequenced) { if (Ask("ds/catchup")) Send(Sequencer.Name, Datagram(MultiKind.CatchUp)); }
            else if (Ask("catchup/" + d.Sender)) Send(d.Sender, Datagram(MultiKind.CatchUp));
            return;
        }
        if (e < _group.Epoch) { OnOldCommit(d, message, e, hash); return; }

        if (_pending is { } pending)
        {
            if (hash.AsSpan().SequenceEqual(_pendingHash))
            {
                // The sequencer accepted our commit (RFC 9420 §14): merge what we staged.
                Retain();
                _group.MergeCommit(pending);
                _pending = null;
                foreach (var i in _pendingIntents) i.CommittedBy = hash;
                _pendingIntents = [];
                Entered(d.Body, hash, "own", Name);
                return;
            }
            _pending = null; // another commit won this epoch: ours is void, its intents stay
            _pendingIntents = [];
        }
        try
        {
            if (_group.Process(message) is not StagedCommit staged) { Reject(d, "not a commit"); return; }
            if (staged.Committer.SenderType == SenderType.NewMemberCommit && !IsResync(staged)) { Reject(d, "external join without resync"); return; }
            Retain();
            _group.Merge(staged);
            string committer = staged.Committer.SenderType == SenderType.NewMemberCommit ? NameOf(_group.Tree.GetLeaf(staged.CommitterLeaf)!) : NameOf(_group.Tree.TryGetLeaf(staged.CommitterLeaf) ?? _group.State.OwnLeaf);
            if (staged.Removed) { _seen.Add(new MemberObservation.EpochEntered(e + 1, hash, [], "removed", committer, [])); return; }
            Entered(d.Body, hash, "commit", committer);
        }
        catch (ProcessMessageException ex)
        {
            Reject(d, ex.ReasonName);
            if (IsRetention) MergeUnreadable(d);
        }
    }

    /// <summary>An external commit (RFC 9420 §12.4.3.2) is accepted only as a resync: it removes an earlier leaf with the joiner's own name.</summary>
    private bool IsResync(StagedCommit staged)
    {
        string joiner = NameOf(staged.NewState.Tree.GetLeaf(staged.CommitterLeaf)!);
        return staged.Proposals.Any(p => p.Proposal is RemoveProposal r && _group!.Tree.TryGetLeaf(r.Removed) is { } old && NameOf(old) == joiner);
    }

    private void Buffer(MultiDatagram d)
    {
        if (_future.Count >= FutureLimit) { Unreadable(_future[0]); _future.RemoveAt(0); }
        _future.Add(d);
    }

    /// <summary>Buffered datagrams of a branch we leave: application messages among them become key-share candidates.</summary>
    private void DropFuture()
    {
        foreach (var d in _future) Unreadable(d);
        _future.Clear();
    }

    private void Unreadable(MultiDatagram d)
    {
        if (d.Kind != MultiKind.Application) return;
        string id = MessageRef(d.Body);
        if (!_delivered.Contains(id) && !_unreadable.ContainsKey(id)) _unreadable[id] = (d.Sender, 0);
    }

    /// <summary>After an epoch change, tries the datagrams that were ahead of us, in arrival order.</summary>
    private void ReplayFuture()
    {
        if (IsRetention) RetryWaiting();
        for (int round = 0; round < 64 && _future.Count > 0; round++)
        {
            ulong before = Epoch;
            var waiting = _future.ToList();
            _future.Clear();
            foreach (var d in waiting)
            {
                ulong e = d.Kind == MultiKind.Commit ? ParseMls(d.Body)?.PublicMessage?.Content.Epoch ?? 0 : ParseMls(d.Body)?.PrivateMessage?.Epoch ?? 0;
                if (e > Epoch) _future.Add(d);
                else if (d.Kind == MultiKind.Commit) OnCommit(d);
                else OnApplication(d);
            }
            if (Epoch == before) break;
        }
    }

    private void Entered(byte[] commitBody, byte[] hash, string how, string committer)
    {
        KeepBody(_group!.Epoch - 1, _chain.Tip, hash, commitBody);
        _chain = _chain.Extend(hash);
        LogCommit(_group!.Epoch, commitBody);
        var entered = new MemberObservation.EpochEntered(_group.Epoch, hash, _suite.Hash(_group.EpochAuthenticator), how, committer, Members);
        if (!IsSendGroups) { _seen.Add(entered); ReplayFuture(); return; }
        KeepPsk(Name, _group);
        _seen.Add(entered with { Group = Name });
        ReplaySend();
    }

    private void OnKeyPackageRequest(MultiDatagram d)
    {
        if (d.Target != Name) { Reject(d, "not for us"); return; }
        if (!Ask("kp/" + d.Sender)) return;
        ExpectWelcome(d.Epoch);
        Send(d.Sender, Datagram(MultiKind.KeyPackageReply) with { Target = d.Sender, Body = Tls.Serialize(MlsMessage.From(FreshKeyPackage())) });
    }

    private void OnKeyPackageReply(MultiDatagram d)
    {
        if (ParseMls(d.Body) is not { KeyPackage: { } kp }) { Reject(d, "malformed"); return; }
        try { KeyPackageValidation.Validate(_suite, kp); }
        catch (MlsProtocolException e) { Reject(d, e.Error.ToString()); return; }
        if (!_roster.TryGetValue(d.Sender, out var id) || !CipherSuite.FixedTimeEquals(id.SignaturePublicKey, kp.LeafNode.SignatureKey)
            || NameOf(kp.LeafNode) != d.Sender) { Reject(d, "unverified key package"); return; }
        _keyPackagesOf[d.Sender] = kp;
        TryIntents();
    }
}
