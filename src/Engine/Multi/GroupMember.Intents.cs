using System.Buffers.Binary;
using System.Text;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>What a member wants committed (re-proposed after a heal or a lost race), and key-share.</summary>
public sealed partial class GroupMember
{
    private const string KeyShareLabel = "pairsim key-share";
    private const int HeldLimit = 4096;
    private const int KeyShareAttempts = 5;

    /// <summary>Readd: send groups, the owner removes a receiver that can no longer follow and adds it again with a fresh KeyPackage.</summary>
    private enum IntentKind { Add, Remove, Update, Readd }

    /// <summary>A wanted change; <see cref="CommittedBy"/> is the hash of our commit that made it, while that commit is on our chain.</summary>
    private sealed record Intent(IntentKind Kind, string Name)
    {
        public int Commits { get; set; }
        public byte[]? CommittedBy { get; set; }
    }

    private const int DoneIntentsKept = 64;
    private List<Intent> _pendingIntents = [];

    /// <summary>
    /// An application message this member can give by key-share: its sender, plaintext and recipients (the names in the
    /// tree of the epoch it was sent in). Only a recipient may have it: a member who joined later, or was removed before,
    /// never had its keys (RFC 9420 §16.2: an epoch's secrets are known only to the members of its tree), even if an attacker replays the datagram to it.
    /// </summary>
    private sealed record Held(string Sender, byte[] Plaintext, IReadOnlyList<string> Recipients);

    private readonly Dictionary<string, Held> _held = [];
    private readonly Queue<string> _heldOrder = new();
    private readonly Dictionary<string, (string Sender, int Asks)> _unreadable = [];
    private CommitResult? _pending;
    private byte[] _pendingHash = [];
    private byte[] _pendingDatagram = [];
    private long _pendingSinceMs;

    /// <summary>Messages held for key-share (their plaintexts are a storage and forward-secrecy cost).</summary>
    public int HeldMessages => _held.Count;

    /// <summary>Messages received that we could not read and have not recovered.</summary>
    public int UnreadableMessages => _unreadable.Count;

    /// <summary>The recipients of the last epoch a message was held in: every message of an epoch shares one list.</summary>
    private (MlsGroup Group, ulong Epoch, IReadOnlyList<string> Names)? _heldRecipients;

    private void Hold(string id, string sender, byte[] plaintext, MlsGroup epoch)
    {
        if (_options.KeyShare == KeySharePolicy.Off || _held.ContainsKey(id)) return;
        if (_heldRecipients is not { } last || !ReferenceEquals(last.Group, epoch) || last.Epoch != epoch.Epoch)
            _heldRecipients = last = (epoch, epoch.Epoch, NamesOf(epoch));
        _held.Add(id, new Held(sender, plaintext, last.Names));
        _heldOrder.Enqueue(id);
        while (_heldOrder.Count > HeldLimit) _held.Remove(_heldOrder.Dequeue());
    }

    private bool Satisfied(Intent i) => i.Kind switch
    {
        IntentKind.Add => Members.Contains(i.Name),
        IntentKind.Remove => !Members.Contains(i.Name),
        _ => false,
    };

    /// <summary>Commits every wanted change that is ready (one Commit: RFC 9420 §12.4), asking for KeyPackages first.</summary>
    private void TryIntents()
    {
        if (!IsMember || _pending is not null) return;
        // A change we committed on a branch we have since left is wanted again (GROUPS.md: losers re-propose).
        foreach (var i in _intents.Where(i => i.CommittedBy is { } c && !_chain.Commits.Any(x => x.AsSpan().SequenceEqual(c)))) i.CommittedBy = null;
        _intents.RemoveAll(i => i.CommittedBy is null && Satisfied(i));
        while (_intents.Count(i => i.CommittedBy is not null) > DoneIntentsKept) _intents.Remove(_intents.First(i => i.CommittedBy is not null));
        var active = _intents.Where(i => i.CommittedBy is null).ToList();
        var proposals = new List<Proposal>();
        var joiners = new List<string>();
        bool update = false;
        foreach (var i in active)
        {
            switch (i.Kind)
            {
                case IntentKind.Add when _keyPackagesOf.TryGetValue(i.Name, out var kp): proposals.Add(new AddProposal(kp)); joiners.Add(i.Name); break;
                case IntentKind.Add:
                    if (Ask("kpreq/" + i.Name)) Send(i.Name, Datagram(MultiKind.KeyPackageRequest) with { Target = i.Name });
                    break;
                case IntentKind.Remove:
                    var leaf = _group!.Tree.Leaves.First(l => NameOf(l.Leaf) == i.Name).LeafIndex;
                    if (leaf != _group.OwnLeafIndex) proposals.Add(new RemoveProposal(leaf));
                    break;
                case IntentKind.Update: update = true; break;
                case IntentKind.Readd when _keyPackagesOf.TryGetValue(i.Name, out var fresh):
                    if (_group!.Tree.Leaves.FirstOrDefault(l => NameOf(l.Leaf) == i.Name) is { Leaf: not null } old) proposals.Add(new RemoveProposal(old.LeafIndex));
                    proposals.Add(new AddProposal(fresh));
                    joiners.Add(i.Name);
                    break;
                case IntentKind.Readd:
                    if (Ask("kpreq/" + i.Name)) Send(i.Name, Datagram(MultiKind.KeyPackageRequest) with { Target = i.Name });
                    break;
            }
        }
        if (proposals.Count == 0 && !update) return;
        var included = active.Where(i => i.Kind is IntentKind.Update or IntentKind.Remove || joiners.Contains(i.Name)).ToList();
        foreach (var i in included)
        {
            if (i.Commits++ > 0) _seen.Add(new MemberObservation.Reproposed($"{i.Kind.ToString().ToLowerInvariant()} {i.Name}"));
        }
        foreach (var j in joiners) _keyPackagesOf.Remove(j); // a KeyPackage is used once (RFC 9420 §10)
        if (IsSendGroups) CommitSendGroup(proposals, joiners, included);
        else CommitNow(proposals, joiners, included);
    }

