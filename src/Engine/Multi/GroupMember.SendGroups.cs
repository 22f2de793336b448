using System.Security.Cryptography;
using System.Text;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>
/// Send groups (GROUPS.md strategy 3, after draft-xue-distributed-mls): each member owns one MLS
/// group, <c>send/&lt;name&gt;</c>, in which only it sends and commits, and is a receiver in every other
/// member's. No two members commit to one group, so honest members never fork. An owner's commit
/// imports the others' fresh randomness: for every other group whose epoch moved since its last
/// import, a PSK proposal (RFC 9420 §8.4, §12.1.4) naming an external PSK that is that group's
/// MLS-Exporter (§8.5) output of that epoch; every receiver, being a member of that group too,
/// computes the same PSK. A member keeps those exports for <see cref="MultiOptions.PskEpochs"/>
/// epochs after leaving them (so a late commit can still be processed: the forward-secrecy cost),
/// buffers a commit whose PSK comes from an epoch it has not reached yet, and asks the owner to
/// re-add it when it can no longer follow (the commits it needs left the owner's log, or a PSK it
/// needs was deleted). Membership: a member that sees someone added to (removed from) a group adds
/// (removes) them in its own; a removal is final (never re-added from a stale add).
/// </summary>
public sealed partial class GroupMember
{
    internal const string SendPskLabel = "pairsim send-group psk";
    private const string SendPskIdLabel = "pairsim send-group";
    private const ulong ReaddAsk = ulong.MaxValue;

    /// <summary>A PSK exported from one epoch of a send group; <see cref="LeftMs"/> once the group moved past that epoch.</summary>
    private sealed class KeptPsk(byte[] value, long sinceMs)
    {
        public byte[] Value { get; } = value;
        public long SinceMs { get; } = sinceMs;
        public long? LeftMs { get; set; }
    }