    private void CommitNow(List<Proposal> proposals, List<string> joiners, List<Intent> included)
    {
        var recipients = Members.Where(m => m != Name).ToList();
        var head = Datagram(MultiKind.Commit);
        var result = _group!.Commit(new CommitOptions { InlineProposals = proposals, ForcePath = true });
        byte[] body = Tls.Serialize(result.Commit);
        byte[] hash = _suite.Hash(body);
        var chain = _chain.Extend(hash);
        byte[] welcome = result.Welcome is { } w ? Tls.Serialize(w) : [];
        if (_options.Strategy == MultiStrategy.Sequenced)
        {
            var d = head with { Body = body, Extra = welcome, Chain = welcome.Length > 0 ? chain.Commits : [] };
            _pending = result;
            _pendingHash = hash;
            _pendingDatagram = d.ToBytes();
            _pendingSinceMs = _now;
            _pendingIntents = included;
            _out.Add(new Outgoing(Sequencer.Name, MultiKind.Commit, _pendingDatagram));
            return;
        }
        Retain();
        _group.MergeCommit(result);
        foreach (var r in recipients) Send(r, head with { Body = body });
        foreach (var j in joiners) Send(j, Datagram(MultiKind.Welcome) with { Target = j, Body = welcome, Chain = chain.Commits });
        foreach (var i in included) i.CommittedBy = hash;
        Entered(body, hash, "own", Name);
    }

    /// <summary>
    /// Send groups: our commit to our own group, merged at once (no one else commits to it). Without
    /// adds or removes it imports every other group's fresh randomness by PSK proposals (a joiner or a
    /// removed member, which must learn it was removed, may not hold those PSKs); a member we remove
    /// is no longer followed.
    /// </summary>
    private void CommitSendGroup(List<Proposal> proposals, List<string> joiners, List<Intent> included)
    {
        // A member we add or remove must be able to process this commit too, so it imports nothing.
        var imports = joiners.Count == 0 && !proposals.OfType<RemoveProposal>().Any() ? PskImports() : [];
        proposals.AddRange(imports.Select(i => i.Proposal));
        var removed = proposals.OfType<RemoveProposal>().Select(r => _group!.Tree.TryGetLeaf(r.Removed) is { } l ? NameOf(l) : "").Where(n => !joiners.Contains(n)).ToList();
        var recipients = Members.Where(m => m != Name).ToList();
        var head = Datagram(MultiKind.Commit);
        bool importOnly = _importNext && included.All(i => i.Kind == IntentKind.Update);
        _importNext = false;
        var result = _group!.Commit(new CommitOptions { InlineProposals = proposals, ForcePath = true, AuthenticatedData = importOnly ? ImportMark : [] });
        byte[] body = Tls.Serialize(result.Commit);
        byte[] hash = _suite.Hash(body);
        var chain = _chain.Extend(hash);
        byte[] welcome = result.Welcome is { } w ? Tls.Serialize(w) : [];
        _group.MergeCommit(result);
        foreach (var (_, owner, epoch) in imports) _imported[owner] = epoch;
        foreach (var r in recipients) Send(r, head with { Body = body });
        foreach (var j in joiners) Send(j, Datagram(MultiKind.Welcome) with { Target = j, Body = welcome, Chain = chain.Commits });
        foreach (var i in included) i.CommittedBy = hash;
        foreach (var n in removed) { _gone.Add(n); DropSendGroup(n); }
        Entered(body, hash, "own", Name);
    }

    private void OnDsHead(MultiDatagram d)
    {
        if (d.Sender != Sequencer.Name) { Reject(d, "not the sequencer"); return; }
        if (_pending is not null && d.Epoch == Epoch)
        {
            if (Ask("ds/resubmit")) _out.Add(new Outgoing(Sequencer.Name, MultiKind.Commit, _pendingDatagram)); // our commit never reached it
        }
        else if (d.Epoch > Epoch && Ask("ds/catchup")) Send(Sequencer.Name, Datagram(MultiKind.CatchUp));
    }

    // ------------------------------------------------------------------ key-share (GROUPS.md strategy 2)

    /// <summary>Asks each sender of messages we could not read for them, if the policy allows it.</summary>
    private void RequestKeyShares()
    {
        if (_options.KeyShare == KeySharePolicy.Off || !IsMember || _unreadable.Count == 0) return;
        var members = Members;
        foreach (var group in _unreadable.Where(u => u.Value.Asks < KeyShareAttempts && members.Contains(u.Value.Sender)).GroupBy(u => u.Value.Sender).ToList())
        {
            if (!Ask("ks/" + group.Key)) continue;
            var ids = group.Select(u => u.Key).Take(64).ToList();
            foreach (var id in ids) _unreadable[id] = (group.Key, _unreadable[id].Asks + 1);
            Send(group.Key, Datagram(MultiKind.KeyShareRequest) with { Ids = [.. ids.Select(Encoding.UTF8.GetBytes)] });
        }
    }

    /// <summary>Re-encrypts held messages for a requester verified against the identity directory and a member of our group.</summary>
    private void OnKeyShareRequest(MultiDatagram d)
    {
        if (_options.KeyShare == KeySharePolicy.Off) { Reject(d, "key-share off"); return; }
        if (!IsMember || !_roster.TryGetValue(d.Sender, out var id)
            || !_group!.Tree.Leaves.Any(l => NameOf(l.Leaf) == d.Sender && CipherSuite.FixedTimeEquals(l.Leaf.SignatureKey, id.SignaturePublicKey)))
        {
            Reject(d, "unverified requester");
            return;
        }
        // One HPKE seal and one signature for every held message asked for (RFC 9420 §5.1.3 EncryptWithLabel).
        var entries = new TlsWriter();
        var shared = new List<string>();
        int mark = entries.BeginVector();
        foreach (var raw in d.Ids.Take(64))
        {
            string mid = Encoding.UTF8.GetString(raw);
            if (!_held.TryGetValue(mid, out var held) || !held.Recipients.Contains(d.Sender, StringComparer.Ordinal)) continue;
            entries.WriteOpaque(raw);
            entries.WriteOpaque(held.Plaintext);
            shared.Add(mid);
        }
        entries.EndVector(mark);
        if (shared.Count == 0) return;
        byte[] context = Encoding.UTF8.GetBytes(d.Sender);
        var (kem, ct) = _suite.EncryptWithLabel(id.KeySharePublicKey, KeyShareLabel, context, entries.ToArray(), _random);
        byte[] signature = _suite.SignWithLabel(_signature.PrivateKey, KeyShareLabel, Signed(context, kem, ct));
        Send(d.Sender, Datagram(MultiKind.KeyShare) with { Target = d.Sender, Ids = [signature], Extra = kem, Body = ct });
        foreach (var mid in shared) _seen.Add(new MemberObservation.KeyShareSent(d.Sender, mid));
    }

    private void OnKeyShare(MultiDatagram d)
    {
        if (d.Ids.Count != 1 || d.Target != Name) { Reject(d, "malformed"); return; }
        byte[] context = Encoding.UTF8.GetBytes(Name);
        if (!_roster.TryGetValue(d.Sender, out var holder)
            || !_suite.VerifyWithLabel(holder.SignaturePublicKey, KeyShareLabel, Signed(context, d.Extra, d.Body), d.Ids[0]))
        {
            Reject(d, "bad key-share signature");
            return;
        }
        List<(byte[] Id, byte[] Plaintext)> entries;
        try
        {
            byte[] plaintext = _suite.DecryptWithLabel(_keyShareKey.PrivateKey, KeyShareLabel, context, d.Extra, d.Body);
            var reader = new TlsReader(plaintext);
            var list = reader.ReadVectorReader();
            entries = [];
            while (!list.End) entries.Add((list.ReadOpaque(), list.ReadOpaque()));
            reader.EnsureEnd();
        }
        catch (MlsProtocolException e) { Reject(d, e.Error.ToString()); return; }
        catch (MlsDecodeException) { Reject(d, "malformed key-share"); return; }
        foreach (var (raw, plaintext) in entries)
        {
            string mid = Encoding.UTF8.GetString(raw);
            if (plaintext.Length < 8 || !_unreadable.TryGetValue(mid, out var lost)) continue;
            _unreadable.Remove(mid);
            _delivered.Add(mid);
            _seen.Add(new MemberObservation.Delivered(mid, lost.Sender, BinaryPrimitives.ReadInt64BigEndian(plaintext), Epoch, ViaKeyShare: true));
        }
    }

    private static byte[] Signed(byte[] id, byte[] kem, byte[] ct)
    {
        var w = new TlsWriter();
        w.WriteOpaque(id);
        w.WriteOpaque(kem);
        w.WriteOpaque(ct);
        return w.ToArray();
    }
}