    private readonly SortedDictionary<string, MlsGroup> _sendGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Owner, ulong Epoch), KeptPsk> _psks = [];
    private readonly Dictionary<string, ulong> _imported = [];
    private readonly List<MultiDatagram> _sendFuture = [];
    private readonly HashSet<string> _gone = [];
    private readonly List<PreSharedKeyId> _pskMissing = [];
    private readonly Dictionary<string, long> _lacking = [];
    private long _pskLongestMs;
    private long? _importDueAt;
    private bool _sendRemoved;
    private bool _replayingSend;
    private bool _importNext;

    /// <summary>The authenticated data (RFC 9420 §6) of a commit made only to import others' randomness.</summary>
    private static readonly byte[] ImportMark = "pairsim import"u8.ToArray();

    private bool IsSendGroups => _options.Strategy == MultiStrategy.SendGroups;

    /// <summary>The group id of <paramref name="owner"/>'s send group.</summary>
    public static byte[] SendGroupId(string owner) => Encoding.UTF8.GetBytes("send/" + owner);

    private static string? OwnerOf(byte[] groupId)
    {
        string s = Encoding.UTF8.GetString(groupId);
        return s.StartsWith("send/", StringComparison.Ordinal) && s.Length > 5 ? s[5..] : null;
    }

    /// <summary>
    /// Founding out of band: every member creates its send group and adds all the others with one
    /// Commit (RFC 9420 §12); they join from its Welcome. Everyone ends in epoch 1 of every group.
    /// </summary>
    public static void FoundSendGroups(IReadOnlyList<GroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        foreach (var owner in members)
        {
            var others = members.Where(m => m != owner).ToList();
            if (owner.CreateAndAddAll(SendGroupId(owner.Name), others) is not { } welcome) continue;
            foreach (var o in others)
                o._sendGroups[owner.Name] = o.JoinWelcome(welcome, consume: true) ?? throw new InvalidOperationException($"{o.Name}: {owner.Name}'s founding Welcome is not for us");
        }
        foreach (var m in members)
        {
            m.KeepPsk(m.Name, m._group!);
            foreach (var (o, g) in m._sendGroups) m.KeepPsk(o, g);
        }
    }

    /// <summary>Send groups: every group this member holds (its own first), with its epoch, authenticator and members.</summary>
    public IReadOnlyList<(string Owner, ulong Epoch, byte[] EpochAuthenticator, IReadOnlyList<string> Members)> SendGroupViews()
    {
        var list = new List<(string, ulong, byte[], IReadOnlyList<string>)>();
        if (_group is not null) list.Add((Name, _group.Epoch, _group.EpochAuthenticator, NamesOf(_group)));
        foreach (var (o, g) in _sendGroups) list.Add((o, g.Epoch, g.EpochAuthenticator, NamesOf(g)));
        return list;
    }

    private static IReadOnlyList<string> NamesOf(MlsGroup g) => [.. g.Tree.Leaves.Select(l => NameOf(l.Leaf)).Order(StringComparer.Ordinal)];

    /// <summary>One value for every group held: (owner, epoch authenticator) in owner order; equal for two members exactly when they hold the same groups in the same epochs.</summary>
    private byte[] CombinedAuthenticator()
    {
        if (_group is null) return [];
        var w = new TlsWriter();
        foreach (var (owner, _, auth, _) in SendGroupViews().OrderBy(v => v.Owner, StringComparer.Ordinal))
        {
            w.WriteUtf8(owner);
            w.WriteOpaque(auth);
        }
        return w.ToArray();
    }

    // ------------------------------------------------------------------ PSKs exported from send groups (RFC 9420 §8.4, §8.5)

    private static byte[] PskIdOf(string owner, ulong epoch)
    {
        var w = new TlsWriter();
        w.WriteUtf8(SendPskIdLabel);
        w.WriteUtf8(owner);
        w.WriteUInt64(epoch);
        return w.ToArray();
    }

    internal static bool TryParseSendPskId(byte[]? id, out string owner, out ulong epoch)
    {
        owner = "";
        epoch = 0;
        if (id is null) return false;
        try
        {
            var r = new TlsReader(id);
            if (r.ReadUtf8() != SendPskIdLabel) return false;
            owner = r.ReadUtf8();
            epoch = r.ReadUInt64();
            r.EnsureEnd();
            return true;
        }
        catch (MlsDecodeException) { return false; }
    }

    /// <summary>The external-PSK lookup of every group of ours (GroupOptions.ExternalPsks): a kept export, or null (and remembered as missing).</summary>
    private byte[]? ResolvePsk(PreSharedKeyId id)
    {
        if (id.PskType == PskType.External && TryParseSendPskId(id.PskId, out string owner, out ulong epoch) && _psks.TryGetValue((owner, epoch), out var kept))
            return kept.Value.ToArray();
        if (IsRetention && ResolveMergePsk(id) is { } merged) return merged;
        _pskMissing.Add(id);
        return null;
    }

    /// <summary>Exports and keeps the PSK of <paramref name="group"/>'s current epoch; marks its earlier epochs left and forgets those beyond the window.</summary>
    private void KeepPsk(string owner, MlsGroup group)
    {
        foreach (var (key, kept) in _psks)
            if (key.Owner == owner && key.Epoch < group.Epoch) kept.LeftMs ??= _now;
        _psks.TryAdd((owner, group.Epoch), new KeptPsk(group.Export(SendPskLabel, [], _suite.HashLength), _now));
        foreach (var key in _psks.Keys.Where(k => k.Owner == owner && k.Epoch + (ulong)Math.Max(0, _options.PskEpochs) < group.Epoch).ToList()) ForgetPsk(key);
    }

    private void ForgetPsk((string Owner, ulong Epoch) key)
    {
        var kept = _psks[key];
        if (kept.LeftMs is { } left) _pskLongestMs = Math.Max(_pskLongestMs, _now - left);
        CryptographicOperations.ZeroMemory(kept.Value);
        _psks.Remove(key);
    }

    /// <summary>PSK proposals for every other group whose epoch moved since we last imported from it (fresh randomness only).</summary>
    private List<(Proposal Proposal, string Owner, ulong Epoch)> PskImports()
    {
        var list = new List<(Proposal, string, ulong)>();
        foreach (var (owner, g) in _sendGroups)
        {
            if ((_imported.TryGetValue(owner, out ulong last) && last >= g.Epoch) || !_psks.ContainsKey((owner, g.Epoch))) continue;
            var id = PreSharedKeyId.External(PskIdOf(owner, g.Epoch), _random.NextBytes(_suite.HashLength));
            list.Add((new PreSharedKeyProposal(id), owner, g.Epoch));
        }
        return list;
    }

    private int KeptPskCount => _psks.Values.Count(p => p.LeftMs is not null);

    private long PskExposureMs => Math.Max(_pskLongestMs, _psks.Values.Where(p => p.LeftMs is not null).Select(p => _now - p.LeftMs!.Value).DefaultIfEmpty(0).Max());

    // ------------------------------------------------------------------ receiving in send groups

    private void HandleSend(MultiDatagram d)
    {
        if (d.Sender == Name) return;
        if (_sendRemoved) { Reject(d, "removed from the group"); return; }
        if (!IsMember) HeardAsOutsider(d);
        if (_sendGroups.TryGetValue(d.Sender, out var theirs) && d.Epoch > theirs.Epoch) AskCatchUp(d.Sender, theirs.Epoch);
        switch (d.Kind)
        {
            case MultiKind.Application: OnSendApplication(d); break;
            case MultiKind.Commit: OnSendCommit(d); break;
            case MultiKind.Welcome: OnSendWelcome(d); break;
            case MultiKind.Head: break;
            case MultiKind.CatchUp: OnSendCatchUp(d); break;
            case MultiKind.KeyPackageRequest: OnKeyPackageRequest(d); break;
            case MultiKind.KeyPackageReply: OnKeyPackageReply(d); break;
            case MultiKind.KeyShareRequest: OnKeyShareRequest(d); break;
            case MultiKind.KeyShare: OnKeyShare(d); break;
            default: Reject(d, "not used by send groups"); break;
        }
    }

    private void AskCatchUp(string owner, ulong fromEpoch)
    {
        if (Ask("catchup/" + owner)) Send(owner, Datagram(MultiKind.CatchUp) with { Target = owner, Epoch = fromEpoch });
    }

    private void OnSendApplication(MultiDatagram d)
    {
        string id = MessageRef(d.Body);
        if (ParseMls(d.Body) is not { PrivateMessage: { } pm } message || OwnerOf(pm.GroupId) is not { } owner) { Reject(d, "malformed"); return; }
        if (!_sendGroups.TryGetValue(owner, out var g)) { Reject(d, "not a receiver of that group"); return; }
        if (_delivered.Contains(id)) { Reject(d, "duplicate"); return; }
        if (pm.Epoch > g.Epoch) { BufferSend(d); AskCatchUp(owner, g.Epoch); return; }
        try
        {
            if (g.Process(message) is not ApplicationMessage app || app.Data.Length < 8) { Reject(d, "not application data"); return; }
            string sender = g.Tree.TryGetLeaf(app.SenderLeaf) is { } leaf ? NameOf(leaf) : $"leaf{app.SenderLeaf}";
            _delivered.Add(id);
            _unreadable.Remove(id);
            Hold(id, sender, app.Data, g);
            _seen.Add(new MemberObservation.Delivered(id, sender, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(app.Data), app.Epoch, ViaKeyShare: false) { Group = owner });
        }
        catch (ProcessMessageException e)
        {
            if (!_unreadable.ContainsKey(id)) _unreadable[id] = (d.Sender, 0);
            Reject(d, e.ReasonName);
        }
    }

    private void OnSendCommit(MultiDatagram d)
    {
        if (ParseMls(d.Body) is not { PublicMessage: { } pub } message || pub.Content.ContentType != ContentType.Commit || OwnerOf(pub.Content.GroupId) is not { } owner)
        {
            Reject(d, "malformed");
            return;
        }
        if (!_sendGroups.TryGetValue(owner, out var g)) { Reject(d, "not a receiver of that group"); return; }
        ulong e = pub.Content.Epoch;
        if (e < g.Epoch) { Reject(d, "duplicate"); return; } // only the owner commits: an earlier epoch's commit is one we took
        if (e > g.Epoch) { BufferSend(d); AskCatchUp(owner, g.Epoch); return; }
        _pskMissing.Clear();
        StagedCommit staged;
        try
        {
            if (g.Process(message) is not StagedCommit s) { Reject(d, "not a commit"); return; }
            staged = s;
        }
        catch (ProcessMessageException ex)
        {
            OnMissingPsk(d, owner, ex.ReasonName);
            return;
        }
        // No two members commit to one group: a commit by anyone but the owner is refused (nothing merged).
        if (staged.Committer.SenderType != SenderType.Member || g.Tree.TryGetLeaf(staged.CommitterLeaf) is not { } committer || NameOf(committer) != owner)
        {
            Reject(d, "commit to a send group by another than its owner");
            return;
        }
        var removed = staged.Proposals.Select(p => p.Proposal).OfType<RemoveProposal>().Select(r => g.Tree.TryGetLeaf(r.Removed) is { } l ? NameOf(l) : "").ToList();
        var added = staged.Proposals.Select(p => p.Proposal).OfType<AddProposal>().Select(a => NameOf(a.KeyPackage.LeafNode)).ToList();
        byte[] hash = _suite.Hash(d.Body);
        if (staged.Removed)
        {
            if (added.Contains(Name)) { _sendGroups.Remove(owner); return; } // a re-add: its Welcome follows
            _sendRemoved = true;
            _sendGroups.Clear();
            _seen.Add(new MemberObservation.EpochEntered(e + 1, hash, [], "removed", owner, []) { Group = owner });
            return;
        }
        g.Merge(staged);
        KeepPsk(owner, g);
        _seen.Add(new MemberObservation.EpochEntered(g.Epoch, hash, _suite.Hash(g.EpochAuthenticator), "commit", owner, NamesOf(g)) { Group = owner });
        // An import answers fresh randomness; an import commit (so marked in its authenticated data) is not answered, or imports would echo forever.
        if (_options.ImportAfterMs > 0 && !staged.AuthenticatedData.AsSpan().SequenceEqual(ImportMark)) _importDueAt ??= _now + _options.ImportAfterMs;
        // Membership follows what others do in their groups; a re-add (removed and added in one commit) is neither.
        foreach (var n in removed.Where(n => n.Length > 0 && n != Name && !added.Contains(n))) Gone(n);
        foreach (var n in added.Where(n => n != Name && !removed.Contains(n) && !_gone.Contains(n) && _roster.ContainsKey(n))) WantAdded(n);
        TryIntents();
        ReplaySend();
    }

    /// <summary>A commit failed: if a PSK it imports is from an epoch we have not reached (or a group we are joining), wait for it; if deleted, ask to be re-added.</summary>
    private void OnMissingPsk(MultiDatagram d, string owner, string reason)
    {
        var missing = _pskMissing.ToList();
        _pskMissing.Clear();
        if (missing.Count == 0) { Reject(d, reason); return; }
        bool later = false;
        foreach (var id in missing)
        {
            if (!TryParseSendPskId(id.PskId, out string source, out ulong epoch) || _gone.Contains(source)) continue;
            ulong? have = source == Name ? _group?.Epoch : _sendGroups.TryGetValue(source, out var sg) ? sg.Epoch : null;
            if (have is { } h && h >= epoch) continue; // that epoch's PSK was held and is deleted
            later = true;
            if (have is { } behind && source != Name) AskCatchUp(source, behind);
        }
        if (later) { BufferSend(d); return; }
        Reject(d, "imported PSK no longer held");
        if (Ask("readd/" + owner)) Send(owner, Datagram(MultiKind.CatchUp) with { Target = owner, Epoch = ReaddAsk });
    }

    private void OnSendWelcome(MultiDatagram d)
    {
        if (d.Target != Name) { Reject(d, "not for us"); return; }
        if (ParseMls(d.Body) is not { Welcome: { } welcome }) { Reject(d, "malformed"); return; }
        if (_gone.Contains(d.Sender)) { Reject(d, "welcome from a removed member"); return; }
        MlsGroup? group;
        try { group = JoinWelcome(welcome, consume: true); }
        catch (WelcomeException e) { Reject(d, e.ReasonName); return; }
        if (group is null) { Reject(d, "welcome not for us"); return; }
        if (OwnerOf(group.GroupId) != d.Sender) { Reject(d, "welcome to a group its sender does not own"); return; }
        _sendGroups.TryGetValue(d.Sender, out var had);
        if (had is not null && had.Epoch >= group.Epoch) { Reject(d, "already a receiver of that group"); return; }
        _sendGroups[d.Sender] = group;
        KeepPsk(d.Sender, group);
        if (had is not null)
        {
            _seen.Add(new MemberObservation.Rejoined(had.Epoch, group.Epoch, "welcome"));
            // The commits we skipped may have removed someone: the Welcome's tree shows it.
            var now = NamesOf(group);
            foreach (var n in NamesOf(had).Where(n => n != Name && !now.Contains(n))) Gone(n);
        }
        byte[] commit = d.Chain.Count > 0 ? d.Chain[^1] : _suite.Hash(d.Body);
        _seen.Add(new MemberObservation.EpochEntered(group.Epoch, commit, _suite.Hash(group.EpochAuthenticator), "welcome", d.Sender, NamesOf(group)) { Group = d.Sender });
        if (_group is null)
        {
            // A new member founds its own send group, then adds everyone it found in the one it joined.
            _group = MlsGroup.Create(_suite, SendGroupId(Name), _signature, _credential, _random.Derive("group"), _groupOptions);
            KeepPsk(Name, _group);
            _seen.Add(new MemberObservation.EpochEntered(0, [], _suite.Hash(_group.EpochAuthenticator), "created", Name, [Name]) { Group = Name });
        }
        foreach (var n in NamesOf(group).Where(n => n != Name && !_gone.Contains(n) && _roster.ContainsKey(n))) WantAdded(n);
        TryIntents();
        ReplaySend();
    }

    /// <summary>We own the group asked about: the commits after the asked epoch from our log, or a re-add when the log does not reach back (or one was asked for).</summary>
    private void OnSendCatchUp(MultiDatagram d)
    {
        if (d.Target != Name || _group is null) { Reject(d, "not our group"); return; }
        bool removed = _gone.Contains(d.Sender); // it may still learn from our log that it was removed
        if (!Members.Contains(d.Sender) && !removed) { Reject(d, "not a member"); return; }
        ulong from = d.Epoch;
        if (from != ReaddAsk && from >= _group.Epoch) return;
        bool logged = from != ReaddAsk && _commitLog.Count > 0 && _commitLog[0].Epoch <= from + 1 && _commitLog[^1].Epoch == _group.Epoch;
        if (logged)
        {
            foreach (var (_, body) in _commitLog.Where(c => c.Epoch > from)) Send(d.Sender, Datagram(MultiKind.Commit) with { Body = body });
            return;
        }
        if (removed) return;
        if (!_intents.Any(i => i.Kind == IntentKind.Readd && i.Name == d.Sender && i.CommittedBy is null)) _intents.Add(new Intent(IntentKind.Readd, d.Sender));
        TryIntents();
    }

    private void WantAdded(string name)
    {
        if (!Members.Contains(name) && !_intents.Any(i => i.Kind == IntentKind.Add && i.Name == name && i.CommittedBy is null)) _intents.Add(new Intent(IntentKind.Add, name));
    }

    /// <summary>Someone removed <paramref name="name"/>: we stop following its group at once and remove it from ours.</summary>
    private void Gone(string name)
    {
        _gone.Add(name);
        DropSendGroup(name);
        _intents.RemoveAll(i => i.Name == name && i.Kind is IntentKind.Add or IntentKind.Readd && i.CommittedBy is null);
        if (Members.Contains(name) && !_intents.Any(i => i.Kind == IntentKind.Remove && i.Name == name && i.CommittedBy is null)) _intents.Add(new Intent(IntentKind.Remove, name));
    }

    private void DropSendGroup(string owner)
    {
        _sendGroups.Remove(owner);
        _imported.Remove(owner);
        foreach (var key in _psks.Keys.Where(k => k.Owner == owner).ToList()) ForgetPsk(key);
    }

    private void BufferSend(MultiDatagram d)
    {
        if (_sendFuture.Any(x => x.Kind == d.Kind && x.Body.AsSpan().SequenceEqual(d.Body))) return;
        if (_sendFuture.Count >= FutureLimit) { Unreadable(_sendFuture[0]); _sendFuture.RemoveAt(0); }
        _sendFuture.Add(d);
    }

    /// <summary>Tries the buffered datagrams again, in arrival order, until a pass changes nothing.</summary>
    private void ReplaySend()
    {
        if (_replayingSend) return;
        _replayingSend = true;
        try
        {
            for (int round = 0; round < 64 && _sendFuture.Count > 0; round++)
            {
                var waiting = _sendFuture.ToList();
                _sendFuture.Clear();
                foreach (var d in waiting)
                {
                    if (d.Kind == MultiKind.Commit) OnSendCommit(d);
                    else OnSendApplication(d);
                }
                if (_sendFuture.Count >= waiting.Count) break;
            }
        }
        finally { _replayingSend = false; }
    }

    /// <summary>Time passes: an owner whose import is due commits one (an Update with PSK proposals), and buffered datagrams are tried again.</summary>
    private void SendGroupsTick()
    {
        if (_sendRemoved || _group is null) return;
        if (_importDueAt is { } due && _now >= due)
        {
            _importDueAt = null;
            if (!_intents.Any(i => i.Kind == IntentKind.Update && i.CommittedBy is null))
            {
                _intents.Add(new Intent(IntentKind.Update, Name));
                _importNext = true;
            }
        }
        if (_sendFuture.Count > 0 && Ask("sendfuture")) ReplaySend();
        // A member of ours whose group we do not hold (its Welcome was lost): after a grace period, ask it to re-add us.
        foreach (var n in _lacking.Keys.Where(n => _sendGroups.ContainsKey(n) || !Members.Contains(n)).ToList()) _lacking.Remove(n);
        foreach (var n in Members.Where(n => n != Name && !_sendGroups.ContainsKey(n) && !_gone.Contains(n)))
        {
            if (!_lacking.TryAdd(n, _now) && _now - _lacking[n] >= 4 * _options.RetryMs && Ask("readd/" + n))
                Send(n, Datagram(MultiKind.CatchUp) with { Target = n, Epoch = ReaddAsk });
        }
    }
}
